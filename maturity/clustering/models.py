"""Stored fits: every grouping run is kept as data (parameters, versions, result), never pickled."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import db
from maturity.timeutil import utcnow


class ClusterFit(db.Model):
    """One fit of firm typologies for a scope: `baseline:ruta-digital`, `sector:<id>`, `all`
    (later `cohort:<id>`). `params` are the inputs that decide it, `result` what
    `maturity.clustering.engine` returned (sizes, centroids, silhouettes, names), `chart` the 2-D
    map's coordinates; the latest fit of a scope is the one pages use."""

    __tablename__ = "cluster_fit"
    __table_args__ = (Index("ix_cluster_fit_scope_created", "scope", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))
    baseline_source_id: Mapped[int | None] = mapped_column(ForeignKey("baseline_source.id", ondelete="CASCADE"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    chart: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def k(self) -> int | None:
        return self.result.get("k")

    def __repr__(self) -> str:
        return f"<ClusterFit {self.id} {self.scope} k={self.k} n={self.result.get('n')}>"
