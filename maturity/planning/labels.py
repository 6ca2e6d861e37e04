"""Labels of action statuses and of the single-language mark, in the user's language."""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask import g, has_request_context

from maturity.i18n import _l, current_language

STATUS_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done")}
ONLY_LANG_LABELS = {"es": _l("only in Spanish"), "en": _l("only in English")}

_translated: dict[tuple[int, str], dict[str, str]] = {}


def translated(labels: dict) -> dict[str, str]:
    """`labels` in the language being used now (a request's, or `use_language`'s; else Spanish),
    translated once per language and process: a results page prints a status label several times
    per action, and each lazy string would otherwise be looked up again."""
    lang = current_language() if has_request_context() or "lang" in g else "es"
    done = _translated.get((id(labels), lang))
    if done is None:
        done = _translated[(id(labels), lang)] = {key: str(label) for key, label in labels.items()}
    return done


class InCurrentLanguage(Mapping):
    """A label table for templates, translated when it is read."""

    def __init__(self, labels: dict) -> None:
        self._labels = labels

    def __getitem__(self, key: str) -> str:
        return translated(self._labels)[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


STATUS = InCurrentLanguage(STATUS_LABELS)
ONLY_LANG = InCurrentLanguage(ONLY_LANG_LABELS)
