"""Time helpers: timezone-aware UTC everywhere in storage."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
