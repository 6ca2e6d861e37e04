"""Demonstration data, clearly synthetic, idempotent (keyed on names and RUCs).

Accounts: one per role, with demo-only passwords printed once. Cohorts join as their feature
lands; each addition keeps the "twice adds nothing" rule.
"""
from __future__ import annotations

import logging
import secrets

from sqlalchemy import select

from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.organizations.models import Organization
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

DEMO_ORGANIZATIONS = [
    {"name": "DEMO — CITE Textil Camélidos Arequipa", "kind": "cite"},
    {"name": "DEMO — Agencia Regional de Desarrollo", "kind": "agency"},
]

# Synthetic firms from the seed clusters; RUCs are valid check-digit numbers, not real companies.
DEMO_FIRMS = [
    {"name": "DEMO Confecciones Gamarra SAC", "ruc": "20600000013", "has_ruc": True, "sector": "textiles",
     "ciiu": "18100", "employees": 8, "annual_sales_band": "le150uit", "department": "15", "tax_regime": "rmt",
     "issues_e_invoices": True, "exports": False, "export_intent": True, "association": "association", "years_operating": 6},
    {"name": "DEMO Bodega Mercado Central EIRL", "ruc": "20600000021", "has_ruc": True, "sector": "retail",
     "ciiu": "52111", "employees": 3, "annual_sales_band": "le150uit", "department": "15", "tax_regime": "nrus",
     "issues_e_invoices": False, "exports": False, "export_intent": False, "association": "none", "years_operating": 12},
    {"name": "DEMO Hostal Cusco SRL", "ruc": "20600000030", "has_ruc": True, "sector": "tourism",
     "ciiu": "55101", "employees": 14, "annual_sales_band": "le1700uit", "department": "08", "tax_regime": "rmt",
     "issues_e_invoices": True, "exports": False, "export_intent": False, "association": "none", "years_operating": 9},
    {"name": "DEMO Quesería Bambamarca", "ruc": None, "has_ruc": False, "sector": "agrifood",
     "ciiu": "15201", "employees": 2, "annual_sales_band": "le150uit", "department": "06", "tax_regime": "none",
     "issues_e_invoices": False, "exports": False, "export_intent": False, "association": "cooperative", "years_operating": 15},
    {"name": "DEMO Calzados El Porvenir", "ruc": "10400000048", "has_ruc": True, "sector": "footwear",
     "ciiu": "19208", "employees": 5, "annual_sales_band": "le150uit", "department": "13", "tax_regime": "rer",
     "issues_e_invoices": True, "exports": False, "export_intent": False, "association": "cluster", "years_operating": 20},
]


# Demo-only accounts, one per role (the owner owns the first demo firm).
DEMO_ACCOUNTS = [
    {"email": "demo-owner@madurez.example", "role": "owner", "organization": None},
    {"email": "demo-advisor@madurez.example", "role": "advisor", "organization": DEMO_ORGANIZATIONS[0]["name"]},
    {"email": "demo-analyst@madurez.example", "role": "analyst", "organization": DEMO_ORGANIZATIONS[1]["name"]},
    {"email": "demo-admin@madurez.example", "role": "admin", "organization": None},
]


def seed_demo() -> list[str]:
    """Create what is missing; return one line per thing created or found."""
    lines = []
    for data in DEMO_ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.name == data["name"]))
        if org is None:
            db.session.add(Organization(**data))
            lines.append(f"organisation created: {data['name']}")
        else:
            lines.append(f"organisation present: {data['name']}")
    for data in DEMO_FIRMS:
        firm = db.session.scalar(select(Firm).where(Firm.name == data["name"]))
        if firm is None:
            db.session.add(Firm(**data))
            lines.append(f"firm created: {data['name']}")
        else:
            lines.append(f"firm present: {data['name']}")
    db.session.commit()
    lines.extend(_seed_accounts())
    from maturity.cohorts.demo import seed_demo_cohort

    lines.extend(seed_demo_cohort())  # the synthetic cohort of the demo agency (idempotent)
    log.info("demo data seeded (%d lines)", len(lines))
    return lines


def _seed_accounts() -> list[str]:
    """One confirmed account per role; a random password is printed once, when the account is created."""
    from maturity.auth.operations import PRIVACY_VERSION, create_account, find_user

    lines = []
    for data in DEMO_ACCOUNTS:
        user = find_user(data["email"])
        if user is not None:
            lines.append(f"account present: {data['role']} {data['email']}")
            continue
        organization = None
        if data["organization"]:
            organization = db.session.scalar(select(Organization).where(Organization.name == data["organization"]))
        password = secrets.token_urlsafe(15)
        user = create_account(data["email"], password, data["role"], organization, confirmed=True, actor="demo")
        user.privacy_consent_at, user.privacy_version = utcnow(), PRIVACY_VERSION
        lines.append(f"account created: {data['role']} {data['email']} password: {password} "
                     "(DEMO ONLY, shown this once: never use demo accounts with real data)")
    owner = find_user(DEMO_ACCOUNTS[0]["email"])
    firm = db.session.scalar(select(Firm).where(Firm.name == DEMO_FIRMS[0]["name"]))
    linked = db.session.scalar(select(FirmMember).where(FirmMember.firm_id == firm.id, FirmMember.user_id == owner.id))
    if linked is None:
        db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
        lines.append(f"owner {owner.email} linked to firm: {firm.name}")
    db.session.commit()
    return lines
