from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import db
from maturity.timeutil import utcnow


class Assessment(db.Model):
    """One run of a questionnaire for a firm.

    `version` counts accepted saves (the autosave protocol's optimistic concurrency); a submitted
    assessment is frozen: its answers, the firm profile, the composed questionnaire version and the
    scores are kept as they were, so later edits to a questionnaire or a profile change nothing.
    """

    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint("mode IN ('self', 'guided')", name="mode"),
        CheckConstraint("version >= 0", name="version"),
        # Also answers "the latest submitted assessment of each firm in a period" (cohort figures)
        # from the index alone.
        Index("ix_assessment_firm_status_submitted", "firm_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[str] = mapped_column(String(20))
    questionnaire_version: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    mode: Mapped[str] = mapped_column(String(10), default="self")
    version: Mapped[int] = mapped_column(default=0)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Where the owner was, so a closed tab resumes on the same page.
    last_page: Mapped[str | None] = mapped_column(String(10))

    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    profile_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    overall_score: Mapped[float | None] = mapped_column(Float)
    overall_band: Mapped[str | None] = mapped_column(String(12))
    technology_score: Mapped[float | None] = mapped_column(Float)
    management_score: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)

    firm = relationship("Firm")
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                 order_by="Answer.id")
    dimension_scores: Mapped[list[DimensionScore]] = relationship(cascade="all, delete-orphan",
                                                                  order_by="DimensionScore.id")

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    def __repr__(self) -> str:
        return f"<Assessment {self.id} firm={self.firm_id} {self.questionnaire_version} {self.status} v{self.version}>"


class Answer(db.Model):
    """The current answer to one item: the option id(s), the level it had when given, notes."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "item_id", name="uq_answer_assessment_item"),
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 5)", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(80))
    # An option id, or a list of them for checklists; None: cleared (unanswered).
    option: Mapped[Any] = mapped_column(JSON, nullable=True)
    # Level snapshot at answer time (dk → 0, na → None, profile items → None).
    level: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    # Carried over from a previous assessment: the owner should confirm it still holds.
    needs_confirmation: Mapped[bool] = mapped_column(default=False)
    # The assessment version at which this answer was last written, and by whom.
    version: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<Answer {self.assessment_id}:{self.item_id} v{self.version}>"


class SaveReceipt(db.Model):
    """One accepted autosave batch, keyed by the client's Idempotency-Key: a retry replays it."""

    __tablename__ = "save_receipt"
    __table_args__ = (UniqueConstraint("assessment_id", "idempotency_key", name="uq_save_receipt_assessment_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    result_version: Mapped[int]
    items: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<SaveReceipt {self.assessment_id} {self.idempotency_key} → v{self.result_version}>"


class DimensionScore(db.Model):
    """A submitted assessment's score on one dimension, kept for SQL aggregation (cohorts)."""

    __tablename__ = "dimension_score"
    __table_args__ = (
        UniqueConstraint("assessment_id", "dimension", name="uq_dimension_score_assessment_dimension"),
        CheckConstraint("state IN ('scored', 'insufficient', 'not_applicable')", name="state"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
        Index("ix_dimension_score_dimension_state", "dimension", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(15))
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(12))
    coverage: Mapped[float] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"<DimensionScore {self.assessment_id} {self.dimension} {self.state} {self.score}>"
