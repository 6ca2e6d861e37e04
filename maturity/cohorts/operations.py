"""Writes for cohorts: create one, invite firms (code, advisor, CSV of RUCs), join with consent,
withdraw, and issue or revoke Agency API tokens. Each names its actor in one log line."""
from __future__ import annotations

import csv
import io
import logging
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from maturity.cohorts.models import ApiToken, Cohort, CohortInvitation, CohortMember
from maturity.cohorts.tokens import new_token, token_hash
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.firms.ruc import RucError, normalise_ruc
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

# The version of the consent text the owner agrees to (templates/cohorts/_consent.html). Change it
# whenever that text changes: each enrolment records the version it was given under.
CONSENT_VERSION = "2026-11"  # 2026-11: exports carry no per-firm rows (2026-01 allowed pseudonymised ones)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed
CODE_LENGTH = 8
MAX_IMPORT_LINES = 5000


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_cohort(user, name: str, programme: str | None, description: str | None,
                  period_start: date, period_end: date) -> Cohort:
    """A cohort of the user's organisation, with a fresh enrolment code."""
    cohort = Cohort(organization_id=user.organization_id, name=name, programme=programme or None,
                    description=description or None, period_start=period_start, period_end=period_end,
                    join_code=new_join_code(), created_by_id=user.id)
    db.session.add(cohort)
    db.session.commit()
    log.info("user %s created cohort %s for organisation %s", user.id, cohort.id, cohort.organization_id)
    return cohort


def update_cohort(user, cohort: Cohort, name: str, programme: str | None, description: str | None,
                  period_start: date, period_end: date) -> Cohort:
    """Change what describes the cohort and its period (which assessments count); the enrolment
    code and the members stay. The figures follow at once: the period is part of their key."""
    before = (cohort.period_start, cohort.period_end)
    cohort.name, cohort.programme, cohort.description = name, programme or None, description or None
    cohort.period_start, cohort.period_end = period_start, period_end
    db.session.commit()
    log.info("user %s edited cohort %s%s", user.id, cohort.id,
             f" (period {before[0]}..{before[1]} -> {period_start}..{period_end})"
             if before != (period_start, period_end) else "")
    return cohort


def owned_firms(user) -> list[Firm]:
    """The firms `user` owns: only an owner may enrol a firm or consent for it."""
    return list(db.session.scalars(select(Firm).join(FirmMember, FirmMember.firm_id == Firm.id)
                                   .where(FirmMember.user_id == user.id, FirmMember.role == "owner")
                                   .order_by(Firm.name)))


def owns(user, firm_id: int | None) -> bool:
    return firm_id is not None and db.session.scalar(
        select(FirmMember.id).where(FirmMember.firm_id == firm_id, FirmMember.user_id == user.id,
                                    FirmMember.role == "owner")) is not None


def join_cohort(user, cohort: Cohort, firm: Firm) -> CohortMember:
    """Enrol `firm` with its owner's consent (now, this text version); joining again after a
    withdrawal records the new consent on the same enrolment. Pending invitations of the firm to
    this cohort are marked accepted."""
    if not owns(user, firm.id):
        raise PermissionError("only the firm's owner consents")
    now = utcnow()
    member = db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                                          CohortMember.firm_id == firm.id))
    if member is None:
        member = CohortMember(cohort_id=cohort.id, firm_id=firm.id)
        db.session.add(member)
    elif member.active:
        return member
    member.consent_at, member.consent_version, member.consented_by_id = now, CONSENT_VERSION, user.id
    member.withdrawn_at = member.withdrawn_by_id = None
    for invitation in _invitations_for(cohort.id, firm):
        if invitation.state == "pending":
            invitation.state, invitation.answered_at = "accepted", now
        if invitation.firm_id is None:
            invitation.firm_id = firm.id
    db.session.commit()
    log.info("user %s enrolled firm %s in cohort %s (consent %s)", user.id, firm.id, cohort.id, CONSENT_VERSION)
    return member


def withdraw(user, member: CohortMember) -> None:
    """End the firm's consent: from now on none of its data is in any of the cohort's figures."""
    if not owns(user, member.firm_id):
        raise PermissionError("only the firm's owner withdraws")
    if member.withdrawn_at is None:
        member.withdrawn_at, member.withdrawn_by_id = utcnow(), user.id
        db.session.commit()
        log.info("user %s withdrew firm %s from cohort %s", user.id, member.firm_id, member.cohort_id)


def decline_invitation(user, invitation: CohortInvitation) -> None:
    if invitation.state == "pending":
        invitation.state, invitation.answered_at = "declined", utcnow()
        db.session.commit()
        log.info("user %s declined invitation %s to cohort %s", user.id, invitation.id, invitation.cohort_id)


def _invitations_for(cohort_id: int | None, firm: Firm) -> list[CohortInvitation]:
    targets = [CohortInvitation.firm_id == firm.id]
    if firm.ruc:
        targets.append(CohortInvitation.ruc == firm.ruc)
    query = select(CohortInvitation).where(or_(*targets))
    if cohort_id is not None:
        query = query.where(CohortInvitation.cohort_id == cohort_id)
    return list(db.session.scalars(query.order_by(CohortInvitation.id)))


def pending_invitations(user) -> list[tuple[CohortInvitation, Firm]]:
    """Invitations waiting for `user`'s answer: addressed to a firm they own, by id or by RUC."""
    found = []
    for firm in owned_firms(user):
        for invitation in _invitations_for(None, firm):
            if invitation.state == "pending":
                found.append((invitation, firm))
    return found


def invitation_firm(user, invitation: CohortInvitation) -> Firm | None:
    """The firm of `user`'s that `invitation` is addressed to, else None."""
    for firm in owned_firms(user):
        if invitation.firm_id == firm.id or (firm.ruc and invitation.ruc == firm.ruc):
            return firm
    return None


def invite_firm(advisor, cohort: Cohort, firm: Firm) -> CohortInvitation:
    """An advisor suggests a firm they advise; the owner still has to accept."""
    existing = next(iter(_invitations_for(cohort.id, firm)), None)
    if existing is not None:
        return existing
    invitation = CohortInvitation(cohort_id=cohort.id, firm_id=firm.id, ruc=firm.ruc, source="advisor",
                                  invited_by_id=advisor.id)
    db.session.add(invitation)
    db.session.commit()
    log.info("user %s invited firm %s to cohort %s", advisor.id, firm.id, cohort.id)
    return invitation


@dataclass(frozen=True)
class ImportLine:
    line: int
    value: str
    outcome: str        # invited | already_invited | duplicate | member | invalid | skipped
    problem: str | None = None  # a RucError code for invalid lines


def _first_cells(text: str) -> list[tuple[int, str]]:
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        rows.append((number, (row[0] if row else "").strip()))
    return rows


def _parse_lines(text: str) -> list[tuple[int, str, str | None, str | None]]:
    """(line number, value as shown, RUC or None, RucError code or None) of each CSV line."""
    parsed = []
    for number, value in _first_cells(text)[:MAX_IMPORT_LINES]:
        try:
            parsed.append((number, value, normalise_ruc(value), None))
        except RucError as err:
            parsed.append((number, value[:40], None, err.code))
    return parsed


def import_rucs(user, cohort: Cohort, text: str) -> list[ImportLine]:
    """Invitations from a CSV whose first column holds RUCs, one report line per CSV line.

    Only invitations are created, never enrolments: each firm's owner accepts or not. The report
    never says whether a RUC belongs to a firm registered here (that would disclose who uses the
    service): a valid RUC is "invited" whether or not its firm has an account yet.
    """
    lines = _parse_lines(text)
    valid = {ruc for _n, _v, ruc, _p in lines if ruc}
    firm_ids = {ruc: firm_id for ruc, firm_id in db.session.execute(select(Firm.ruc, Firm.id).where(Firm.ruc.in_(valid)))}
    member_rucs = set(db.session.scalars(
        select(Firm.ruc).join(CohortMember, CohortMember.firm_id == Firm.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.withdrawn_at.is_(None), Firm.ruc.is_not(None))))
    invited_rucs = set(db.session.scalars(select(CohortInvitation.ruc).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.ruc.is_not(None))))
    invited_firms = set(db.session.scalars(select(CohortInvitation.firm_id).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.firm_id.is_not(None))))
    report: list[ImportLine] = []
    seen: set[str] = set()
    for number, value, ruc, problem in lines:
        if ruc is None:
            # An empty line, or a header ("ruc", "número"), is skipped, not reported as a bad RUC.
            skipped = not value or (number == 1 and not any(ch.isdigit() for ch in value))
            report.append(ImportLine(number, value, "skipped" if skipped else "invalid", None if skipped else problem))
        elif ruc in seen:
            report.append(ImportLine(number, ruc, "duplicate"))
        elif ruc in member_rucs:
            report.append(ImportLine(number, ruc, "member"))
        elif ruc in invited_rucs or firm_ids.get(ruc) in invited_firms:
            report.append(ImportLine(number, ruc, "already_invited"))
        else:
            db.session.add(CohortInvitation(cohort_id=cohort.id, ruc=ruc, firm_id=firm_ids.get(ruc), source="csv",
                                            invited_by_id=user.id))
            report.append(ImportLine(number, ruc, "invited"))
        if ruc:
            seen.add(ruc)
    db.session.commit()
    created = sum(line.outcome == "invited" for line in report)
    log.info("user %s imported %s invitations into cohort %s (%s lines)", user.id, created, cohort.id, len(report))
    return report


# --- Agency API tokens ----------------------------------------------------------------------

def issue_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`'s organisation; the plain token is returned once and never stored."""
    raw = new_token()
    token = ApiToken(user_id=user.id, organization_id=user.organization_id, name=name,
                     token_hash=token_hash(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.commit()
    log.info("user %s issued API token %s for organisation %s", user.id, token.id, token.organization_id)
    return token, raw


def revoke_token(user, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
        log.info("user %s revoked API token %s", user.id, token.id)
