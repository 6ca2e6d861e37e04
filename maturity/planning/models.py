"""An advisor's edits to a submitted assessment's plan, its sign-off, and the status of its actions.

The generated plan is never stored: it is rebuilt from the assessment's frozen snapshot, and these
rows are merged into it (`maturity.plans.edits`). Ids are the stable action and programme ids of
questionnaires/plans/*.yaml, or `custom_<n>` for an advisor's own action.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import db
from maturity.timeutil import utcnow


class PlanEdit(db.Model):
    """One assessment's plan edits: the summary and sign-off here, the rest in child rows.

    `version` goes up with every saved edit; a form carries the version it was built on and a save
    based on an older one is refused (nothing is overwritten). A saved edit clears the sign-off.
    """

    __tablename__ = "plan_edit"
    __table_args__ = (CheckConstraint("version >= 0", name="version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str | None] = mapped_column(Text)
    signed_name: Mapped[str | None] = mapped_column(String(120))
    signed_organization: Mapped[str | None] = mapped_column(String(200))
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    targets: Mapped[list[PlanTarget]] = relationship(cascade="all, delete-orphan", order_by="PlanTarget.dimension")
    actions: Mapped[list[PlanAction]] = relationship(cascade="all, delete-orphan", order_by="PlanAction.id")
    programmes: Mapped[list[PlanProgramme]] = relationship(cascade="all, delete-orphan",
                                                           order_by="PlanProgramme.id")

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    def __repr__(self) -> str:
        return f"<PlanEdit assessment={self.assessment_id} v{self.version} signed={self.signed}>"


class PlanTarget(db.Model):
    """The level the advisor and the owner aim for on one dimension (instead of one level up)."""

    __tablename__ = "plan_target"
    __table_args__ = (
        UniqueConstraint("plan_edit_id", "dimension", name="uq_plan_target_edit_dimension"),
        CheckConstraint("level >= 1 AND level <= 5", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_edit_id: Mapped[int] = mapped_column(ForeignKey("plan_edit.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(3))
    level: Mapped[int]

    def __repr__(self) -> str:
        return f"<PlanTarget {self.plan_edit_id} {self.dimension}→{self.level}>"


class PlanAction(db.Model):
    """One action's edit: a library action added, removed, moved; or a custom action (kind custom)
    with its own texts (both languages, or one with the other left empty)."""

    __tablename__ = "plan_action"
    __table_args__ = (
        UniqueConstraint("plan_edit_id", "action_id", name="uq_plan_action_edit_action"),
        CheckConstraint("kind IN ('library', 'custom')", name="kind"),
        CheckConstraint("horizon IS NULL OR horizon IN ('0-3', '3-12', '12-24')", name="horizon"),
        CheckConstraint("kind = 'library' OR (horizon IS NOT NULL AND (title_es IS NOT NULL OR title_en IS NOT NULL))",
                        name="custom_texts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_edit_id: Mapped[int] = mapped_column(ForeignKey("plan_edit.id", ondelete="CASCADE"))
    action_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(7), default="library")
    added: Mapped[bool] = mapped_column(default=False)
    removed: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int | None]
    horizon: Mapped[str | None] = mapped_column(String(5))
    dimension: Mapped[str | None] = mapped_column(String(3))
    title_es: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_es: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<PlanAction {self.plan_edit_id} {self.action_id} {self.kind} removed={self.removed}>"


class PlanProgramme(db.Model):
    """A support programme added to or removed from the plan, or only given a note."""

    __tablename__ = "plan_programme"
    __table_args__ = (
        UniqueConstraint("plan_edit_id", "programme_id", name="uq_plan_programme_edit_programme"),
        CheckConstraint("change IN ('add', 'remove', 'keep')", name="change"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_edit_id: Mapped[int] = mapped_column(ForeignKey("plan_edit.id", ondelete="CASCADE"))
    programme_id: Mapped[str] = mapped_column(String(80))
    change: Mapped[str] = mapped_column(String(6), default="keep")
    note: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"<PlanProgramme {self.plan_edit_id} {self.programme_id} {self.change}>"


class ActionStatus(db.Model):
    """How far the firm is with one action of an assessment's plan, and since when.

    Kept apart from the plan edits: the owner records progress without touching (or un-signing)
    the plan. `version` guards against a stale form overwriting a newer status.
    """

    __tablename__ = "action_status"
    __table_args__ = (
        UniqueConstraint("assessment_id", "action_id", name="uq_action_status_assessment_action"),
        CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name="status"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    action_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(11))
    status_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<ActionStatus {self.assessment_id} {self.action_id} {self.status} {self.status_on}>"
