"""E-mail addresses: one normal form (trimmed, lower-cased) and a strict enough syntax check."""
from __future__ import annotations

import re

MAX_LENGTH = 254
# RFC 5322 "atext" local parts with single dots, and ordinary DNS names with a letter TLD. Quotes,
# spaces, angle brackets and control characters are refused: they have no place in a header.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def normalize_email(value: str | None) -> str:
    """The stored form of an address: trimmed and lower-cased (domains are case-blind, and no
    mailbox provider our users have tells MARIA@ from maria@)."""
    return (value or "").strip().lower()


def is_valid_email(value: str) -> bool:
    """Whether `value` (already normalized) looks like a deliverable address."""
    if len(value) > MAX_LENGTH or len(value.partition("@")[0]) > 64:
        return False
    return _EMAIL.fullmatch(value) is not None
