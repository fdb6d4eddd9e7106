"""Budget figures by forum for a fiscal year to date: the one source for the dashboard, the pack and the workbook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import add
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.domain.base import Money
from core.domain.commitments import Commitment
from core.domain.forums import DelegationMember, Forum, ForumEvent, ForumType, Priority
from core.domain.organisations import Person
from core.domain.reference import CostCategory, Marking, Office
from core.domain.resources import NO_FORUM, BudgetLine, BudgetMonth, BudgetRevision, StaffAllocation
from core.services.office import load_settings

__all__ = [
    "MONTHS",
    "NO_FORUM",
    "Amounts",
    "BudgetByForum",
    "BudgetScope",
    "BudgetTally",
    "BudgetWorkbookFigures",
    "ForumBudget",
    "ForumFigures",
    "LineRow",
    "beyond_threshold",
    "budget_by_forum",
    "budget_rag",
    "budget_workbook_figures",
    "cents_to_decimal",
    "iter_budget_lines",
    "overcommitted_warning",
    "priority_flags",
    "staff_time",
    "variance_lines",
]

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

    lines = _line_ranks(session, fy, default_rank)
    kept = sa.true() if max_marking_rank is None else lines.c.rank <= max_marking_rank
    # One GROUP BY over the year's lines in forum order (the (fiscal_year, forum_id) index covers the line side),
    # without the marking joins: those run once per line in their own query, only to find the highest rank and,
    # under a ceiling, which lines stay. Joining them in made SQLite sort the 1.2 million joined month rows.
    stmt = (
        sa.select(
            BudgetLine.forum_id,
            sa.type_coerce(sa.func.coalesce(sa.func.sum(BudgetMonth.revised), 0), Money()).label("revised"),
            sa.type_coerce(to_date(BudgetMonth.revised), Money()).label("planned"),
            sa.type_coerce(to_date(BudgetMonth.actual), Money()).label("actual"),
        )
        .select_from(BudgetLine)
        .outerjoin(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
        .where(BudgetLine.fiscal_year == fy)
        .group_by(BudgetLine.forum_id)
    )
    if max_marking_rank is not None:
        stmt = stmt.where(BudgetLine.id.in_(sa.select(lines.c.line_id).where(kept)))
    highest: int | None = session.scalar(sa.select(sa.func.max(lines.c.rank)).where(kept))
    sums = session.execute(stmt).all()
    forums = {
        f.id: f
        for f in session.execute(
            sa.select(Forum.id, Forum.acronym, Forum.full_name, Forum.forum_type).where(
                Forum.id.in_([row.forum_id for row in sums if row.forum_id is not None])
            )
        )
    }
    type_order = {member: i for i, member in enumerate(ForumType)}
    rows: list[tuple[tuple[int, str], ForumBudget]] = []
    for row in sums:
        forum = forums.get(row.forum_id) if row.forum_id is not None else None
        label = (forum.acronym or forum.full_name) if forum is not None else NO_FORUM
        forum_type: ForumType | None = forum.forum_type if forum is not None else None
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


# ----------------------------------------------------------------------------------------------------
# The budget workbook's figures: per line, per forum, by quarter, month and category, staff time and priorities.
#
# Amounts below are integer cents (as stored): the workbook writes 100,000 lines, and building a Decimal for each
# of their thirty-odd amounts costs more than writing them. `cents_to_decimal` turns any of them into money.

MONTHS = 12
QUARTERS = 4
_CENTS = Decimal("0.01")


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) * _CENTS).quantize(_CENTS)


@dataclass(frozen=True)
class Amounts:
    """A line's or a group's year in cents. Committed is committed but not yet paid; forecast is the further
    spend expected. Outturn, under/(over) and % spent follow DESIGN §4 and are computed only here."""

    original: int
    revised: int
    committed: int
    actual: int
    forecast: int

    @property
    def outturn(self) -> int:
        return self.actual + self.committed + self.forecast

    @property
    def under_over(self) -> int:
        """Revised − forecast outturn: positive is an underspend, negative an overspend."""
        return self.revised - self.outturn

    @property
    def pct_spent(self) -> float | None:
        """Actual ÷ revised as a fraction (0.5 = 50 %); None when nothing is budgeted."""
        return self.actual / self.revised if self.revised else None

    @property
    def overcommitted(self) -> bool:
        """Committed + actual already beyond the revised budget: the warning every budget view shows."""
        return self.committed + self.actual > self.revised

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.original + other.original,
            self.revised + other.revised,
            self.committed + other.committed,
            self.actual + other.actual,
            self.forecast + other.forecast,
        )


NO_AMOUNTS = Amounts(0, 0, 0, 0, 0)


def budget_rag(amounts: Amounts, threshold_pct: int) -> str:
    """Red beyond the office's variance threshold either way, Amber beyond half of it, else Green ("" if nothing
    is budgeted). The workbook's RAG formula applies the same rule to the cells, so both agree."""
    if amounts.revised == 0:
        return ""
    share = abs(amounts.under_over) / amounts.revised * 100
    if share > threshold_pct:
        return "Red"
    if share > threshold_pct / 2:
        return "Amber"
    return "Green"


def overcommitted_warning(amounts: Amounts) -> str:
    """The warning for a line whose committed + actual exceeds its revised budget ("" when it does not)."""
    if not amounts.overcommitted:
        return ""
    over = cents_to_decimal(amounts.committed + amounts.actual - amounts.revised)
    return f"Committed + actual exceed the revised budget by {over:,}"


@dataclass(frozen=True, slots=True)
class LineRow:
    """One budget line as the Lines sheet shows it; amounts in cents, months in fiscal order."""

    line_id: int
    forum_id: int | None
    forum: str
    forum_type: str
    priority: str
    category: str
    cost_centre: str
    description: str
    links: str
    owner: str
    notes: str
    variance_reason: str
    original: int
    committed: int
    forecast: int
    revised_by_month: tuple[int, ...]
    actual_by_month: tuple[int, ...]

    # Summed once: the tally and the Lines sheet both read it for each of 100,000 lines.
    amounts: Amounts = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        amounts = Amounts(
            self.original, sum(self.revised_by_month), self.committed, sum(self.actual_by_month), self.forecast
        )
        object.__setattr__(self, "amounts", amounts)


@dataclass(frozen=True)
class ForumFigures:
    """A forum's year (or the office-wide lines'), with its months and its share of money and staff time."""

    forum_id: int | None
    forum: str
    forum_type: str
    priority: str
    amounts: Amounts
    revised_by_month: tuple[int, ...]
    actual_by_month: tuple[int, ...]
    rag: str
    staff_days: Decimal
    by_category: dict[str, tuple[int, int]]  # category label -> (revised, actual)

    @property
    def revised(self) -> int:
        return self.amounts.revised

    def quarter(self, q: int) -> tuple[int, int]:
        """(revised budget, actual) of fiscal quarter `q` (1-4)."""
        months = slice(3 * (q - 1), 3 * q)
        return sum(self.revised_by_month[months]), sum(self.actual_by_month[months])


@dataclass(frozen=True)
class StaffTimeRow:
    person: str
    forum: str
    fte: Decimal  # average over the fiscal year's working days
    days: Decimal  # person-days: FTE × working days of each allocation inside the year
    cost: Decimal | None  # days × the office's staff day rate; None when no rate is set
    over_allocated_on: date | None  # the first day this person is allocated over 1.0 FTE, across all forums


@dataclass(frozen=True)
class TravelRow:
    forum: str
    event: str
    start: date
    end: date
    location: str
    travellers: str
    estimated: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class RevisionRow:
    line_id: int
    line: str
    month: str
    measure: str
    old: Decimal
    new: Decimal
    reason: str
    who: str
    when: datetime


@dataclass(frozen=True)
class PriorityFlag:
    """A Low-priority forum given more money or staff time than a High-priority one."""

    low: str
    high: str
    what: str  # "money" or "staff time"

    def sentence(self) -> str:
        return f"{self.low} (Low priority) takes more {self.what} than {self.high} (High priority)"


@dataclass(frozen=True)
class BudgetWorkbookFigures:
    """Everything the budget workbook shows except the lines themselves, which `iter_budget_lines` streams."""

    fiscal_year: int
    fiscal_year_label: str
    month_labels: tuple[str, ...]
    as_at: date
    generated_at: datetime
    office: str
    currency: str
    paper_size: str
    demo: bool
    variance_threshold_pct: int
    staff_day_rate: Decimal | None
    marking: str | None  # the highest marking of the lines included
    ceiling: str | None
    left_out: int  # lines above the ceiling
    line_count: int
    forums: tuple[ForumFigures, ...]  # grouped by forum type, office-wide last
    categories: tuple[str, ...]
    staff: tuple[StaffTimeRow, ...]
    travel: tuple[TravelRow, ...]
    revisions: tuple[RevisionRow, ...]
    variance_lines: tuple[LineRow, ...]  # beyond the variance threshold, with the reason recorded
    priority_flags: tuple[PriorityFlag, ...]

    @property
    def total(self) -> Amounts:
        return sum((f.amounts for f in self.forums), NO_AMOUNTS)

    @property
    def overcommitted_forums(self) -> int:
        """Forums whose committed + actual exceed their revised budget (the lines carry their own warning)."""
        return sum(1 for f in self.forums if f.amounts.overcommitted)


def _line_ranks(session: Session, fy: int, default_rank: int) -> Any:
    """Subquery (line_id, forum_id, category_id, rank) of the year's lines: a line's marking is the highest of its
    own and its linked commitment's and event's, else the office default."""
    own, linked_commitment, linked_event = (aliased(Marking, name=n) for n in ("own_m", "commitment_m", "event_m"))
    rank = _greatest(*(sa.func.coalesce(m.rank, default_rank) for m in (own, linked_commitment, linked_event)))
    return (
        sa.select(
            BudgetLine.id.label("line_id"),
            BudgetLine.forum_id.label("forum_id"),
            BudgetLine.category_id.label("category_id"),
            rank.label("rank"),
        )
        .outerjoin(Commitment, Commitment.id == BudgetLine.commitment_id)
        .outerjoin(ForumEvent, ForumEvent.id == BudgetLine.forum_event_id)
        .outerjoin(own, own.id == BudgetLine.marking_id)
        .outerjoin(linked_commitment, linked_commitment.id == Commitment.marking_id)
        .outerjoin(linked_event, linked_event.id == ForumEvent.marking_id)
        .where(BudgetLine.fiscal_year == fy)
        .subquery("lines")
    )


def _month_sums(measure: Any) -> list[sa.ColumnElement[Any]]:
    return [
        sa.func.coalesce(sa.func.sum(sa.case((BudgetMonth.fiscal_month == m, measure), else_=0)), 0).label(
            f"{measure.key}_{m}"
        )
        for m in range(1, MONTHS + 1)
    ]


_MEASURE_TOTALS = ("original", "committed", "forecast")


def _months_by_line(line_ids: Any) -> Any:
    """Subquery: per budget line, the totals of original, committed and forecast and the twelve monthly revised
    and actual amounts, in integer cents. Grouping budget_month alone walks its primary key in order; joining
    the line's forum, category and owner before grouping would make SQLite sort 1.2 million joined rows."""
    return (
        sa.select(
            BudgetMonth.budget_line_id.label("line_id"),
            *(_raw_cents(sa.func.sum(getattr(BudgetMonth, m))).label(m) for m in _MEASURE_TOTALS),
            *(_raw_cents(c) for c in _month_sums(BudgetMonth.revised)),
            *(_raw_cents(c) for c in _month_sums(BudgetMonth.actual)),
        )
        .where(BudgetMonth.budget_line_id.in_(line_ids))
        .group_by(BudgetMonth.budget_line_id)
        .subquery("months")
    )


def _month_columns(months: Any) -> list[Any]:
    return [
        *(sa.func.coalesce(months.c[m], 0).label(m) for m in _MEASURE_TOTALS),
        *(sa.func.coalesce(months.c[f"revised_{m}"], 0) for m in range(1, MONTHS + 1)),
        *(sa.func.coalesce(months.c[f"actual_{m}"], 0) for m in range(1, MONTHS + 1)),
    ]


def _raw_cents(column: Any) -> Any:
    # The Money type turns cents into Decimal on the way out; these sums stay integer cents for speed.
    return sa.type_coerce(column, sa.BigInteger())


class BudgetScope:
    """The year, the office's settings and the marking ceiling that every budget query of one export shares."""

    def __init__(self, session: Session, fy: int, *, max_marking: str | None = None) -> None:
        from core.reports.lists import resolve_marking

        self.session = session
        self.fy = fy
        self.settings = load_settings(session)
        self.calendar = self.settings.calendar
        scheme = {row.label: row.rank for row in session.execute(sa.select(Marking.label, Marking.rank))}
        self.label_by_rank = {rank: label for label, rank in scheme.items()}
        self.default_rank = scheme.get(self.settings.default_marking or "", min(scheme.values(), default=0))
        self.ceiling: tuple[str, int] | None = resolve_marking(session, max_marking) if max_marking else None
        self.lines = _line_ranks(session, fy, self.default_rank)
        # Read here rather than in OfficeSettings: only the budget's staff cost needs it.
        self.staff_day_rate: Decimal | None = session.scalar(sa.select(Office.staff_day_rate).where(Office.id == 1))

    @property
    def kept(self) -> sa.ColumnElement[bool]:
        return sa.true() if self.ceiling is None else self.lines.c.rank <= self.ceiling[1]

    def kept_line_ids(self) -> Any:
        """The ids of the year's lines at or below the ceiling, as a subquery for IN."""
        return sa.select(self.lines.c.line_id).where(self.kept)

    def left_out(self) -> int:
        if self.ceiling is None:
            return 0
        stmt = sa.select(sa.func.count()).select_from(self.lines).where(self.lines.c.rank > self.ceiling[1])
        return int(self.session.scalar(stmt) or 0)

    def highest_marking(self) -> str | None:
        rank = self.session.scalar(sa.select(sa.func.max(self.lines.c.rank)).where(self.kept))
        return self.label_by_rank.get(rank) if rank is not None else None


def _forum_label(forum_id: int | None, acronym: str | None, full_name: str | None) -> str:
    return (acronym or full_name or "") if forum_id is not None else NO_FORUM


# Forum types in the order the enum lists them (Summary groups by it), as SQL for the Lines sheet's ORDER BY.
_TYPE_ORDER = sa.case(
    {member.value: i for i, member in enumerate(ForumType)}, value=Forum.__table__.c.forum_type, else_=0
)


def iter_budget_lines(scope: BudgetScope, *, batch: int = 5000) -> Iterator[LineRow]:
    """The year's lines in workbook order (forum type, forum, category, id), streamed as `LineRow`s.

    One aggregate query over budget_month; rows arrive in batches, so 100,000 lines never sit in memory at once."""
    session, lines = scope.session, scope.lines
    owner = aliased(Person, name="owner")
    months = _months_by_line(scope.kept_line_ids())
    stmt = (
        sa.select(
            BudgetLine.id,
            BudgetLine.forum_id,
            Forum.acronym,
            Forum.full_name,
            Forum.forum_type,
            Forum.priority,
            CostCategory.label.label("category"),
            BudgetLine.cost_centre,
            BudgetLine.description,
            Commitment.title.label("commitment"),
            ForumEvent.title.label("event"),
            BudgetLine.grant_recipient,
            owner.full_name.label("owner"),
            BudgetLine.notes,
            BudgetLine.variance_reason,
            *_month_columns(months),
        )
        .select_from(lines)
        .join(BudgetLine, BudgetLine.id == lines.c.line_id)
        .join(CostCategory, CostCategory.id == BudgetLine.category_id)
        .outerjoin(Forum, Forum.id == BudgetLine.forum_id)
        .outerjoin(Commitment, Commitment.id == BudgetLine.commitment_id)
        .outerjoin(ForumEvent, ForumEvent.id == BudgetLine.forum_event_id)
        .outerjoin(owner, owner.id == BudgetLine.owner_person_id)
        .outerjoin(months, months.c.line_id == BudgetLine.id)
        .where(scope.kept)
        .order_by(
            sa.case((BudgetLine.forum_id.is_(None), len(ForumType)), else_=_TYPE_ORDER),
            sa.func.lower(sa.func.coalesce(sa.func.nullif(Forum.acronym, ""), Forum.full_name)),
            CostCategory.sort_order,
            BudgetLine.id,
        )
        .execution_options(yield_per=batch)
    )
    for row in session.execute(stmt):
        values = tuple(row)
        links = [f"Commitment: {row.commitment}" if row.commitment else "", f"Event: {row.event}" if row.event else ""]
        if row.grant_recipient:
            links.append(f"Recipient: {row.grant_recipient}")
        forum_type: ForumType | None = row.forum_type
        priority: Priority | None = row.priority
        yield LineRow(
            line_id=row.id,
            forum_id=row.forum_id,
            forum=_forum_label(row.forum_id, row.acronym, row.full_name),
            forum_type=forum_type.label if forum_type is not None else "",
            priority=priority.label if priority is not None else "",
            category=row.category,
            cost_centre=row.cost_centre,
            description=row.description,
            links="; ".join(link for link in links if link),
            owner=row.owner or "",
            notes=row.notes,
            variance_reason=row.variance_reason,
            original=int(row.original),
            committed=int(row.committed),
            forecast=int(row.forecast),
            revised_by_month=tuple(map(int, values[18 : 18 + MONTHS])),
            actual_by_month=tuple(map(int, values[18 + MONTHS : 18 + 2 * MONTHS])),
        )


class BudgetTally:
    """Forum totals, months and categories summed from the lines as they stream past, so that a workbook writing
    100,000 lines reads them once: the Summary and every other sheet total the same rows the Lines sheet shows."""

    def __init__(self, scope: BudgetScope) -> None:
        self.scope = scope
        self.count = 0
        self._forums: dict[int | None, dict[str, Any]] = {}
        self.beyond_threshold: list[LineRow] = []

    def track(self, lines: Iterable[LineRow]) -> Iterator[LineRow]:
        """Pass `lines` through, counting each."""
        threshold = self.scope.settings.variance_threshold_pct
        for line in lines:
            self.add(line, threshold)
            yield line

    def consume(self, lines: Iterable[LineRow]) -> None:
        for _ in self.track(lines):
            pass

    def add(self, line: LineRow, threshold_pct: int) -> None:
        self.count += 1
        amounts = line.amounts
        entry = self._forums.get(line.forum_id)
        if entry is None:
            entry = self._forums[line.forum_id] = {
                "line": line,
                "amounts": NO_AMOUNTS,
                "revised": [0] * MONTHS,
                "actual": [0] * MONTHS,
                "categories": {},
            }
        entry["amounts"] += amounts
        entry["revised"] = list(map(add, entry["revised"], line.revised_by_month))
        entry["actual"] = list(map(add, entry["actual"], line.actual_by_month))
        before = entry["categories"].get(line.category, (0, 0))
        entry["categories"][line.category] = (before[0] + amounts.revised, before[1] + amounts.actual)
        if beyond_threshold(amounts, threshold_pct):
            self.beyond_threshold.append(line)

    def forums(self, staff_days: dict[int | None, Decimal]) -> list[ForumFigures]:
        """Per forum, grouped by forum type in the enum's order, office-wide lines last."""
        type_order = {member.label: i for i, member in enumerate(ForumType)}
        threshold = self.scope.settings.variance_threshold_pct
        result: list[tuple[tuple[int, str], ForumFigures]] = []
        for forum_id, entry in self._forums.items():
            line: LineRow = entry["line"]
            figures = ForumFigures(
                forum_id=forum_id,
                forum=line.forum,
                forum_type=line.forum_type,
                priority=line.priority,
                amounts=entry["amounts"],
                revised_by_month=tuple(entry["revised"]),
                actual_by_month=tuple(entry["actual"]),
                rag=budget_rag(entry["amounts"], threshold),
                staff_days=staff_days.get(forum_id, Decimal(0)),
                by_category=dict(entry["categories"]),
            )
            order = type_order.get(line.forum_type, len(type_order)) if forum_id is not None else len(type_order)
            result.append(((order, line.forum.casefold()), figures))
        return [figures for _, figures in sorted(result, key=lambda pair: pair[0])]


def staff_time(session: Session, fy: int, calendar: Any, day_rate: Decimal | None) -> list[StaffTimeRow]:
    """Person × forum staff time in the fiscal year from the allocations (FTE over date ranges, working days)."""
    from core.domain.fiscal import working_days_between

    start, end = calendar.start_of(fy), calendar.end_of(fy)
    year_days = working_days_between(start - timedelta(days=1), end)
    rows = session.execute(
        sa.select(
            StaffAllocation.person_id,
            Person.full_name,
            StaffAllocation.forum_id,
            Forum.acronym,
            Forum.full_name.label("forum_name"),
            StaffAllocation.start_date,
            StaffAllocation.end_date,
            StaffAllocation.fte_hundredths,
        )
        .join(Person, Person.id == StaffAllocation.person_id)
        .outerjoin(Forum, Forum.id == StaffAllocation.forum_id)
        .where(StaffAllocation.start_date <= end, StaffAllocation.end_date >= start)
    ).all()
    over = _over_allocated(rows, start, end)
    hundredth_days: dict[tuple[int, int | None], int] = {}
    names: dict[tuple[int, int | None], tuple[str, str]] = {}
    for row in rows:
        first, last = max(row.start_date, start), min(row.end_date, end)
        working = working_days_between(first - timedelta(days=1), last)
        key = (row.person_id, row.forum_id)
        hundredth_days[key] = hundredth_days.get(key, 0) + working * row.fte_hundredths
        names[key] = (row.full_name, _forum_label(row.forum_id, row.acronym, row.forum_name))
    result = []
    for key, total in hundredth_days.items():
        days = (Decimal(total) / 100).quantize(Decimal("0.01"))
        fte = (Decimal(total) / 100 / year_days).quantize(Decimal("0.01")) if year_days else Decimal(0)
        cost = (days * day_rate).quantize(_CENTS) if day_rate is not None else None
        person, forum = names[key]
        result.append(StaffTimeRow(person, forum, fte, days, cost, over.get(key[0])))
    result.sort(key=lambda r: (r.person.casefold(), r.forum.casefold()))
    return result


def _over_allocated(rows: Any, start: date, end: date) -> dict[int, date]:
    """Person -> the first day in [start, end] their allocations add up to more than 1.0 FTE (a sweep over the
    days where an allocation begins or ends, so it costs the number of allocations, not of days)."""
    events: dict[int, list[tuple[date, int]]] = {}
    for row in rows:
        events.setdefault(row.person_id, []).extend(
            [(max(row.start_date, start), row.fte_hundredths), (row.end_date + timedelta(days=1), -row.fte_hundredths)]
        )
    found: dict[int, date] = {}
    for person, changes in events.items():
        load = 0
        for day, delta in sorted(changes):
            load += delta
            if load > 100 and day <= end:
                found[person] = day
                break
    return found


def _travel(scope: BudgetScope) -> list[TravelRow]:
    session, calendar = scope.session, scope.calendar
    start, end = calendar.start_of(scope.fy), calendar.end_of(scope.fy)
    events = session.execute(
        sa.select(
            ForumEvent.id,
            Forum.id.label("forum_id"),
            Forum.acronym,
            Forum.full_name,
            ForumEvent.title,
            ForumEvent.start_date,
            ForumEvent.end_date,
            ForumEvent.location,
            ForumEvent.estimated_travel_cost,
            ForumEvent.actual_travel_cost,
            Marking.rank,
        )
        .join(Forum, Forum.id == ForumEvent.forum_id)
        .outerjoin(Marking, Marking.id == ForumEvent.marking_id)
        .where(ForumEvent.start_date >= start, ForumEvent.start_date <= end)
        .order_by(ForumEvent.start_date, ForumEvent.id)
    ).all()
    travellers: dict[int, list[str]] = {}
    for event_id, name in session.execute(
        sa.select(DelegationMember.forum_event_id, Person.full_name)
        .join(Person, Person.id == DelegationMember.person_id)
        .join(ForumEvent, ForumEvent.id == DelegationMember.forum_event_id)
        .where(ForumEvent.start_date >= start, ForumEvent.start_date <= end)
        .order_by(DelegationMember.is_head.desc(), Person.full_name)
    ):
        travellers.setdefault(event_id, []).append(name)
    ceiling = scope.ceiling[1] if scope.ceiling else None
    return [
        TravelRow(
            forum=_forum_label(e.forum_id, e.acronym, e.full_name),
            event=e.title,
            start=e.start_date,
            end=e.end_date,
            location=e.location,
            travellers=", ".join(travellers.get(e.id, [])),
            estimated=e.estimated_travel_cost,
            actual=e.actual_travel_cost,
        )
        for e in events
        if ceiling is None or (e.rank if e.rank is not None else scope.default_rank) <= ceiling
    ]


def _revisions(scope: BudgetScope) -> list[RevisionRow]:
    session, lines = scope.session, scope.lines
    rows = session.execute(
        sa.select(BudgetRevision, BudgetLine.description)
        .join(lines, lines.c.line_id == BudgetRevision.budget_line_id)
        .join(BudgetLine, BudgetLine.id == BudgetRevision.budget_line_id)
        .where(scope.kept)
        .order_by(BudgetRevision.changed_at, BudgetRevision.id)
    ).all()
    return [
        RevisionRow(
            line_id=rev.budget_line_id,
            line=description,
            month=scope.calendar.month_label(scope.fy, rev.fiscal_month) if rev.fiscal_month else "Whole year",
            measure=rev.measure.label,
            old=rev.old_amount,
            new=rev.new_amount,
            reason=rev.reason,
            who=rev.changed_by,
            when=rev.changed_at,
        )
        for rev, description in rows
    ]


def beyond_threshold(amounts: Amounts, threshold_pct: int) -> bool:
    """Whether a line's under/(over) is beyond the threshold share of its revised budget (Variance_Notes)."""
    return bool(amounts.revised) and abs(amounts.under_over) * 100 > threshold_pct * amounts.revised


def variance_lines(scope: BudgetScope) -> list[LineRow]:
    """Lines beyond the office's variance threshold, each with its recorded reason."""
    threshold = scope.settings.variance_threshold_pct
    return [line for line in iter_budget_lines(scope) if beyond_threshold(line.amounts, threshold)]


class Prioritised(Protocol):
    """A forum's priority beside its money and staff time (ForumFigures, the Resources page's ForumShare)."""

    @property
    def forum(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def revised(self) -> int: ...
    @property
    def staff_days(self) -> Decimal: ...


def priority_flags(forums: Sequence[Prioritised]) -> list[PriorityFlag]:
    """Every Low-priority forum that takes more money, or more staff time, than some High-priority forum."""
    high = [f for f in forums if f.priority == Priority.HIGH.label]
    flags = []
    for low in (f for f in forums if f.priority == Priority.LOW.label):
        money = [h for h in high if low.revised > h.revised]
        if money:
            flags.append(PriorityFlag(low.forum, min(money, key=lambda h: h.revised).forum, "money"))
        staff = [h for h in high if low.staff_days > h.staff_days]
        if staff:
            flags.append(PriorityFlag(low.forum, min(staff, key=lambda h: h.staff_days).forum, "staff time"))
    return flags


def budget_workbook_figures(
    scope: BudgetScope,
    tally: BudgetTally | None = None,
    *,
    as_at: date,
    generated_at: datetime | None = None,
) -> BudgetWorkbookFigures:
    """The figures of the budget workbook of the scope's year. `tally` holds the lines already streamed (the
    workbook writes them first); without it the lines are read here. No per-line ORM objects are loaded."""
    session, fy = scope.session, scope.fy
    if tally is None:
        tally = BudgetTally(scope)
        tally.consume(iter_budget_lines(scope))
    settings, calendar = scope.settings, scope.calendar
    staff = staff_time(session, fy, calendar, scope.staff_day_rate)
    forums = tally.forums(staff_days_by_forum(session, fy, calendar))
    categories = tuple(
        session.scalars(sa.select(CostCategory.label).order_by(CostCategory.sort_order, CostCategory.label))
    )
    line_count = tally.count
    return BudgetWorkbookFigures(
        fiscal_year=fy,
        fiscal_year_label=calendar.label(fy),
        month_labels=tuple(calendar.month_label(fy, m) for m in range(1, MONTHS + 1)),
        as_at=as_at,
        generated_at=generated_at or datetime.now(UTC),
        office=settings.name,
        currency=settings.currency,
        paper_size=settings.paper_size,
        demo=settings.is_demo,
        variance_threshold_pct=settings.variance_threshold_pct,
        staff_day_rate=scope.staff_day_rate,
        marking=scope.highest_marking() if line_count else settings.default_marking,
        ceiling=scope.ceiling[0] if scope.ceiling else None,
        left_out=scope.left_out(),
        line_count=line_count,
        forums=tuple(forums),
        categories=categories,
        staff=tuple(staff),
        travel=tuple(_travel(scope)),
        revisions=tuple(_revisions(scope)),
        variance_lines=tuple(tally.beyond_threshold),
        priority_flags=tuple(priority_flags(forums)),
    )


def staff_days_by_forum(session: Session, fy: int, calendar: Any) -> dict[int | None, Decimal]:
    """Person-days of staff time per forum in the fiscal year."""
    from core.domain.fiscal import working_days_between

    start, end = calendar.start_of(fy), calendar.end_of(fy)
    totals: dict[int | None, int] = {}
    for forum_id, first, last, fte in session.execute(
        sa.select(
            StaffAllocation.forum_id,
            StaffAllocation.start_date,
            StaffAllocation.end_date,
            StaffAllocation.fte_hundredths,
        ).where(StaffAllocation.start_date <= end, StaffAllocation.end_date >= start)
    ):
        days = working_days_between(max(first, start) - timedelta(days=1), min(last, end))
        totals[forum_id] = totals.get(forum_id, 0) + days * fte
    return {forum_id: (Decimal(total) / 100).quantize(Decimal("0.01")) for forum_id, total in totals.items()}
