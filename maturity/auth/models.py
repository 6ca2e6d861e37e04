from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import db
from maturity.timeutil import utcnow

ROLES = ("owner", "advisor", "analyst", "admin")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """An account. `session_token` is what the session and remember cookie carry (Flask-Login's
    alternative tokens): rotating it revokes every copied session at once."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(repr(r) for r in ROLES) + ")", name="role"),
        CheckConstraint("language IN ('es', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="owner")
    language: Mapped[str] = mapped_column(String(2), default="es")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Ley 29733: when the owner accepted the privacy notice, and which version of it.
    privacy_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    privacy_version: Mapped[str | None] = mapped_column(String(20))

    organization = relationship("Organization", lazy="joined")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users everywhere
        return self.active

    @property
    def is_confirmed(self) -> bool:
        """Whether the owner proved the e-mail address is theirs (needed before sharing results
        with an advisor or agency, and before a password reset)."""
        return self.confirmed_at is not None

    def rotate_session_token(self) -> None:
        """Invalidate every session and remember cookie issued so far."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
