"""The one module that owns WeasyPrint: a fetcher that reads only our own assets, and the render.

Rules (code_anchors.md §3.1, reliability_security.md §2.1):

- every URL WeasyPrint meets — in the HTML, the stylesheet, an SVG, an ``@font-face`` — goes
  through `ReportFetcher`, which answers only ``report-asset:<path>`` inside ``reports/``
  (checked after `Path.resolve()`, so ``..`` and symlinks cannot leave it) and ``data:`` images;
  ``file:``, ``http(s):``, ``ftp:``, every other scheme and redirects are refused before anything
  is opened;
- the stylesheet is passed as a string (``CSS(string=…)``) with the same fetcher, never as a URL,
  and no ``xmp_metadata`` or ``attachments`` are given (GHSA-jf6q-chmf-3h3v: before 70.0 those
  built a permissive fetcher of their own);
- presentational hints stay off (CVE-2026-49452: CSS injection through them);
- the output uses WeasyPrint's PDF/UA-1 variant (structure tags, language, title). Call it
  *tagged*, never *conformant*: no PDF/UA checker has validated it.

Imported only where a PDF is drawn (the render process, tests, benchmarks): the web process
never loads WeasyPrint.
"""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from maturity.reports.assets import ASSETS_DIR, SCHEME, stylesheet_text

log = logging.getLogger(__name__)
# WeasyPrint narrates every layout step at INFO; keep its warnings (refused URLs, bad CSS) only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

#: What an asset under reports/ may be, by suffix (anything else is refused).
ASSET_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
#: `data:` URIs are accepted for images only: a `data:text/css` could smuggle an @import.
DATA_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"})
MAX_DATA_URI = 1024 * 1024
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "presentational_hints": False, "attachments": None,
               "xmp_metadata": None, "custom_metadata": False}


class RefusedURL(ValueError):
    """A report asked for something outside our own assets."""


class ReportFetcher(URLFetcher):
    """Answers ``report-asset:`` paths inside `root` and ``data:`` images; refuses everything else."""

    def __init__(self, root: Path = ASSETS_DIR) -> None:
        # The parent's handlers are never reached (fetch is replaced); the restrictions are set
        # anyway so a future WeasyPrint that calls the opener directly still cannot go out.
        super().__init__(timeout=1, allowed_protocols=frozenset({SCHEME, "data"}), allow_redirects=False,
                         fail_on_errors=False)
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == SCHEME:
            return self._asset(url)
        if scheme == "data":
            return self._data(url)
        log.warning("refused a %s URL in a report", (scheme or "relative")[:20])
        raise RefusedURL(f"only {SCHEME}: and data: URLs are allowed in a report")

    def _asset(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        relative = unquote(parts.path)
        if parts.netloc or parts.query or parts.fragment or not relative or relative.startswith("/") \
                or "\\" in relative or "\x00" in relative:
            raise RefusedURL(f"malformed {SCHEME}: URL")
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path.suffix not in ASSET_TYPES or not path.is_file():
            log.warning("refused a %s: path outside the report assets", SCHEME)
            raise RefusedURL(f"not a report asset: {relative[:80]}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": ASSET_TYPES[path.suffix]})

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > MAX_DATA_URI:
            raise RefusedURL("data: URL too large")
        response = DataHandler().data_open(Request(url))  # noqa: S310 - only data: URLs reach here
        content_type = response.headers.get_content_type()
        if content_type not in DATA_TYPES:
            raise RefusedURL(f"data: URLs must be images, not {content_type[:40]}")
        return URLFetcherResponse(url, body=response.read(), headers={"Content-Type": content_type})


def render_pdf(html: str, css: str | None = None) -> bytes:
    """The PDF of `html` (a whole document, built by Jinja with autoescaping) with our stylesheet."""
    fetcher = ReportFetcher()
    fonts = FontConfiguration()  # one configuration for the stylesheet and the layout, or fonts are not embedded
    stylesheet = CSS(string=css if css is not None else stylesheet_text(), url_fetcher=fetcher, font_config=fonts)
    document = HTML(string=html, url_fetcher=fetcher)  # no base_url: relative URLs resolve to nothing
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, **PDF_OPTIONS)


def write_pdf_file(html: str, target: str) -> None:
    """Render and store at `target` atomically (a temporary sibling, fsync, os.replace).

    A reader sees either no file or the whole PDF, never a part. The job runner calls this in a
    process of its own and kills it past the timeout; a temporary file a kill leaves behind is
    never served (only the exact final name is) and `maturity.reports.storage` sweeps it.
    """
    data = render_pdf(html)
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f"{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


WARM_UP_HTML = """<!doctype html><html lang="es"><head><title>Madurez 4.0</title></head><body>
<section class="cover"><h1 class="doc-title">Plan de transformación digital</h1><p class="firm-name">Ñandú</p></section>
<section class="part"><h2>Resumen</h2><table><tr><th>T1</th><td class="num">20.0</td></tr></table>
<svg viewBox="0 0 10 10"><polygon points="0,0 10,0 10,10" fill="#0b5563"/><text x="1" y="5">T1</text></svg>
<div class="action"><p class="title">¿Qué?</p><p class="meta">Sí</p></div></section></body></html>"""


def warm_up() -> None:
    """Draw a tiny document once, so processes forked afterwards start with WeasyPrint's lazy
    set-up done (cffi type parsing, stylesheet compilation): about 0.2 s off every render."""
    render_pdf(WARM_UP_HTML)
