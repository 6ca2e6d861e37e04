"""What the plan needs to know about a firm: its profile, with a few answers as a fallback.

The profile (contracts.md) decides. When a profile field is unknown (missing or null, e.g. an
API call without `firm`), the common-core answer that says the same thing is read instead:

- has a RUC: profile `has_ruc`; else `common.m6.formality`: `no_ruc` → no, any other level → yes;
- issues CPE: profile `issues_e_invoices` (no RUC → no); else `common.t3.invoices`: `sunat_portal`,
  `software`, `integrated`, `partners` → yes, `no_receipts`, `paper` → no;
- exports: profile `exports`; else `common.m5.markets`: `exports_some`, `exports_diverse` → yes,
  the other levels → no;
- in a group: profile `association`; else `common.m5.association`: `not_member`, `informal` →
  none, `member` and above → association;
- size: profile `size`; else Ley 30056 from `annual_sales_band`.

`dk` and `na` answers say nothing. Pure: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from maturity.questionnaires.profile import SIZE_BY_SALES_BAND

FORMALITY_ITEM = "common.m6.formality"
INVOICES_ITEM = "common.t3.invoices"
MARKETS_ITEM = "common.m5.markets"
ASSOCIATION_ITEM = "common.m5.association"

NO_RUC_OPTIONS = frozenset({"no_ruc"})
RUC_OPTIONS = frozenset({"nrus", "books", "statements", "monthly_statements", "audited"})
CPE_OPTIONS = frozenset({"sunat_portal", "software", "integrated", "partners"})
NO_CPE_OPTIONS = frozenset({"no_receipts", "paper"})
EXPORT_OPTIONS = frozenset({"exports_some", "exports_diverse"})
LOCAL_OPTIONS = frozenset({"neighbourhood", "city", "regions", "national"})
GROUP_OPTIONS = frozenset({"member", "joint_work", "shared_data", "co_innovation"})
ALONE_OPTIONS = frozenset({"not_member", "informal"})

# item → the options above it uses; a test keeps these in step with common.yaml.
ANSWER_OPTIONS = {
    FORMALITY_ITEM: NO_RUC_OPTIONS | RUC_OPTIONS,
    INVOICES_ITEM: CPE_OPTIONS | NO_CPE_OPTIONS,
    MARKETS_ITEM: EXPORT_OPTIONS | LOCAL_OPTIONS,
    ASSOCIATION_ITEM: GROUP_OPTIONS | ALONE_OPTIONS,
}


@dataclass(frozen=True, slots=True)
class Facts:
    """None means unknown."""

    has_ruc: bool | None
    e_invoicing: bool | None
    exports: bool | None
    export_intent: bool | None
    association: str | None      # none | association | cooperative | cluster
    size: str | None             # micro | small | medium | large
    sector: str
    department: str | None
    years: int | None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _answer(answers: Mapping[str, Any], item: str, yes: frozenset[str], no: frozenset[str]) -> bool | None:
    value = answers.get(item)
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if value in yes:
        return True
    if value in no:
        return False
    return None


def firm_facts(firm: Mapping[str, Any], answers: Mapping[str, Any], sector: str) -> Facts:
    """The facts of one firm, from its profile first and its answers second."""
    has_ruc = _bool(firm.get("has_ruc"))
    if has_ruc is None:
        has_ruc = _answer(answers, FORMALITY_ITEM, RUC_OPTIONS, NO_RUC_OPTIONS)
    e_invoicing = False if has_ruc is False else _bool(firm.get("issues_e_invoices"))
    if e_invoicing is None:
        e_invoicing = _answer(answers, INVOICES_ITEM, CPE_OPTIONS, NO_CPE_OPTIONS)
    exports = _bool(firm.get("exports"))
    if exports is None:
        exports = _answer(answers, MARKETS_ITEM, EXPORT_OPTIONS, LOCAL_OPTIONS)
    association = firm.get("association") if isinstance(firm.get("association"), str) else None
    if association is None:
        grouped = _answer(answers, ASSOCIATION_ITEM, GROUP_OPTIONS, ALONE_OPTIONS)
        association = None if grouped is None else ("association" if grouped else "none")
    size = firm.get("size") if isinstance(firm.get("size"), str) else None
    if size is None:
        band = firm.get("annual_sales_band")
        size = SIZE_BY_SALES_BAND.get(band) if isinstance(band, str) else None
    years = firm.get("years_operating")
    department = firm.get("department")
    return Facts(
        has_ruc=has_ruc, e_invoicing=e_invoicing, exports=exports,
        export_intent=_bool(firm.get("export_intent")), association=association, size=size, sector=sector,
        department=department if isinstance(department, str) else None,
        years=years if isinstance(years, int) and not isinstance(years, bool) else None)
