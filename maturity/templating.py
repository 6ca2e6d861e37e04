"""Template pieces that every visitor shares, rendered once per process instead of on every request.

`kept(template, macro, *args)` gives the output of a macro of `template` for `args`, kept per
language and per script root (the URL prefix the app is served under). It is only for macros whose
output depends on nothing but their arguments, the language and the app's URLs: never a user's
data, a CSRF token, the request's URL or the date. Translations and URLs change with a deploy, that
is with a new process.
"""
from __future__ import annotations

from collections.abc import Hashable

from flask import Flask, current_app, request
from markupsafe import Markup

from maturity.i18n import current_language

MAX_ENTRIES = 2_000
_kept: dict[tuple, Markup] = {}


def kept(template: str, macro: str, *args: Hashable) -> Markup:
    key = (template, macro, current_language(), request.script_root, args)
    html = _kept.get(key)
    if html is None:
        html = getattr(current_app.jinja_env.get_template(template).module, macro)(*args)
        if len(_kept) >= MAX_ENTRIES:
            _kept.clear()
        _kept[key] = html
    return html


def init_app(app: Flask) -> None:
    app.add_template_global(kept)
