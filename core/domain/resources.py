"""Budget lines with per-fiscal-month amounts and revisions, and staff time allocations."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import (
    Archivable,
    Base,
    LabelledEnum,
    Money,
    Timestamped,
    UTCDateTime,
    Versioned,
    enum_type,
    fk,
    utcnow,
)
from core.domain.tags import tag_table


class FundingType(LabelledEnum):
    DEPARTMENTAL = "DEPARTMENTAL"
    ADMINISTERED = "ADMINISTERED"


class BudgetMeasure(LabelledEnum):
    ORIGINAL = "ORIGINAL"
    REVISED = "REVISED"
    COMMITTED = "COMMITTED"
    ACTUAL = "ACTUAL"
    FORECAST = "FORECAST"


# How a budget line without a forum is labelled wherever lines are grouped by forum (workbook, dashboard).
NO_FORUM = "No forum (office-wide)"


class BudgetLine(Versioned, Archivable, Timestamped, Base):
    """A line of the budget for one fiscal year, forum (or general) and cost category."""

    __tablename__ = "budget_line"
    __table_args__ = (
        sa.Index("ix_budget_line_fy_forum", "fiscal_year", "forum_id"),
        sa.Index("ix_budget_line_fy_category", "fiscal_year", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column()
    forum_id: Mapped[int | None] = fk("forum.id")
    category_id: Mapped[int] = fk("cost_category.id", nullable=False)
    cost_centre: Mapped[str] = mapped_column(sa.String(60), default="")
    description: Mapped[str] = mapped_column(sa.String(400))
    funding_type: Mapped[FundingType] = mapped_column(enum_type(FundingType), default=FundingType.DEPARTMENTAL)
    oda_eligible: Mapped[bool] = mapped_column(default=False)
    commitment_id: Mapped[int | None] = fk("commitment.id")
    forum_event_id: Mapped[int | None] = fk("forum_event.id")
    owner_person_id: Mapped[int | None] = fk("person.id")
    owner_agency_id: Mapped[int | None] = fk("organisation.id")
    grant_recipient: Mapped[str] = mapped_column(sa.String(200), default="")
    variance_reason: Mapped[str] = mapped_column(sa.String(4000), default="")
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")
    marking_id: Mapped[int | None] = fk("marking.id")
    # Re-importing the same spreadsheet updates the row carrying the same reference instead of duplicating it.
    external_ref: Mapped[str | None] = mapped_column(sa.String(100))
    import_batch_id: Mapped[int | None] = fk("import_batch.id")


budget_line_tag = tag_table("budget_line")


class BudgetMonth(Base):
    """The amounts of one budget line in one fiscal month; quarters and years are always derived."""

    __tablename__ = "budget_month"
    __table_args__ = (
        sa.PrimaryKeyConstraint("budget_line_id", "fiscal_month"),
        sa.CheckConstraint("fiscal_month BETWEEN 1 AND 12", name="fiscal_month"),
        # Covering the dashboard's sums of a year's revised and actual amounts (migration 0007).
        sa.Index("ix_budget_month_amounts", "budget_line_id", "fiscal_month", "revised", "actual"),
    )

    budget_line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_line.id", ondelete="CASCADE"))
    fiscal_month: Mapped[int] = mapped_column()
    original: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    revised: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    committed: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    actual: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    forecast: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))


class BudgetRevision(Base):
    """Append-only history of every change to a budget amount: old, new, reason, who and when."""

    __tablename__ = "budget_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = fk("budget_line.id", nullable=False, ondelete="CASCADE")
    fiscal_month: Mapped[int | None] = mapped_column()
    measure: Mapped[BudgetMeasure] = mapped_column(enum_type(BudgetMeasure))
    old_amount: Mapped[Decimal] = mapped_column(Money())
    new_amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(sa.String(4000))
    changed_by: Mapped[str] = mapped_column(sa.String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StaffAllocation(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "staff_allocation"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="date_order"),
        sa.CheckConstraint("fte_hundredths > 0 AND fte_hundredths <= 100", name="fte_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = fk("person.id", nullable=False)
    forum_id: Mapped[int | None] = fk("forum.id")
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    # FTE in hundredths (0.25 FTE = 25): exact sums for the over-allocation check, no floats.
    fte_hundredths: Mapped[int] = mapped_column()
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")
