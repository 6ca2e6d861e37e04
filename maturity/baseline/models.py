"""A national baseline: an imported open-data source and its records (one row per test taken)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import db
from maturity.timeutil import utcnow

SCORE_COLUMNS = ("general", "management", "e_commerce", "data_analysis", "digital_marketing", "payments", "finance")
LEVEL_LABELS = ("Inicial", "Básico", "Intermedio", "Avanzado", "Experto")


class BaselineSource(db.Model):
    """An imported data set (`ruta-digital`), with the label and credit every page must show."""

    __tablename__ = "baseline_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    licence: Mapped[str] = mapped_column(String(40))
    # {"es": …, "en": …}: the attribution the licence asks for.
    credit: Mapped[dict[str, str]] = mapped_column(JSON)
    url: Mapped[str | None] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The last import: its file's SHA-256, rows read, added, already present, rejected.
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_imported: Mapped[int] = mapped_column(default=0)
    rows_present: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<BaselineSource {self.id} {self.name} imported {self.imported_at:%Y-%m-%d}>"


class BaselineRecord(db.Model):
    """One test in a baseline source, keyed by the anonymised firm and the test's end date.

    Scores are 0–100 as published, except values above 100, which are clipped to 100 and named
    in `clipped`. `latest` marks each firm's latest test: the row comparisons count.
    """

    __tablename__ = "baseline_record"
    __table_args__ = (
        UniqueConstraint("source_id", "firm_hash", "test_end_date", name="uq_baseline_record_source_firm_date"),
        CheckConstraint("level IN (" + ", ".join(repr(v) for v in LEVEL_LABELS) + ")", name="level"),
        CheckConstraint("person_type IS NULL OR person_type IN ('NATURAL', 'JURIDICA')", name="person_type"),
        *(CheckConstraint(f"{c} >= 0 AND {c} <= 100", name=c) for c in SCORE_COLUMNS),
        Index("ix_baseline_record_source_latest_sector", "source_id", "latest", "sector"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("baseline_source.id", ondelete="CASCADE"))
    firm_hash: Mapped[str] = mapped_column(String(64))
    test_end_date: Mapped[date] = mapped_column(Date)
    year: Mapped[int]
    ciiu: Mapped[str | None] = mapped_column(String(5))
    sector: Mapped[str] = mapped_column(String(20))
    person_type: Mapped[str | None] = mapped_column(String(8))
    department: Mapped[str | None] = mapped_column(String(40))
    province: Mapped[str | None] = mapped_column(String(60))
    district: Mapped[str | None] = mapped_column(String(60))
    ubigeo: Mapped[str | None] = mapped_column(String(6))
    level: Mapped[str] = mapped_column(String(12))
    general: Mapped[float] = mapped_column(Float)
    management: Mapped[float] = mapped_column(Float)
    e_commerce: Mapped[float] = mapped_column(Float)
    data_analysis: Mapped[float] = mapped_column(Float)
    digital_marketing: Mapped[float] = mapped_column(Float)
    payments: Mapped[float] = mapped_column(Float)
    finance: Mapped[float] = mapped_column(Float)
    # Comma-separated names of the scores that were above 100 in the file (e.g. "payments").
    clipped: Mapped[str | None] = mapped_column(String(120))
    latest: Mapped[bool] = mapped_column(default=False)

    def scores(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in SCORE_COLUMNS}

    def __repr__(self) -> str:
        return f"<BaselineRecord {self.id} {self.firm_hash[:8]}… {self.test_end_date} {self.level}>"
