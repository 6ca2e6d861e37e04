"""Days as a Peruvian user sees them: statuses carry a date, assessments an instant in UTC."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LIMA = ZoneInfo("America/Lima")


def today() -> date:
    """Today in Peru (a date typed at 8 p.m. in Lima is not 'tomorrow')."""
    return datetime.now(LIMA).date()


def lima_date(instant: datetime) -> date:
    """The day in Lima of a stored instant (SQLite gives it back without a zone: it is UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(LIMA).date()
