"""Languages: the only module that imports flask_babel.

Order (contracts.md): `?lang=` (es/en; anything else ignored) → the session's last explicit
choice → the account's preference → Accept-Language → Spanish. Remembering a choice writes only
the session cookie; `?lang=` on the API (and, later, on a PDF) shapes that response only.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from babel.core import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal
from flask import Flask, g, request, session
from flask_babel import Babel, force_locale, get_translations, gettext, lazy_gettext, ngettext

log = logging.getLogger(__name__)

babel = Babel()
_ = gettext
_l = lazy_gettext
__all__ = ["_", "_l", "babel", "current_language", "format_money", "format_number", "ngettext", "use_language"]

LANGUAGES = ("es", "en")
# The Babel locale used for each UI language: Peruvian conventions for Spanish.
_LOCALES = {"es": "es_PE", "en": "en"}
SESSION_KEY = "lang"


def valid_language(value: object) -> str | None:
    """Return 'es' or 'en' for an acceptable ?lang= value, else None (never raises)."""
    if isinstance(value, str):
        value = value.strip().lower()[:5]
        if value in LANGUAGES:
            return value
    return None


def negotiate_language(remember: bool) -> str:
    """Choose the request's language; with remember=True an explicit ?lang= goes to the session."""
    explicit = valid_language(request.args.get("lang"))
    if explicit:
        if remember and session.get(SESSION_KEY) != explicit:
            session[SESSION_KEY] = explicit
        return explicit
    remembered = valid_language(session.get(SESSION_KEY)) if remember else None
    if remembered:
        return remembered
    preferred = _account_language() if remember else None
    if preferred:
        return preferred
    return request.accept_languages.best_match(LANGUAGES) or "es"


def _account_language() -> str | None:
    # Imported here: flask_login is optional for this module's users (the API never reads it).
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return valid_language(getattr(current_user, "language", None))
    return None


def current_language() -> str:
    """The language of the current request ('es' or 'en')."""
    lang = g.get("lang")
    if lang is None:
        lang = g.lang = negotiate_language(remember=False)
    return lang


@contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """Translate and format in `lang` inside the block (an e-mail in its recipient's language, a
    command's messages in English); anything but 'es'/'en' means Spanish. Needs an app context."""
    lang = valid_language(lang) or "es"
    previous = g.get("lang")
    g.lang = lang
    try:
        with force_locale(_LOCALES[lang]):
            yield
    finally:
        if previous is None:
            g.pop("lang", None)
        else:
            g.lang = previous


def _request_translations():
    """The catalog of the current language, looked up once per request and language."""
    cache = g.setdefault("_translations", {})
    lang = current_language()
    catalog = cache.get(lang)
    if catalog is None:
        catalog = cache[lang] = get_translations()
    return catalog


def lang_url(lang: str) -> str:
    """The current page in another language: same path and query, with ?lang= replaced."""
    args = request.args.copy()
    args["lang"] = lang
    return request.path + "?" + urlencode(list(args.items(multi=True)))


def _select_locale() -> str:
    return _LOCALES[current_language()]


@functools.cache
def _number_format(lang: str, digits: int) -> tuple[NumberPattern, Locale]:
    # Parsing the pattern and the locale is most of babel's cost; a results page formats ~40 numbers.
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else "")), Locale.parse(_LOCALES[lang])


def format_number(value: float, digits: int = 1) -> str:
    """A number the reader's way (es_PE: 1,234.5)."""
    pattern, locale = _number_format(current_language(), digits)
    return pattern.apply(value, locale)


def format_money(value: float) -> str:
    """Soles the Peruvian way in both languages: S/ 1,500.00 (a no-break space keeps them on one line)."""
    if current_language() == "es":
        return _babel_currency(value, "PEN", locale="es_PE")
    return "S/\u00a0" + _babel_decimal(value, format="#,##0.00", locale="en")


def compile_catalogs(translations: Path, force: bool = False) -> list[Path]:
    """Compile every messages.po under translations/ whose .mo is missing or older; return them."""
    compiled = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo_path)
        compiled.append(mo_path)
    return compiled


def init_app(app: Flask) -> None:
    """Check the catalogs (compiling stale ones outside production) and bind Babel."""
    translations = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    missing = [lang for lang in LANGUAGES if not (translations / lang / "LC_MESSAGES" / "messages.po").exists()]
    if missing:
        raise RuntimeError(f"Missing translation catalogs for {', '.join(missing)} in {translations}.")
    if app.config["MATURITY_ENV"] == "production":
        stale = [p for p in translations.glob("*/LC_MESSAGES/messages.po")
                 if not p.with_suffix(".mo").exists() or p.with_suffix(".mo").stat().st_mtime < p.stat().st_mtime]
        if stale:
            raise RuntimeError("Translation catalogs are not compiled: run `flask --app wsgi translate compile`.")
    else:
        for mo in compile_catalogs(translations):
            log.info("compiled %s", mo)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "America/Lima")
    # Templates call gettext dozens of times per page; Flask-Babel looks the catalog up through
    # several context proxies on every call (about a third of a page's time). Keep the catalog of
    # each language on `g` for the request instead; Jinja still formats and escapes as before.
    app.jinja_env.install_gettext_callables(
        lambda message: _request_translations().ugettext(message),
        lambda singular, plural, n: _request_translations().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: _request_translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: _request_translations().unpgettext(context, singular, plural, n),
    )

    @app.before_request
    def _choose_language() -> None:
        # Pages remember an explicit choice; the public API never touches the session.
        api = request.blueprint == "api" or request.path.startswith("/api/")
        g.lang = negotiate_language(remember=not api)

    # Globals rather than a context processor: macros rendered on their own (maturity.templating) see them too.
    app.jinja_env.globals.update(current_language=current_language, format_number=format_number,
                                 format_money=format_money, lang_url=lang_url, LANGUAGES=LANGUAGES)
