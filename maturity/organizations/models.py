from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import db
from maturity.timeutil import utcnow

# Stable ids; labels live in the templates' catalogs.
ORGANIZATION_KINDS = ("agency", "cite", "cde", "consultancy", "association")


class Organization(db.Model):
    """An agency (PRODUCE, a regional government…), a CITE, a Centro de Desarrollo Empresarial,
    a consultancy, or a cluster / producers' association."""

    __tablename__ = "organization"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(repr(k) for k in ORGANIZATION_KINDS) + ")", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Whether the organisation's advisors may see every firm linked to it (issue: advisors).
    advisors_see_all_firms: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind} {self.name!r}>"
