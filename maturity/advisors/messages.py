"""Field-work import problems in the advisor's language: row, column and reason."""
from __future__ import annotations

from maturity.advisors.fieldwork import Problem
from maturity.api.messages import problem_message
from maturity.i18n import _


def _reason(problem: Problem) -> str:
    p = {k: str(v) for k, v in problem.params.items()}
    messages = {
        "file_too_large": lambda: _("The file is larger than %(mb)s MB.", mb=p.get("limit_mb", "")),
        "not_a_spreadsheet": lambda: _("This is not a CSV or XLSX sheet. Use the sheet exported from Madurez 4.0."),
        "empty": lambda: _("The sheet is empty."),
        "wrong_columns": lambda: _("The columns must be: %(expected)s. Missing: %(missing)s. Unknown: %(unknown)s.",
                                   expected=p.get("expected", ""), missing=p.get("missing") or "—",
                                   unknown=p.get("unknown") or "—"),
        "too_many_rows": lambda: _("The sheet has more than %(limit)s rows.", limit=p.get("limit", "")),
        "other_firm": lambda: _("“%(value)s” is not this business (use its RUC, as in the exported sheet).",
                                value=p.get("value", "")),
        "duplicate_item": lambda: _("Question %(item)s is already on row %(first)s.", item=p.get("item", ""),
                                    first=p.get("first", "")),
        "missing_answer": lambda: _("Question %(item)s has no answer (write dk if they do not know).",
                                    item=p.get("item", "")),
        "too_long": lambda: _("The text is longer than %(limit)s characters.", limit=p.get("limit", "")),
    }
    if problem.code in messages:
        return messages[problem.code]()
    return problem_message(problem.column or "", problem.code, problem.params)


def fieldwork_message(problem: Problem) -> str:
    """"Row 7, column answer: …" in the advisor's language."""
    reason = _reason(problem)
    if problem.row is not None and problem.column:
        return _("Row %(row)s, column %(column)s: %(reason)s", row=problem.row, column=problem.column, reason=reason)
    if problem.row is not None:
        return _("Row %(row)s: %(reason)s", row=problem.row, reason=reason)
    return reason
