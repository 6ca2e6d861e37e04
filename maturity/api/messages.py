"""The API's error messages, in the request's language, for the stable problem codes."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maturity.i18n import _

EXPECTED = ("object", "option_id", "option_id_list", "boolean", "integer", "string")


def _expected(token: str) -> str:
    return {
        "object": _("an object"),
        "option_id": _("one option id"),
        "option_id_list": _("a list of option ids"),
        "boolean": _("true or false"),
        "integer": _("a whole number"),
        "string": _("a text"),
    }.get(token, token)


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def problem_message(field: str, code: str, params: Mapping[str, Any]) -> str:
    """A translated sentence for one problem (codes from maturity.scoring.problems and the API)."""
    p = {k: _show(v) for k, v in params.items()}
    if code == "unknown_item":
        return _("The questionnaire has no question %(item)s.", item=p.get("item", ""))
    if code == "unknown_option":
        return _("Question %(item)s has no option %(option)s.", item=p.get("item", ""), option=p.get("option", ""))
    if code == "wrong_type":
        return _("%(field)s has the wrong type (expected: %(expected)s).", field=field,
                 expected=_expected(p.get("expected", "")))
    if code == "na_not_offered":
        return _("Question %(item)s does not offer “not applicable”.", item=p.get("item", ""))
    if code == "none_with_others":
        return _("In question %(item)s, “none of these” cannot be ticked with other options.", item=p.get("item", ""))
    if code == "reserved_with_others":
        return _("In question %(item)s, %(option)s cannot be combined with other options.",
                 item=p.get("item", ""), option=p.get("option", ""))
    if code == "duplicate_option":
        return _("In question %(item)s, option %(option)s is given twice.", item=p.get("item", ""), option=p.get("option", ""))
    if code == "profile_single_value":
        return _("Question %(item)s takes one option, not a list.", item=p.get("item", ""))
    if code == "unknown_field":
        return _("%(field)s is not a firm profile field.", field=field)
    if code == "unknown_value":
        return _("%(value)s is not a valid value of %(field)s (allowed: %(allowed)s).", value=p.get("value", ""),
                 field=field, allowed=p.get("allowed", ""))
    if code == "out_of_range":
        return _("%(field)s must be at least %(minimum)s.", field=field, minimum=p.get("minimum", ""))
    if code == "unknown_questionnaire":
        return _("There is no questionnaire %(id)s. Ask GET /api/v1/questionnaires for the list.", id=p.get("id", ""))
    if code == "required":
        return _("%(field)s is required.", field=field)
    if code == "unknown_key":
        return _("%(field)s is not part of this request.", field=field)
    if code == "invalid_json":
        return _("The body is not valid JSON.")
    if code == "not_json":
        return _("Send the body as JSON (Content-Type: application/json).")
    if code == "too_large":
        return _("The body is larger than %(limit)s bytes.", limit=p.get("limit", ""))
    return _("%(field)s is not valid.", field=field)
