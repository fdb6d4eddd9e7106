"""Budget figures by forum for a fiscal year to date: the one source for the dashboard, the pack and the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.domain.base import Money
from core.domain.commitments import Commitment
from core.domain.forums import Forum, ForumEvent, ForumType
from core.domain.reference import Marking
from core.domain.resources import BudgetLine, BudgetMonth
from core.services.office import load_settings

__all__ = ["NO_FORUM", "BudgetByForum", "ForumBudget", "budget_by_forum"]

NO_FORUM = "No forum (office-wide)"
_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ForumBudget:
    """One forum's year to date; `variance` is planned − actual, so positive means underspend."""

    forum_id: int | None
    forum: str
    forum_type: str  # the type's label, "" for lines linked to no forum
    revised: Decimal
    planned_to_date: Decimal
    actual_to_date: Decimal

    @property
    def variance(self) -> Decimal:
        return self.planned_to_date - self.actual_to_date


@dataclass(frozen=True)
class BudgetByForum:
    fiscal_year: int
    fiscal_year_label: str
    as_at: date
    months_elapsed: int  # fiscal months begun on or before as_at: how far "to date" reaches
    currency: str
    rows: tuple[ForumBudget, ...]
    left_out_by_marking: int  # budget lines above the ceiling, not counted in any row
    highest_rank: int | None  # of the lines counted (their own or linked records' marking, else the default)

    @property
    def revised(self) -> Decimal:
        return sum((r.revised for r in self.rows), _ZERO)

    @property
    def planned_to_date(self) -> Decimal:
        return sum((r.planned_to_date for r in self.rows), _ZERO)

    @property
    def actual_to_date(self) -> Decimal:
        return sum((r.actual_to_date for r in self.rows), _ZERO)

    @property
    def variance(self) -> Decimal:
        return self.planned_to_date - self.actual_to_date


def _greatest(*values: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The largest of non-null values, as a CASE both SQLite and PostgreSQL run (they disagree on max/greatest)."""
    first, *rest = values
    if not rest:
        return first
    other = _greatest(*rest)
    return sa.case((first >= other, first), else_=other)


def budget_by_forum(session: Session, fy: int, as_at: date, *, max_marking_rank: int | None = None) -> BudgetByForum:
    """Revised budget for the year, planned to date (the revised monthly phasing of the months begun by `as_at`),
    actual to date and their variance, per forum. Archived lines still count: they belong to the year."""
    settings = load_settings(session)
    calendar = settings.calendar
    elapsed = calendar.months_elapsed(fy, as_at)
    scheme: dict[str, int] = {row.label: row.rank for row in session.execute(sa.select(Marking.label, Marking.rank))}
    default_rank = scheme.get(settings.default_marking or "", min(scheme.values(), default=0))

    def to_date(measure: Any) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((BudgetMonth.fiscal_month <= elapsed, measure), else_=0)), 0)

    # A line's marking: the highest of its own and its linked commitment's and event's, else the office default.
    own, linked_commitment, linked_event = (aliased(Marking, name=n) for n in ("own_m", "commitment_m", "event_m"))
    rank = _greatest(*(sa.func.coalesce(m.rank, default_rank) for m in (own, linked_commitment, linked_event)))
    lines = (
        sa.select(BudgetLine.id.label("line_id"), BudgetLine.forum_id.label("forum_id"), rank.label("rank"))
        .outerjoin(Commitment, Commitment.id == BudgetLine.commitment_id)
        .outerjoin(ForumEvent, ForumEvent.id == BudgetLine.forum_event_id)
        .outerjoin(own, own.id == BudgetLine.marking_id)
        .outerjoin(linked_commitment, linked_commitment.id == Commitment.marking_id)
        .outerjoin(linked_event, linked_event.id == ForumEvent.marking_id)
        .where(BudgetLine.fiscal_year == fy)
        .subquery("lines")
    )
    kept = sa.true() if max_marking_rank is None else lines.c.rank <= max_marking_rank
    stmt = (
        sa.select(
            lines.c.forum_id,
            Forum.acronym,
            Forum.full_name,
            Forum.forum_type,
            sa.type_coerce(sa.func.coalesce(sa.func.sum(BudgetMonth.revised), 0), Money()).label("revised"),
            sa.type_coerce(to_date(BudgetMonth.revised), Money()).label("planned"),
            sa.type_coerce(to_date(BudgetMonth.actual), Money()).label("actual"),
            sa.func.max(lines.c.rank).label("rank"),
        )
        .select_from(lines)
        .outerjoin(BudgetMonth, BudgetMonth.budget_line_id == lines.c.line_id)
        .outerjoin(Forum, Forum.id == lines.c.forum_id)
        .where(kept)
        .group_by(lines.c.forum_id, Forum.acronym, Forum.full_name, Forum.forum_type)
    )
    type_order = {member: i for i, member in enumerate(ForumType)}
    rows: list[tuple[tuple[int, str], ForumBudget]] = []
    highest: int | None = None
    for row in session.execute(stmt):
        label = (row.acronym or row.full_name) if row.forum_id is not None else NO_FORUM
        forum_type: ForumType | None = row.forum_type
        budget = ForumBudget(
            forum_id=row.forum_id,
            forum=label,
            forum_type=forum_type.label if forum_type is not None else "",
            revised=row.revised,
            planned_to_date=row.planned,
            actual_to_date=row.actual,
        )
        # Grouped by type as the budget workbook's summary is; the office-wide lines come last.
        order = type_order[forum_type] if forum_type is not None else len(type_order)
        rows.append(((order, label.casefold()), budget))
        highest = row.rank if highest is None else max(highest, row.rank)
    left_out = 0
    if max_marking_rank is not None:
        left_out = int(
            session.scalar(sa.select(sa.func.count()).select_from(lines).where(lines.c.rank > max_marking_rank)) or 0
        )
    return BudgetByForum(
        fiscal_year=fy,
        fiscal_year_label=calendar.label(fy),
        as_at=as_at,
        months_elapsed=elapsed,
        currency=settings.currency,
        rows=tuple(budget for _, budget in sorted(rows, key=lambda pair: pair[0])),
        left_out_by_marking=left_out,
        highest_rank=highest,
    )
