"""Bilingual sentences built from the vocabulary: reasons, steps, warnings (both languages at once).

The API returns `{es, en}` maps when no language is asked for, so these texts cannot come from
the gettext catalogs (one language per request); their words live in vocabulary.yaml.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from maturity.questionnaires.schema import I18nText

LANGS = ("es", "en")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fill(text: str, params: Mapping[str, str]) -> str:
    """Replace `{name}` placeholders (plain replacement: braces in data never raise)."""
    for name, value in params.items():
        text = text.replace("{" + name + "}", value)
    return text


def step_text(text: I18nText, params: Mapping[str, Any]) -> I18nText:
    """A vocabulary text with its placeholders filled; a value may itself be an `I18nText`."""
    out = {}
    for lang in LANGS:
        values = {k: (v.get(lang) if isinstance(v, I18nText) else str(v)) for k, v in params.items()}
        out[lang] = fill(text.get(lang), values)
    return I18nText(**out)


def join_texts(texts: Sequence[I18nText]) -> I18nText:
    """Sentences one after the other."""
    return I18nText(**{lang: " ".join(t.get(lang).strip() for t in texts) for lang in LANGS})


def date_text(day: date) -> I18nText:
    """15/02/2026 in Spanish (Peru), 15 Feb 2026 in English."""
    return I18nText(es=f"{day.day:02d}/{day.month:02d}/{day.year}",
                    en=f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sector_words(plan_input: Any) -> I18nText:
    title = getattr(plan_input, "sector_title", None)
    if title is None:
        return I18nText(es=plan_input.sector, en=plan_input.sector)
    return I18nText(**{lang: title.get(lang)[:1].lower() + title.get(lang)[1:] for lang in LANGS})


def join_words(words: Sequence[str], and_: str) -> str:
    """'a', 'a and b', 'a, b and c' (with the language's 'and', spaces included)."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + and_ + words[-1]


def compose_reason(vocabulary: Any, clauses: Sequence[tuple[str, Mapping[str, Any]]], benefit: I18nText,
                   plan_input: Any) -> I18nText:
    """'You have a RUC and you issue electronic invoices, so <benefit>.' in both languages.

    `clauses` are (phrase name, placeholders) of the conditions the firm met, in gate order;
    none → 'it is open to any business'. A placeholder given as a list of words is joined with
    the language's 'and'.
    """
    phrases = vocabulary.phrases
    names = list(clauses) or [("open_to_all", {})]
    out = {}
    for lang in LANGS:
        and_ = phrases.and_.get(lang)
        parts = []
        for name, params in names:
            values = {k: (join_words(v, and_) if isinstance(v, list) else str(v)) for k, v in params.items()}
            if name == "sector":
                values["sector"] = _sector_words(plan_input).get(lang)
            parts.append(fill(getattr(phrases, name).get(lang), values))
        sentence = _capitalise(join_words(parts, and_)) + phrases.so.get(lang) + benefit.get(lang).strip().rstrip(".")
        out[lang] = sentence + "."
    return I18nText(**out)
