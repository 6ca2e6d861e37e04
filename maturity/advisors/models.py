from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import db
from maturity.timeutil import utcnow


class OwnerInvitation(db.Model):
    """A single-use, expiring link an advisor gives a firm's owner (shown to copy or share, and
    e-mailed when mail is configured). Only a hash of the token is stored."""

    __tablename__ = "owner_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    firm = relationship("Firm")

    def __repr__(self) -> str:
        return f"<OwnerInvitation {self.id} firm={self.firm_id} used={self.used_at is not None}>"


class AccessRequest(db.Model):
    """An advisor asks to work with a firm that is already registered (same RUC): its owner decides."""

    __tablename__ = "access_request"
    __table_args__ = (CheckConstraint("status IN ('pending', 'accepted', 'declined')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    advisor = relationship("User")

    def __repr__(self) -> str:
        return f"<AccessRequest firm={self.firm_id} advisor={self.advisor_id} {self.status}>"
