from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import db
from maturity.questionnaires.profile import ASSOCIATIONS, SALES_BANDS, SECTORS, SIZE_BY_SALES_BAND, TAX_REGIMES
from maturity.timeutil import utcnow

MEMBER_ROLES = ("owner", "advisor")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Firm(db.Model):
    """An assessed business with the profile of contracts.md. It may exist before its owner has an
    account (an advisor registers it). `size` is derived from the annual-sales band (Ley 30056)."""

    __tablename__ = "firm"
    __table_args__ = (
        CheckConstraint(_in("sector", SECTORS), name="sector"),
        CheckConstraint(_in("annual_sales_band", SALES_BANDS), name="annual_sales_band"),
        CheckConstraint(_in("tax_regime", TAX_REGIMES), name="tax_regime"),
        CheckConstraint(_in("association", ASSOCIATIONS), name="association"),
        CheckConstraint("employees >= 0", name="employees"),
        CheckConstraint("years_operating >= 0", name="years_operating"),
        CheckConstraint("ruc IS NULL OR has_ruc", name="ruc_needs_has_ruc"),
        Index("ix_firm_sector_department", "sector", "department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ruc: Mapped[str | None] = mapped_column(String(11), unique=True)
    has_ruc: Mapped[bool] = mapped_column(default=False)
    sector: Mapped[str] = mapped_column(String(20), default="general")
    ciiu: Mapped[str | None] = mapped_column(String(5))
    employees: Mapped[int] = mapped_column(default=1)
    annual_sales_band: Mapped[str] = mapped_column(String(10), default="le150uit")
    department: Mapped[str | None] = mapped_column(String(2))
    tax_regime: Mapped[str] = mapped_column(String(4), default="none")
    issues_e_invoices: Mapped[bool] = mapped_column(default=False)
    exports: Mapped[bool] = mapped_column(default=False)
    export_intent: Mapped[bool] = mapped_column(default=False)
    association: Mapped[str] = mapped_column(String(12), default="none")
    years_operating: Mapped[int] = mapped_column(default=0)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[FirmMember]] = relationship(back_populates="firm", cascade="all, delete-orphan")

    @hybrid_property
    def size(self) -> str:
        return SIZE_BY_SALES_BAND[self.annual_sales_band]

    @size.inplace.expression
    @classmethod
    def _size_expression(cls):
        return case(SIZE_BY_SALES_BAND, value=cls.annual_sales_band)

    def profile(self) -> dict[str, object]:
        """The profile fields of contracts.md, as scoring and plans read them."""
        return {
            "sector": self.sector, "ciiu": self.ciiu, "size": self.size, "employees": self.employees,
            "annual_sales_band": self.annual_sales_band, "department": self.department,
            "has_ruc": self.has_ruc, "tax_regime": self.tax_regime,
            "issues_e_invoices": self.issues_e_invoices, "exports": self.exports,
            "export_intent": self.export_intent, "association": self.association,
            "years_operating": self.years_operating,
        }

    def __repr__(self) -> str:
        return f"<Firm {self.id} {self.sector}>"


class FirmMember(db.Model):
    """A user's link to a firm: its owner, or an advisor working with it."""

    __tablename__ = "firm_member"
    __table_args__ = (
        UniqueConstraint("firm_id", "user_id", name="uq_firm_member_firm_user"),
        CheckConstraint(_in("role", MEMBER_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    firm: Mapped[Firm] = relationship(back_populates="members")
    user = relationship("User")

    def __repr__(self) -> str:
        return f"<FirmMember firm={self.firm_id} user={self.user_id} {self.role}>"
