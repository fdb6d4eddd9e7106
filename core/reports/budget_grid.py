"""The Resources page's budget grid: forum × quarter (or month) of one measure, its drill-down to lines, and a
line's revision history. Every figure is summed here in SQL; the Qt models only show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.forums import Forum, ForumType, Priority
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision
from core.reports.budget import (
    MONTHS,
    NO_FORUM,
    QUARTERS,
    Amounts,
    RevisionRow,
    _forum_label,
    overcommitted_warning,
)
from core.services.office import load_settings

__all__ = [
    "GRID_MEASURES",
    "BudgetGrid",
    "GridFilter",
    "GridLine",
    "GridLines",
    "GridRow",
    "budget_grid",
    "budget_year_choices",
    "cost_category_choices",
    "grid_lines",
    "line_revisions",
    "period_months",
]

# The measures a manager picks between; original is the approved budget the revised one started from.
GRID_MEASURES = (
    BudgetMeasure.REVISED,
    BudgetMeasure.ACTUAL,
    BudgetMeasure.FORECAST,
    BudgetMeasure.COMMITTED,
    BudgetMeasure.ORIGINAL,
)
_COLUMN = {m: m.value.lower() for m in BudgetMeasure}


@dataclass(frozen=True)
class GridFilter:
    """Which lines the grid sums: one fiscal year, optionally one cost category, forum type and forum priority.
    A forum type or priority leaves out the office-wide lines, which have neither."""

    fiscal_year: int
    category_id: int | None = None
    forum_type: ForumType | None = None
    priority: Priority | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = [BudgetLine.fiscal_year == self.fiscal_year]
        if self.category_id is not None:
            found.append(BudgetLine.category_id == self.category_id)
        if self.forum_type is not None:
            found.append(Forum.forum_type == self.forum_type)
        if self.priority is not None:
            found.append(Forum.priority == self.priority)
        return found


def budget_year_choices(session: Session, today: date) -> tuple[list[tuple[int, str]], int]:
    """(fiscal year, label) of every year with budget lines plus the current one, and the index of the current."""
    calendar = load_settings(session).calendar
    years = set(session.scalars(sa.select(BudgetLine.fiscal_year).distinct()))
    current = calendar.fiscal_year_of(today)
    ordered = sorted(years | {current})
    return [(fy, calendar.label(fy)) for fy in ordered], ordered.index(current)


def cost_category_choices(session: Session) -> list[tuple[int, str]]:
    """(id, label) of every cost category, in the office's order, for the grid's category filter."""
    rows = session.execute(
        sa.select(CostCategory.id, CostCategory.label).order_by(CostCategory.sort_order, CostCategory.label)
    )
    return [(int(category_id), str(label)) for category_id, label in rows]


def period_months(by_month: bool, period: int) -> tuple[int, ...]:
    """The fiscal months of column `period` (1-based): a month, or the three months of a quarter."""
    return (period,) if by_month else tuple(range(3 * (period - 1) + 1, 3 * period + 1))


@dataclass(frozen=True)
class GridRow:
    forum_id: int | None
    forum: str
    forum_type: str
    priority: str
    cells: tuple[int, ...]  # cents of the measure per period
    overcommitted: bool  # committed + actual beyond the revised budget over the year (the lines filtered)

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass(frozen=True)
class BudgetGrid:
    grid_filter: GridFilter
    fiscal_year_label: str
    measure: BudgetMeasure
    by_month: bool
    currency: str
    period_labels: tuple[str, ...]
    rows: tuple[GridRow, ...]  # grouped by forum type in the enum's order, then by name; office-wide last

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(row.cells[p] for row in self.rows) for p in range(len(self.period_labels)))

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def _cents(expr: Any) -> Any:
    # Money columns become Decimal on the way out; the grid sums stay integer cents.
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(expr), 0), sa.BigInteger())


def budget_grid(session: Session, grid_filter: GridFilter, measure: BudgetMeasure, *, by_month: bool) -> BudgetGrid:
    """Forum × period sums of `measure` for the lines the filter keeps (archived lines too: they belong to the
    year), in one GROUP BY over forum and fiscal month."""
    settings = load_settings(session)
    calendar, fy = settings.calendar, grid_filter.fiscal_year
    column = getattr(BudgetMonth, _COLUMN[measure])
    stmt = (
        sa.select(
            BudgetLine.forum_id,
            BudgetMonth.fiscal_month,
            _cents(column).label("amount"),
            _cents(BudgetMonth.revised).label("revised"),
            _cents(BudgetMonth.committed + BudgetMonth.actual).label("spent"),
        )
        .join(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
        .outerjoin(Forum, Forum.id == BudgetLine.forum_id)
        .where(*grid_filter.conditions())
        .group_by(BudgetLine.forum_id, BudgetMonth.fiscal_month)
    )
    periods = MONTHS if by_month else QUARTERS
    cells: dict[int | None, list[int]] = {}
    revised: dict[int | None, int] = {}
    spent: dict[int | None, int] = {}
    for forum_id, fiscal_month, amount, month_revised, month_spent in session.execute(stmt):
        row = cells.setdefault(forum_id, [0] * periods)
        row[fiscal_month - 1 if by_month else (fiscal_month - 1) // 3] += int(amount)
        revised[forum_id] = revised.get(forum_id, 0) + int(month_revised)
        spent[forum_id] = spent.get(forum_id, 0) + int(month_spent)
    forums = {
        f.id: f
        for f in session.execute(
            sa.select(Forum.id, Forum.acronym, Forum.full_name, Forum.forum_type, Forum.priority).where(
                Forum.id.in_([forum_id for forum_id in cells if forum_id is not None])
            )
        )
    }
    type_order = {member: i for i, member in enumerate(ForumType)}
    keyed: list[tuple[tuple[int, str], GridRow]] = []
    for forum_id, row_cells in cells.items():
        forum = forums.get(forum_id) if forum_id is not None else None
        label = _forum_label(forum_id, forum.acronym if forum else None, forum.full_name if forum else None)
        grid_row = GridRow(
            forum_id=forum_id,
            forum=label,
            forum_type=forum.forum_type.label if forum else "",
            priority=forum.priority.label if forum else "",
            cells=tuple(row_cells),
            overcommitted=spent[forum_id] > revised[forum_id],
        )
        order = type_order[forum.forum_type] if forum else len(type_order)
        keyed.append(((order, label.casefold()), grid_row))
    if by_month:
        labels = tuple(calendar.month_label(fy, m).split()[0] for m in range(1, MONTHS + 1))
    else:
        labels = tuple(f"Q{q}" for q in range(1, QUARTERS + 1))
    return BudgetGrid(
        grid_filter=grid_filter,
        fiscal_year_label=calendar.label(fy),
        measure=measure,
        by_month=by_month,
        currency=settings.currency,
        period_labels=labels,
        rows=tuple(row for _, row in sorted(keyed, key=lambda pair: pair[0])),
    )


@dataclass(frozen=True)
class GridLine:
    """One budget line of a drill-down: the measure's twelve months in cents, and its year's warning."""

    line_id: int
    description: str
    category: str
    cost_centre: str
    archived: bool
    months: tuple[int, ...]
    warning: str  # committed + actual beyond the revised budget, else ""

    def amount(self, fiscal_month: int) -> int:
        return self.months[fiscal_month - 1]


@dataclass(frozen=True)
class GridLines:
    """The lines behind one grid cell: a forum's (or the office-wide) lines, with the months the cell covers."""

    title: str
    measure: BudgetMeasure
    month_labels: tuple[str, ...]  # all twelve, for the columns shown
    shown_months: tuple[int, ...]
    lines: tuple[GridLine, ...]


def grid_lines(
    session: Session,
    grid_filter: GridFilter,
    forum_id: int | None,
    measure: BudgetMeasure,
    months: tuple[int, ...] = tuple(range(1, MONTHS + 1)),
) -> GridLines:
    """The lines summed into a grid row (forum_id None: the office-wide lines), each with its twelve months of
    `measure`, grouped once in SQL."""
    settings = load_settings(session)
    calendar, fy = settings.calendar, grid_filter.fiscal_year
    column = getattr(BudgetMonth, _COLUMN[measure])
    per_month = [_cents(sa.case((BudgetMonth.fiscal_month == m, column), else_=0)) for m in range(1, MONTHS + 1)]
    stmt = (
        sa.select(
            BudgetLine.id,
            BudgetLine.description,
            CostCategory.label,
            BudgetLine.cost_centre,
            BudgetLine.archived,
            _cents(BudgetMonth.revised),
            _cents(BudgetMonth.committed + BudgetMonth.actual),
            *per_month,
        )
        .join(CostCategory, CostCategory.id == BudgetLine.category_id)
        .outerjoin(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
        .outerjoin(Forum, Forum.id == BudgetLine.forum_id)
        .where(
            *grid_filter.conditions(),
            BudgetLine.forum_id.is_(None) if forum_id is None else BudgetLine.forum_id == forum_id,
        )
        .group_by(
            BudgetLine.id, BudgetLine.description, CostCategory.label, BudgetLine.cost_centre, BudgetLine.archived
        )
        .order_by(CostCategory.label, BudgetLine.description, BudgetLine.id)
    )
    lines = []
    for line_id, description, category, cost_centre, archived, revised, spent, *by_month in session.execute(stmt):
        warning = overcommitted_warning(Amounts(0, int(revised), int(spent), 0, 0))
        lines.append(
            GridLine(line_id, description, category, cost_centre, archived, tuple(int(v) for v in by_month), warning)
        )
    forum = session.get(Forum, forum_id) if forum_id is not None else None
    name = (forum.acronym or forum.full_name) if forum is not None else NO_FORUM
    return GridLines(
        title=f"{name}, {calendar.label(fy)}",
        measure=measure,
        month_labels=tuple(calendar.month_label(fy, m) for m in range(1, MONTHS + 1)),
        shown_months=months,
        lines=tuple(lines),
    )


def line_revisions(session: Session, line_id: int) -> list[RevisionRow]:
    """A line's revision history, newest first: month, measure, old, new, reason, who and when."""
    line = session.get(BudgetLine, line_id)
    if line is None:
        return []
    calendar = load_settings(session).calendar
    revisions = session.scalars(
        sa.select(BudgetRevision)
        .where(BudgetRevision.budget_line_id == line_id)
        .order_by(BudgetRevision.changed_at.desc(), BudgetRevision.id.desc())
    )
    return [
        RevisionRow(
            line_id=line_id,
            line=line.description,
            month=calendar.month_label(line.fiscal_year, rev.fiscal_month) if rev.fiscal_month else "Whole year",
            measure=rev.measure.label,
            old=rev.old_amount,
            new=rev.new_amount,
            reason=rev.reason,
            who=rev.changed_by,
            when=rev.changed_at,
        )
        for rev in revisions
    ]
