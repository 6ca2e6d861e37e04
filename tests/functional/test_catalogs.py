"""Bilingual means complete: every UI string translated in both catalogs, and the template current."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from maturity.commands import extract_messages
from maturity.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_message_is_translated_and_not_fuzzy(lang):
    catalog = _catalog(lang)
    untranslated = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{lang}: untranslated {untranslated}"
    assert not fuzzy, f"{lang}: fuzzy {fuzzy}"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_translations_keep_placeholders_and_add_no_markup(lang):
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= expected, ids[0]
            # Lazy strings are treated as safe HTML by Jinja: a translation must not bring markup.
            for ch in "<>":
                assert ch not in string or any(ch in i for i in ids), ids[0]
        if not isinstance(message.id, tuple):
            assert set(PLACEHOLDER.findall(message.string)) == expected, message.id


def test_catalogs_hold_exactly_the_messages_in_the_code(tmp_path: Path):
    fresh = tmp_path / "messages.pot"
    extract_messages(fresh)
    with fresh.open("rb") as f:
        expected = {m.id for m in read_po(f) if m.id}
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        committed = {m.id for m in read_po(f) if m.id}
    assert expected == committed, "translations/messages.pot is stale: run `flask --app wsgi translate update`"
    for lang in ("es", "en"):
        ids = {m.id for m in _catalog(lang) if m.id}
        assert ids == expected, f"{lang} catalog is stale: missing {expected - ids}, obsolete {ids - expected}"


def test_no_gettext_call_uses_a_dynamic_msgid():
    # f-strings or concatenation inside _() cannot be extracted and would stay untranslated.
    bad = re.compile(r"\b_l?\(\s*(f[\"']|[\"'][^\"']*[\"']\s*\+)")
    offenders = [str(p) for p in (PROJECT_ROOT / "maturity").rglob("*.py") if bad.search(p.read_text())]
    assert not offenders
