"""The choices of one questionnaire item as HTML, kept once rendered.

The option list is most of a questionnaire page, and it depends only on the item, the language
and which options are chosen: rendering it in Python once per such combination, instead of in the
template's innermost loop on every request, takes a large share of the page's cost away. Every
text is escaped here (`Markup.format`), as the template's autoescaping would.
Items are loaded once per process and never change, so a cache entry is keyed on the item object
itself (its id, checked against the stored object, so a reused id never serves another item).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

MAX_ENTRIES = 20_000
_cache: dict[tuple[int, str, tuple[str, ...]], tuple[Any, Markup]] = {}


def chosen_options(answer: Any) -> tuple[str, ...]:
    """The option ids an answer holds (none, one, or several for a multiple-choice item)."""
    option = getattr(answer, "option", None) if answer is not None else None
    if option is None:
        return ()
    return (option,) if isinstance(option, str) else tuple(option)


def choices(item: Any, lang: str, chosen: Iterable[str]) -> Markup:
    chosen = tuple(chosen)
    key = (id(item), lang, chosen)
    hit = _cache.get(key)
    if hit is not None and hit[0] is item:
        return hit[1]
    html = _render(item, lang, chosen)
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[key] = (item, html)
    return html


_DIVIDER = Markup('<hr class="reserved-divider">')
_CHOICE = Markup('<label class="choice{reserved}"><input type="{kind}" name="{name}" value="{value}"{checked}{exclusive}>'
                 '<span>{label}</span></label>')


def _render(item: Any, lang: str, chosen: tuple[str, ...]) -> Markup:
    """`Markup.format` escapes every argument: labels and ids can never become markup."""
    kind = "checkbox" if item.multiple else "radio"
    parts = []
    previous = None
    for option in item.options:
        if option.reserved and previous is not None and not previous.reserved:
            parts.append(_DIVIDER)
        parts.append(_CHOICE.format(
            reserved=" choice-reserved" if option.reserved else "", kind=kind, name=item.id, value=option.id,
            checked=" checked" if option.id in chosen else "",
            exclusive=" data-exclusive" if item.multiple and option.reserved else "",
            label=option.label.get(lang)))
        previous = option
    return Markup("\n").join(parts)
