from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
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
    # Second factor (maturity.auth.mfa): the TOTP secret, encrypted with a key derived from
    # SECRET_KEY; set when enrolment is confirmed. `totp_last_step` is the 30-second time-step of
    # the last accepted code: a code is only accepted for a later step, so none is used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    organization = relationship("Organization", lazy="joined")

    @property
    def has_mfa(self) -> bool:
        """Whether a second factor (TOTP) is set up and confirmed."""
        return self.totp_enabled_at is not None and self.totp_secret is not None

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


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app; only its SHA-256 is stored (the
    codes carry 80 random bits, so a plain digest cannot be brute-forced)."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_code_user_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
