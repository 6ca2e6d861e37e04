"""Cohorts of firms an agency follows, the owners' consent to share with it, and API tokens.

A firm's results reach an agency only through an active enrolment: a `CohortMember` row whose
owner gave consent (time and text version recorded) and has not withdrawn it. Invitations (a CSV
of RUCs, an advisor's suggestion) never enrol anybody by themselves: the owner accepts them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import db
from maturity.timeutil import utcnow

INVITATION_SOURCES = ("csv", "advisor", "analyst")
INVITATION_STATES = ("pending", "accepted", "declined")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Cohort(db.Model):
    """A group of firms an organisation follows over a period (a programme, a region, a sector)."""

    __tablename__ = "cohort"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The enrolment code of the join link (/agency/join/<code>); it can be shared on paper too.
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization = relationship("Organization")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} org={self.organization_id} {self.name!r}>"


class CohortMember(db.Model):
    """A firm enrolled in a cohort by its owner, with the consent it gave.

    Active while `withdrawn_at` is null. Withdrawing keeps the row (the record of what was agreed
    and when) and removes the firm from every aggregate from then on; joining again records a new
    consent on the same row.
    """

    __tablename__ = "cohort_member"
    __table_args__ = (
        UniqueConstraint("cohort_id", "firm_id", name="uq_cohort_member_cohort_firm"),
        CheckConstraint("withdrawn_at IS NULL OR withdrawn_at >= consent_at", name="withdrawal_after_consent"),
        Index("ix_cohort_member_cohort_active", "cohort_id", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    consent_version: Mapped[str] = mapped_column(String(20))
    consented_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()
    firm = relationship("Firm")

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        state = "active" if self.active else "withdrawn"
        return f"<CohortMember cohort={self.cohort_id} firm={self.firm_id} {state}>"


class CohortInvitation(db.Model):
    """An invitation to join a cohort, for a firm already known (`firm_id`) or a RUC (a CSV line).

    It enrols nobody: the firm's owner sees it among their cohorts and accepts or declines it.
    """

    __tablename__ = "cohort_invitation"
    __table_args__ = (
        UniqueConstraint("cohort_id", "ruc", name="uq_cohort_invitation_cohort_ruc"),
        UniqueConstraint("cohort_id", "firm_id", name="uq_cohort_invitation_cohort_firm"),
        CheckConstraint("ruc IS NOT NULL OR firm_id IS NOT NULL", name="target"),
        CheckConstraint(_in("source", INVITATION_SOURCES), name="source"),
        CheckConstraint(_in("state", INVITATION_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    ruc: Mapped[str | None] = mapped_column(String(11), index=True)
    source: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"<CohortInvitation {self.id} cohort={self.cohort_id} {self.source} {self.state}>"


class ApiToken(db.Model):
    """A bearer token for the Agency API. Only its SHA-256 is stored; the token is shown once.

    It acts for its organisation (fixed when issued) and stops working when revoked, when its user
    is disabled, loses the analyst or admin role, or moves to another organisation.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so the owner can tell tokens apart (never enough to use one).
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id} {self.prefix}… {'revoked' if self.revoked_at else 'active'}>"
