"""The pre-rendered choices of an item: the same markup the template made, escaped, cached per state."""
from __future__ import annotations

from types import SimpleNamespace

from maturity.assessments import fragments


def _item(label: str = "Sí", multiple: bool = False):
    options = [SimpleNamespace(id="a", reserved=False, label={"es": label, "en": "Yes"}),
               SimpleNamespace(id="b", reserved=False, label={"es": "No", "en": "No"}),
               SimpleNamespace(id="dk", reserved=True, label={"es": "No sé", "en": "I don't know"})]
    return SimpleNamespace(id="T1.q1", multiple=multiple, options=options)


def test_the_chosen_option_is_checked_and_reserved_ones_are_set_apart():
    html = str(fragments.choices(_item(), "es", ("b",)))
    assert html.count("<input") == 3 and html.count(" checked") == 1
    assert 'value="b" checked' in html
    assert html.index('<hr class="reserved-divider">') < html.index('value="dk"')
    assert 'type="radio" name="T1.q1"' in html and "choice-reserved" in html


def test_a_multiple_choice_item_has_checkboxes_and_an_exclusive_reserved_option():
    html = str(fragments.choices(_item(multiple=True), "en", ("a", "b")))
    assert html.count('type="checkbox"') == 3 and html.count(" checked") == 2
    assert 'value="dk" data-exclusive' in html and "I don&#39;t know" in html


def test_labels_are_escaped():
    html = str(fragments.choices(_item('<img src=x onerror="alert(1)">'), "es", ()))
    assert "<img" not in html and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_each_answer_state_is_its_own_entry_and_another_item_never_shares_one():
    item, other = _item("uno"), _item("otro")
    assert fragments.choices(item, "es", ()) is fragments.choices(item, "es", ())
    assert 'value="a" checked' in str(fragments.choices(item, "es", ("a",)))
    assert "otro" in str(fragments.choices(other, "es", ())) and "uno" not in str(fragments.choices(other, "es", ()))


def test_chosen_options_reads_single_multiple_and_missing_answers():
    assert fragments.chosen_options(None) == ()
    assert fragments.chosen_options(SimpleNamespace(option=None)) == ()
    assert fragments.chosen_options(SimpleNamespace(option="a")) == ("a",)
    assert fragments.chosen_options(SimpleNamespace(option=["a", "b"])) == ("a", "b")
