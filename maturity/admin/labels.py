"""Display names for stable ids (roles, organisation kinds), built in the request's language."""
from __future__ import annotations

from maturity.i18n import _


def role_labels() -> dict[str, str]:
    return {"owner": _("Business owner"), "advisor": _("Advisor"), "analyst": _("Analyst"), "admin": _("Administrator")}


def organization_kind_labels() -> dict[str, str]:
    return {
        "agency": _("Public agency or regional government"),
        "cite": _("CITE (technology and innovation centre)"),
        "cde": _("Business development centre"),
        "consultancy": _("Consultancy"),
        "association": _("Association, cooperative or cluster"),
    }
