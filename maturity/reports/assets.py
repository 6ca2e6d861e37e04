"""The print assets under reports/: the stylesheet, the bundled fonts, the glossary.

No WeasyPrint here: the web process reads these to key a PDF (a changed stylesheet or font
gives a new file) and the render process reads them to draw it.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ASSETS_DIR = Path(__file__).resolve().parent.parent.parent / "reports"
STYLESHEET = ASSETS_DIR / "print.css"
GLOSSARY = ASSETS_DIR / "glossary.yaml"
#: The URL scheme of our own assets: `report-asset:fonts/DejaVuSans.ttf` is reports/fonts/DejaVuSans.ttf.
SCHEME = "report-asset"


def _signature() -> tuple[tuple[str, int, int], ...]:
    files = [STYLESHEET, GLOSSARY, *sorted((ASSETS_DIR / "fonts").glob("*"))]
    return tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.is_file())


@lru_cache(maxsize=4)
def _read(signature: tuple) -> tuple[str, str, tuple[dict[str, Any], ...]]:
    css = STYLESHEET.read_text(encoding="utf-8")
    digest = hashlib.sha256(css.encode())
    for name, size, _mtime in signature:
        digest.update(f"{name}:{size}".encode())
    glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["terms"]
    digest.update(repr(glossary).encode())
    return css, digest.hexdigest(), tuple(glossary)


def stylesheet_text() -> str:
    """reports/print.css (read again when it changes on disk)."""
    return _read(_signature())[0]


def fingerprint() -> str:
    """A hash of the stylesheet, the font files (names and sizes) and the glossary."""
    return _read(_signature())[1]


def glossary(lang: str) -> list[dict[str, str]]:
    """[{term, text}] in `lang`, in the file's order."""
    return [{"term": entry["term"][lang], "text": entry["text"][lang]} for entry in _read(_signature())[2]]


def glossary_entries() -> tuple[dict[str, Any], ...]:
    """The raw bilingual entries (for the test that every one has both languages)."""
    return _read(_signature())[2]
