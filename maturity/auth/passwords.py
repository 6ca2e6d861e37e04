"""Password hashing and the password policy.

Hashing: Argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1), about 20–40 ms per check
(reliability_security.md §2.11). Werkzeug hashes from older deployments still verify and are
replaced on the next successful log-in (`needs_rehash`).

Policy (ASVS 6.2): 12 to 128 characters, no composition rules, not one of the common passwords in
`common_passwords.txt`, and not containing the e-mail's local part or the name of the service.
"""
from __future__ import annotations

import functools
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from maturity.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 128
# Words that make a password guessable for this site in particular.
SERVICE_WORDS = ("madurez", "maturity")
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
# A local part this short ("li@…") would refuse too many unrelated passwords.
_MIN_CONTEXT_WORD = 3
_LEGACY_PREFIXES = ("scrypt:", "pbkdf2:")

_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


def hash_password(password: str) -> str:
    """The Argon2id hash to store."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash.

    Without a stored hash (an unknown e-mail, an invited account that set no password yet) a dummy
    hash with the same parameters is checked, so the answer takes the same time either way.
    """
    if not stored:
        _check(_dummy_hash(), password)
        return False
    if stored.startswith(_LEGACY_PREFIXES):
        return check_password_hash(stored, password)
    return _check(stored, password)


def needs_rehash(stored: str) -> bool:
    """Whether a hash that just verified should be replaced (legacy scheme or older parameters)."""
    return stored.startswith(_LEGACY_PREFIXES) or _hasher.check_needs_rehash(stored)


def warm_up() -> None:
    """Compute the dummy hash now, so the first unknown e-mail is not slower than the rest."""
    _dummy_hash()


def _check(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


@functools.cache
def common_passwords() -> frozenset[str]:
    """The refused common passwords, lower-cased."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line) for line in lines if line and not line.startswith("# "))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def context_words(email: str | None, extra: Iterable[str] = ()) -> list[str]:
    """Words a password must not contain: the e-mail's local part, the service's name, and `extra`
    (later: the firm's name or RUC)."""
    words = list(SERVICE_WORDS)
    if email and "@" in email:
        words.append(email.rsplit("@", 1)[0])
    words.extend(extra)
    return [_fold(w.strip()) for w in words if w and len(w.strip()) >= _MIN_CONTEXT_WORD]


def password_problem(password: str, email: str | None = None, extra: Iterable[str] = ()) -> str | None:
    """The reason `password` is refused, in the current language; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("The password is too short: use at least %(min)s characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password is too long: use at most %(max)s characters.", max=MAX_LENGTH)
    folded = _fold(password)
    if folded in common_passwords():
        return _("This password is one of the most common ones, which attackers try first. "
                 "Choose another one: several unrelated words are easy to remember.")
    if any(word in folded for word in context_words(email, extra)):
        return _("The password must not contain your e-mail address or the name of this service.")
    return None
