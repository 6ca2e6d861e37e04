"""Second factor: TOTP (RFC 6238, via pyotp) with single-use recovery codes, and the enrolment gate.

- Who must use it: the roles in MFA_REQUIRED_ROLES (production: admin, analyst, advisor). Owners
  may turn it on; it is not imposed on them because most are phone-first micro-business owners
  who would lose access to their own firm's data with a lost phone, which the product treats as
  the larger risk. Their mitigations are in the README ("Accounts and privacy"): per-account and
  per-address throttling, the breached/common-password list, e-mail notice of password and
  address changes, and a fresh log-in for those changes (ASVS 5.0 6.3.3 asks for this rationale).
- A person in a required role who has not set it up yet can open only the set-up page (and log
  out) until they do: `_require_enrolment` runs before the policy table.
- Secrets are stored encrypted (Fernet, key derived from SECRET_KEY with HKDF) and never logged.
  Changing SECRET_KEY makes stored secrets unreadable: people then log in with a recovery code
  (hashed without the key) and set the app up again, or an operator runs `flask users reset-mfa`.
- A code is accepted once: the user's `totp_last_step` moves forward with a conditional UPDATE,
  so a replayed code (or two requests racing with one code) fails.
- Recovery codes: 10 per person, 80 random bits each, only their SHA-256 stored, each used once.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select, update

from maturity.auth.models import RecoveryCode, User
from maturity.extensions import db
from maturity.i18n import _
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

ISSUER = "Madurez 4.0"
DIGITS = 6
INTERVAL = 30
# A code from the step before or after the current one is accepted (phone clocks drift).
VALID_WINDOW = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed on a phone
_RECOVERY_LENGTH = 16  # 31^16 ≈ 2^79

# What a person without the set-up they need may still open.
ENROLMENT_ENDPOINTS = frozenset({
    "auth.mfa_setup", "auth.reauth", "auth.logout", "auth.privacy", "main.set_language", "main.healthz", "main.readyz", "static",
})


# --- secrets -----------------------------------------------------------------------------------

def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"madurez40 totp secret v1").derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def seal(secret: str) -> str:
    """The stored (and session-kept) form of a secret: encrypted and authenticated."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str | None) -> str | None:
    """The secret, or None when it cannot be read (tampered, or SECRET_KEY changed)."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (segno: pure Python). Only path data, no user markup."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clock() -> float:
    return time.time()


# --- codes -------------------------------------------------------------------------------------

def _clean(code: str | None) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time-step whose code equals `code` within the accepted window, or None."""
    code = _clean(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    now = _clock() if now is None else now
    found = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + offset * INTERVAL
        if pyotp.utils.strings_equal(totp.at(moment), code):  # constant time; check every step
            found = totp.timecode(_as_datetime(moment))
    return found


def _as_datetime(moment: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(moment, tz=UTC)


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: one UPDATE, so it is atomic."""
    result = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(user)
    return result.rowcount == 1


def verify_totp(user: User, code: str) -> bool:
    """Whether `code` is a current, never-used code of `user`'s app (the step is then spent)."""
    secret = unseal(user.totp_secret) if user.has_mfa else None
    if secret is None:
        return False
    step = matching_step(secret, code)
    return step is not None and _claim_step(user, step)


def _digest(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes with fresh ones; return them (shown once, never stored)."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH)) for _ in range(RECOVERY_CODES)]
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    db.session.commit()
    return ["-".join(code[i:i + 4] for i in range(0, len(code), 4)) for code in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of `user`; False when it is not one (or was used)."""
    cleaned = _clean(code)
    if len(cleaned) != _RECOVERY_LENGTH:
        return False
    result = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(cleaned),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount == 1:
        log.warning("user %s used a recovery code (%d left)", user.id, recovery_codes_left(user))
        return True
    return False


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                                RecoveryCode.used_at.is_(None))).all())


def verify_second_factor(user: User, code: str) -> bool:
    """A TOTP code or, failing that, a recovery code."""
    return verify_totp(user, code) or use_recovery_code(user, code)


# --- enrolment ---------------------------------------------------------------------------------

def required_for(user: User) -> bool:
    return user.role in current_app.config["MFA_REQUIRED_ROLES"]


def enable(user: User, secret: str, step: int) -> list[str]:
    """Store the confirmed secret (the confirming code's step is spent); return new recovery codes.
    Every other session of `user` ends (the caller renews this one)."""
    user.totp_secret = seal(secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    user.rotate_session_token()
    db.session.commit()
    log.info("user %s set up a second factor; other sessions ended", user.id)
    return new_recovery_codes(user)


def disable(user: User, actor: str = "themselves") -> None:
    """Remove the second factor and the recovery codes of `user`."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    user.rotate_session_token()
    db.session.commit()
    log.warning("user %s: second factor removed by %s; sessions ended", user.id, actor)


def _require_enrolment():
    """before_request: someone whose role needs a second factor sets it up before anything else."""
    if request.endpoint in ENROLMENT_ENDPOINTS or request.endpoint is None or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or current_user.has_mfa or not required_for(current_user):
        return None
    from maturity.errors import _wants_json, render_error

    message = _("Your role needs a second step when you log in. Please set it up now: it takes a minute.")
    if request.method != "GET" or _wants_json():
        return render_error(403, message)
    flash(message, "info")
    return redirect(url_for("auth.mfa_setup"))


def init_app(app: Flask) -> None:
    """Register the enrolment gate: after the session timeouts, before the policy table."""
    app.before_request(_require_enrolment)
