"""Template pieces rendered once and kept, instead of on every request.

`kept(template, macro, *args)` gives the output of a macro of `template` for `args`, kept per
language and per script root (the URL prefix the app is served under). It is only for macros whose
output depends on nothing but their arguments, the language and the app's URLs: never a user's
data, a CSRF token, the request's URL or the date. Translations and URLs change with a deploy, that
is with a new process.

`kept_table(name, size)` is the app's own table of the most recently used `size` entries under
`name`, for pieces whose key the caller builds (`maturity.assessments.fragments`). Tables belong to
the app, not to the module, so an app on another database never sees another app's pieces.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, request
from markupsafe import Markup

from maturity.i18n import current_language

EXTENSION_KEY = "kept_pieces"


class KeptTable:
    """The most recently used `size` values by key, safe to share between a process's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make()  # outside the lock: rendering may take milliseconds; a rare double render is harmless
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)


def kept_table(name: str, size: int) -> KeptTable:
    tables = current_app.extensions.setdefault(EXTENSION_KEY, {})
    table = tables.get(name)
    if table is None:
        table = tables.setdefault(name, KeptTable(size))
    return table


def kept(template: str, macro: str, *args: Hashable) -> Markup:
    key = (template, macro, current_language(), request.script_root, args)
    return kept_table("macros", 2_000).get(
        key, lambda: getattr(current_app.jinja_env.get_template(template).module, macro)(*args))


def init_app(app: Flask) -> None:
    app.add_template_global(kept)
