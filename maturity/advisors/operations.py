"""Writes for advisors: register a client firm, invite its owner, ask for access, accept, revoke."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy import select

from maturity.advisors.models import AccessRequest, OwnerInvitation
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.firms.ruc import mask_ruc
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

INVITATION_DAYS = 14


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register_client_firm(advisor, profile: dict) -> Firm:
    """A firm registered by an advisor: linked to the advisor's organisation, the advisor a member."""
    firm = Firm(**profile, organization_id=advisor.organization_id)
    db.session.add(firm)
    db.session.add(FirmMember(firm=firm, user_id=advisor.id, role="advisor"))
    db.session.commit()
    log.info("advisor %s registered client firm %s (RUC %s)", advisor.id, firm.id, mask_ruc(firm.ruc))
    return firm


def invite_owner(advisor, firm: Firm, email: str | None = None) -> str:
    """Create a single-use link for the firm's owner; return the token (shown once, never stored)."""
    token = secrets.token_urlsafe(24)
    db.session.add(OwnerInvitation(firm_id=firm.id, token_hash=_hash(token), email=email, created_by_id=advisor.id,
                                   expires_at=utcnow() + timedelta(days=INVITATION_DAYS)))
    db.session.commit()
    log.info("advisor %s invited the owner of firm %s", advisor.id, firm.id)
    return token


def find_invitation(token: str) -> OwnerInvitation | None:
    """The invitation for `token` if it can still be used (unused, unexpired), else None."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(select(OwnerInvitation).where(OwnerInvitation.token_hash == _hash(token)))
    if invitation is None or invitation.used_at is not None:
        return None
    expires = invitation.expires_at if invitation.expires_at.tzinfo else invitation.expires_at.replace(tzinfo=utcnow().tzinfo)
    return invitation if expires > utcnow() else None


def accept_invitation(invitation: OwnerInvitation, owner) -> None:
    """The owner takes the firm: a member with the owner role; the link is spent."""
    existing = db.session.scalar(select(FirmMember).where(FirmMember.firm_id == invitation.firm_id,
                                                          FirmMember.user_id == owner.id))
    if existing is None:
        db.session.add(FirmMember(firm_id=invitation.firm_id, user_id=owner.id, role="owner"))
    invitation.used_at = utcnow()
    invitation.used_by_id = owner.id
    db.session.commit()
    log.info("user %s accepted the invitation to firm %s", owner.id, invitation.firm_id)


def request_access(advisor, firm: Firm) -> AccessRequest:
    """Ask the owner of an already registered firm to let this advisor work with it (once)."""
    pending = db.session.scalar(select(AccessRequest).where(AccessRequest.firm_id == firm.id,
                                                            AccessRequest.advisor_id == advisor.id,
                                                            AccessRequest.status == "pending"))
    if pending is not None:
        return pending
    access = AccessRequest(firm_id=firm.id, advisor_id=advisor.id)
    db.session.add(access)
    db.session.commit()
    log.info("advisor %s asked for access to firm %s", advisor.id, firm.id)
    return access


def decide_access(access: AccessRequest, owner, accept: bool) -> None:
    """The owner's answer to an access request."""
    access.status = "accepted" if accept else "declined"
    access.decided_at = utcnow()
    if accept and db.session.scalar(select(FirmMember.id).where(FirmMember.firm_id == access.firm_id,
                                                                FirmMember.user_id == access.advisor_id)) is None:
        db.session.add(FirmMember(firm_id=access.firm_id, user_id=access.advisor_id, role="advisor"))
    db.session.commit()
    log.info("owner %s %s access request %s", owner.id, access.status, access.id)


def revoke_member(owner, member: FirmMember) -> None:
    """The owner ends an advisor's access to the firm."""
    db.session.delete(member)
    db.session.commit()
    log.info("owner %s revoked the access of user %s to firm %s", owner.id, member.user_id, member.firm_id)
