"""The dashboard's figures for a fiscal year and an as-at date: KPI tiles and chart series, each one GROUP BY in SQL."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.commitments import Commitment, CommitmentStatus, Milestone
from core.domain.fiscal import FiscalCalendar, working_days_between
from core.domain.forums import Forum, ForumEvent, Priority
from core.domain.meetings import Action, EngagementGroup, Meeting, MeetingStatus, open_action_condition
from core.domain.organisations import Organisation, Person
from core.domain.resources import NO_FORUM, BudgetLine, BudgetMonth, StaffAllocation
from core.domain.secondments import Secondment, SecondmentExtension, SecondmentStatus
from core.reports.list_filters import (
    CLOSED_COMMITMENT,
    NOT_CLOSED_ACTIONS,
    ListFilter,
    ListLink,
    briefing_due,
    commitment_at_risk,
    commitment_overdue,
    secondment_end,
    secondment_live_at,
    secondment_other_alert,
)
from core.services.meetings import pack_deadline
from core.services.office import load_settings

__all__ = [
    "AGEING_BUCKETS",
    "CLOSED_COMMITMENT",
    "NO_PRIORITY",
    "OTHER_FORUMS",
    "AgeingBucket",
    "AgencyOverdue",
    "CommitmentCell",
    "Dashboard",
    "ForumSpend",
    "Kpis",
    "MonthSpend",
    "PriorityShare",
    "SecondmentBar",
    "build_dashboard",
    "dashboard_kpis",
    "next_scheduled_meeting",
]

_ZERO = Decimal("0.00")
OTHER_FORUMS = "Other"
NO_PRIORITY = "No forum"
# Days open: (label, fewest days, most days or None for no upper bound).
AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–30 days", 0, 30),
    ("31–90 days", 31, 90),
    ("91–180 days", 91, 180),
    ("Over 180 days", 181, None),
)
_TIMELINE_SECONDMENT = (
    SecondmentStatus.APPROVED,
    SecondmentStatus.ACTIVE,
    SecondmentStatus.EXTENDED,
    SecondmentStatus.COMPLETED,
    SecondmentStatus.TERMINATED_EARLY,
)


@dataclass(frozen=True)
class Kpis:
    """The tiles. `working_days_to_pack` is negative once the pack deadline has passed; None without a meeting."""

    spend_to_date: Decimal
    planned_to_date: Decimal
    open_actions: int
    overdue_actions: int
    active_secondments: int
    secondments_ending_soon: int
    alert_days: int
    commitments_at_risk: int
    commitments_overdue: int
    next_meeting_id: int | None
    next_meeting_date: date | None
    pack_deadline: date | None
    working_days_to_pack: int | None
    # Within the shortest window, from the due-soon panel's own queries: secondments with an alert besides their end
    # (clearance, declaration, review, checklist) and forum-event briefings due.
    secondments_with_alerts: int = 0
    briefings_due: int = 0

    @property
    def spend_variance(self) -> Decimal:
        """Planned to date − actual to date: positive is underspend (DESIGN §4)."""
        return self.planned_to_date - self.spend_to_date


@dataclass(frozen=True)
class ForumSpend:
    """One bar pair; `forum_ids` is every forum the bar stands for (several for "Other", none for office-wide)."""

    label: str
    priority: str  # Priority label, or NO_PRIORITY
    revised: Decimal
    actual_to_date: Decimal
    forum_ids: tuple[int, ...]
    office_wide: bool = False
    link: ListLink | None = None  # the year's budget lines of these forums


@dataclass(frozen=True)
class MonthSpend:
    fiscal_month: int
    label: str  # "Aug 2025"
    month_start: date
    planned: Decimal
    actual: Decimal
    cumulative_planned: Decimal
    cumulative_actual: Decimal


@dataclass(frozen=True)
class CommitmentCell:
    """Open commitments of one status whose next review falls in `quarter` (1–4 of the year, 0 earlier, 5 later,
    None with no review date)."""

    status: str
    quarter: int | None
    count: int
    link: ListLink | None = None  # these commitments


@dataclass(frozen=True)
class AgeingBucket:
    label: str
    on_time: int
    overdue: int
    on_time_link: ListLink | None = None
    overdue_link: ListLink | None = None


@dataclass(frozen=True)
class AgencyOverdue:
    agency_id: int
    agency: str  # code, else name
    overdue: int
    link: ListLink | None = None


@dataclass(frozen=True)
class SecondmentBar:
    secondment_id: int
    person: str
    start: date
    end: date  # actual end, else the current planned end
    original_end: date
    extensions: int
    status: str
    link: ListLink | None = None

    @property
    def extended(self) -> bool:
        return self.end > self.original_end


@dataclass(frozen=True)
class PriorityShare:
    """Share of the year's revised budget and of the staff FTE allocated on the as-at date, per forum priority."""

    priority: str
    revised: Decimal
    fte: Decimal
    money_share: float  # 0..1
    staff_share: float
    link: ListLink | None = None  # the forums of this priority (the office-wide budget lines for NO_PRIORITY)


@dataclass(frozen=True)
class Dashboard:
    fiscal_year: int
    fiscal_year_label: str
    as_at: date
    currency: str
    months_elapsed: int
    kpis: Kpis
    budget_by_forum: tuple[ForumSpend, ...]
    spend_by_month: tuple[MonthSpend, ...]
    commitments: tuple[CommitmentCell, ...]
    ageing: tuple[AgeingBucket, ...]
    overdue_by_agency: tuple[AgencyOverdue, ...]
    secondments: tuple[SecondmentBar, ...]
    secondments_left_out: int
    priorities: tuple[PriorityShare, ...]
    tile_links: Mapping[str, ListLink] = field(default_factory=dict)
    """The list each tile opens: spend, actions, secondments, commitments, meeting, and the secondments with other
    alerts and the briefings due."""


def _open_actions(session: Session) -> sa.TextClause:
    """Open actions, spelled with literal values exactly as the partial index ix_action_open states them: SQLite
    uses a partial index only for a WHERE that visibly implies the index's own, which bound parameters never do."""
    condition = open_action_condition().compile(
        dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
    )
    return sa.text(str(condition))


def dashboard_kpis(session: Session, fy: int, as_at: date) -> Kpis:
    """The tiles alone; `build_dashboard` computes them with everything else."""
    settings = load_settings(session)
    money = _year_money(session, fy, settings.calendar.months_elapsed(fy, as_at))
    return _kpis(session, money.by_forum, _action_counts(session, as_at), as_at, settings.shortest_alert_days)


def _kpis(session: Session, money: list[_ForumMoney], actions: _ActionCounts, as_at: date, alert_days: int) -> Kpis:
    until = as_at + timedelta(days=alert_days)
    live = sa.and_(secondment_live_at(as_at), Secondment.archived.is_(sa.false()))
    end = secondment_end()
    # The tiles need counts, not the due-soon items: one statement of counts under the panel's own alert rules
    # (list_filters), instead of building an item, with its person and organisation, for every alert.
    counts = session.execute(
        sa.select(
            sa.select(sa.func.count()).where(live).scalar_subquery(),
            sa.select(sa.func.count()).where(live, end <= until).scalar_subquery(),
            sa.select(sa.func.count())
            .where(Secondment.archived.is_(sa.false()), secondment_other_alert(until))
            .scalar_subquery(),
            sa.select(sa.func.count())
            .select_from(ForumEvent)
            .where(briefing_due(as_at, until), ForumEvent.archived.is_(sa.false()))
            .scalar_subquery(),
        )
    ).one()
    active, ending, with_alerts, briefings = (int(n) for n in counts)
    overdue, at_risk = _commitment_risk(session, as_at, until)
    meeting = next_scheduled_meeting(session, as_at)
    deadline = pack_deadline(meeting.meeting_date, meeting.pack_lead_days) if meeting is not None else None
    return Kpis(
        spend_to_date=_cents(sum(m.actual_to_date for m in money)),
        planned_to_date=_cents(sum(m.planned_to_date for m in money)),
        open_actions=actions.open,
        overdue_actions=actions.overdue,
        active_secondments=active,
        secondments_ending_soon=ending,
        alert_days=alert_days,
        commitments_at_risk=at_risk,
        commitments_overdue=overdue,
        next_meeting_id=meeting.id if meeting is not None else None,
        next_meeting_date=meeting.meeting_date if meeting is not None else None,
        pack_deadline=deadline,
        working_days_to_pack=working_days_between(as_at, deadline) if deadline is not None else None,
        secondments_with_alerts=with_alerts,
        briefings_due=briefings,
    )


def next_scheduled_meeting(session: Session, as_at: date) -> Any:
    """The row (id, meeting_date, pack_lead_days) of the first meeting scheduled on or after `as_at`, or None."""
    return session.execute(
        sa.select(Meeting.id, Meeting.meeting_date, EngagementGroup.pack_lead_days)
        .join(EngagementGroup, EngagementGroup.id == Meeting.group_id)
        .where(
            Meeting.meeting_date >= as_at,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.archived.is_(sa.false()),
        )
        .order_by(Meeting.meeting_date, Meeting.id)
        .limit(1)
    ).first()


def _commitment_risk(session: Session, as_at: date, until: date) -> tuple[int, int]:
    """(overdue, at risk) open commitments. Overdue: a review or an unfinished milestone past due, or a Red
    override. At risk (and not overdue): one falling due within the alert window, or an Amber override."""
    milestones = (
        sa.select(
            Milestone.commitment_id.label("commitment_id"),
            sa.func.min(Milestone.due_date).label("first_due"),
        )
        .where(Milestone.done_date.is_(None))
        .group_by(Milestone.commitment_id)
        .subquery("open_milestones")
    )
    due = milestones.c.first_due
    review = Commitment.next_review_date
    overdue = commitment_overdue(review, due, Commitment.rag_override, as_at)
    at_risk = commitment_at_risk(review, due, Commitment.rag_override, until)
    row = session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((overdue, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((overdue, 0), (at_risk, 1), else_=0)), 0),
        )
        .select_from(Commitment)
        .outerjoin(milestones, milestones.c.commitment_id == Commitment.id)
        .where(Commitment.status.not_in(CLOSED_COMMITMENT), Commitment.archived.is_(sa.false()))
    ).one()
    return int(row[0]), int(row[1])


class _ForumMoney(NamedTuple):
    """One forum's money in the year, in integer cents: Decimals are made only for the bars and totals shown. A
    tuple, as a thousand frozen dataclasses took longer to make than the query that fills them."""

    forum_id: int | None
    label: str
    priority: Priority | None
    revised: int
    planned_to_date: int
    actual_to_date: int


@dataclass(frozen=True)
class _YearMoney:
    by_forum: list[_ForumMoney]
    by_month: dict[int, tuple[Decimal, Decimal]]  # fiscal month: (revised, actual)


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


_FY = sa.bindparam("fy", type_=sa.Integer())
_ELAPSED = sa.bindparam("elapsed", type_=sa.Integer())


@functools.cache
def _money_statements() -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(by forum, by month), built once: building and keying the statements cost as much CPU as the by-forum
    scan itself."""
    to_date = BudgetMonth.fiscal_month <= _ELAPSED
    revised = sa.type_coerce(BudgetMonth.revised, sa.BigInteger())
    actual = sa.type_coerce(BudgetMonth.actual, sa.BigInteger())

    def year(*columns: Any) -> sa.Select[Any]:
        return (
            sa.select(*columns)
            .select_from(BudgetLine)
            .join(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
            .where(BudgetLine.fiscal_year == _FY)
        )

    sums = (
        year(
            BudgetLine.forum_id.label("forum_id"),
            sa.func.sum(revised).label("revised"),
            sa.func.sum(sa.case((to_date, revised), else_=0)).label("planned"),
            sa.func.sum(sa.case((to_date, actual), else_=0)).label("actual"),
        )
        .group_by(BudgetLine.forum_id)
        .subquery("forum_sums")
    )
    # The forums' names joined to the thousand sums, rather than a second query with a thousand bound ids.
    by_forum = sa.select(
        sums.c.forum_id, Forum.acronym, Forum.full_name, Forum.priority, sums.c.revised, sums.c.planned, sums.c.actual
    ).outerjoin_from(sums, Forum, Forum.id == sums.c.forum_id)
    by_month = year(BudgetMonth.fiscal_month, sa.func.sum(revised), sa.func.sum(actual)).group_by(
        BudgetMonth.fiscal_month
    )
    return by_forum, by_month


def _year_money(session: Session, fy: int, elapsed: int) -> _YearMoney:
    """Two scans of the year's monthly amounts, by forum and by month: the tiles' spend, the by-forum bars, the
    months' curve and the money side of priority share all come from them. budget_by_forum gives the same by-forum
    figures (a test holds them together) but also ranks every line's marking for the pack's ceiling, which alone
    took twice the dashboard's time budget on a scale-100 office. One scan grouped by forum and month was slower
    still (a temporary B-tree of some 12,000 groups), and so was one by forum with a sum per month. Sums stay
    integer cents until the end."""
    by_forum_stmt, by_month_stmt = _money_statements()
    params = {"fy": fy, "elapsed": elapsed}
    by_forum = [
        _ForumMoney(
            forum_id=forum_id,
            label=(acronym or full_name) if forum_id is not None else NO_FORUM,
            priority=priority,
            revised=int(revised),
            planned_to_date=int(planned),
            actual_to_date=int(actual),
        )
        for forum_id, acronym, full_name, priority, revised, planned, actual in session.execute(by_forum_stmt, params)
    ]
    months = {
        month: (_cents(int(revised)), _cents(int(actual)))
        for month, revised, actual in session.execute(by_month_stmt, params)
    }
    return _YearMoney(by_forum, months)


def _budget_by_forum(money: list[_ForumMoney], top: int) -> tuple[ForumSpend, ...]:
    """The top `top` forums by revised budget, then "Other" when it stands for two or more. A scale-100 office has
    a thousand funded forums: only the bars shown are built, the rest are summed."""
    ranked = sorted(money, key=lambda m: (-m.revised, m.label.casefold()))

    def bar(m: _ForumMoney) -> ForumSpend:
        return ForumSpend(
            label=m.label,
            priority=m.priority.label if m.priority is not None else NO_PRIORITY,
            revised=_cents(m.revised),
            actual_to_date=_cents(m.actual_to_date),
            forum_ids=(m.forum_id,) if m.forum_id is not None else (),
            office_wide=m.forum_id is None,
        )

    if len(ranked) <= top + 1:
        return tuple(bar(m) for m in ranked)
    rest = ranked[top:]
    other = ForumSpend(
        label=OTHER_FORUMS,
        priority=NO_PRIORITY,
        revised=_cents(sum(m.revised for m in rest)),
        actual_to_date=_cents(sum(m.actual_to_date for m in rest)),
        forum_ids=tuple(m.forum_id for m in rest if m.forum_id is not None),
        office_wide=any(m.forum_id is None for m in rest),
    )
    return (*(bar(m) for m in ranked[:top]), other)


def _spend_by_month(
    calendar: FiscalCalendar, fy: int, sums: dict[int, tuple[Decimal, Decimal]]
) -> tuple[MonthSpend, ...]:
    months: list[MonthSpend] = []
    running_planned = running_actual = _ZERO
    for month in range(1, 13):
        planned, actual = sums.get(month, (_ZERO, _ZERO))
        running_planned += planned
        running_actual += actual
        months.append(
            MonthSpend(
                fiscal_month=month,
                label=calendar.month_label(fy, month),
                month_start=calendar.month_start(fy, month),
                planned=planned,
                actual=actual,
                cumulative_planned=running_planned,
                cumulative_actual=running_actual,
            )
        )
    return tuple(months)


def _commitments(session: Session, calendar: FiscalCalendar, fy: int) -> tuple[CommitmentCell, ...]:
    review = Commitment.next_review_date
    quarter = sa.case(
        (review.is_(None), sa.null()),
        (review < calendar.start_of(fy), 0),
        *((review <= calendar.quarter_range(fy, q)[1], q) for q in range(1, 5)),
        else_=5,
    ).label("quarter")
    rows = session.execute(
        sa.select(Commitment.status, quarter, sa.func.count().label("n"))
        .where(Commitment.status.not_in(CLOSED_COMMITMENT), Commitment.archived.is_(sa.false()))
        .group_by(Commitment.status, quarter)
    )
    order = {member: i for i, member in enumerate(CommitmentStatus)}
    cells = [(order[r.status], r.quarter, CommitmentCell(r.status.label, r.quarter, int(r.n))) for r in rows]
    cells.sort(key=lambda c: (c[0], 9 if c[1] is None else c[1]))
    return tuple(c for _, _, c in cells)


@dataclass(frozen=True)
class _ActionCounts:
    open: int
    overdue: int
    ageing: tuple[AgeingBucket, ...]
    by_agency: tuple[AgencyOverdue, ...]


def _ageing_bucket(raised_on: date, as_at: date) -> int:
    """The index in AGEING_BUCKETS of an action raised on `raised_on`, as at `as_at` (the first, if raised later)."""
    age = (as_at - raised_on).days
    for i, (_, low, high) in enumerate(AGEING_BUCKETS):
        if age >= low and (high is None or age <= high):
            return i
    return 0


def _action_counts(session: Session, as_at: date) -> _ActionCounts:
    """The open and overdue actions, their ageing and the overdue ones by owner agency, from the partial index of
    open actions (migration 0007) in two ranges of it, overdue and not: each grouped by the day it was raised (few:
    actions are raised at meetings), and the overdue by owner agency too, the ageing buckets then summed here. On
    200,000 actions, 20 ms; a pass grouped by bucket and another by agency took 35-45 (grouping by a CASE of
    dates costs more than grouping by the date), and three passes 320."""
    open_actions = _open_actions(session)
    late = session.execute(
        sa.select(Action.raised_on, Action.owner_agency_id, sa.func.count())
        .where(open_actions, Action.due_date < as_at)
        .group_by(Action.raised_on, Action.owner_agency_id)
    ).all()
    on_time = session.execute(
        sa.select(Action.raised_on, sa.func.count())
        .where(open_actions, Action.due_date >= as_at)
        .group_by(Action.raised_on)
    ).all()
    ageing: Counter[tuple[int, int]] = Counter()
    by_agency: Counter[int] = Counter()
    for raised_on, agency, n in late:
        ageing[_ageing_bucket(raised_on, as_at), 1] += n
        by_agency[agency] += n
    for raised_on, n in on_time:
        ageing[_ageing_bucket(raised_on, as_at), 0] += n
    label = sa.func.coalesce(Organisation.code, Organisation.name)
    found = session.execute(sa.select(Organisation.id, label).where(Organisation.id.in_(list(by_agency))))
    labels: dict[int, str] = {row[0]: row[1] for row in found}
    agencies = sorted(
        (AgencyOverdue(i, labels[i], n) for i, n in by_agency.items()), key=lambda a: (-a.overdue, a.agency)
    )
    return _ActionCounts(
        open=sum(ageing.values()),
        overdue=sum(by_agency.values()),
        ageing=tuple(
            AgeingBucket(name, ageing.get((i, 0), 0), ageing.get((i, 1), 0))
            for i, (name, _, _) in enumerate(AGEING_BUCKETS)
        ),
        by_agency=tuple(agencies),
    )


def _secondments(
    session: Session, calendar: FiscalCalendar, fy: int, limit: int
) -> tuple[tuple[SecondmentBar, ...], int]:
    end = secondment_end()
    extensions = (
        sa.select(SecondmentExtension.secondment_id, sa.func.count().label("n"))
        .group_by(SecondmentExtension.secondment_id)
        .subquery("extensions")
    )
    overlapping = sa.and_(
        Secondment.status.in_(_TIMELINE_SECONDMENT),
        Secondment.archived.is_(sa.false()),
        Secondment.start_date <= calendar.end_of(fy),
        end >= calendar.start_of(fy),
    )
    total = int(session.scalar(sa.select(sa.func.count()).select_from(Secondment).where(overlapping)) or 0)
    rows = session.execute(
        sa.select(
            Secondment.id,
            Person.full_name,
            Secondment.start_date,
            end.label("end"),
            Secondment.original_end_date,
            sa.func.coalesce(extensions.c.n, 0).label("extensions"),
            Secondment.status,
        )
        .join(Person, Person.id == Secondment.person_id)
        .outerjoin(extensions, extensions.c.secondment_id == Secondment.id)
        .where(overlapping)
        .order_by(Secondment.start_date, Secondment.id)
        .limit(limit)
    )
    bars = tuple(
        SecondmentBar(r.id, r.full_name, r.start_date, r.end, r.original_end_date, int(r.extensions), r.status.label)
        for r in rows
    )
    return bars, total - len(bars)


def _priorities(session: Session, money: list[_ForumMoney], as_at: date) -> tuple[PriorityShare, ...]:
    cents_by: dict[Priority | None, int] = {}
    for m in money:
        cents_by[m.priority] = cents_by.get(m.priority, 0) + m.revised
    revised_by = {priority: _cents(cents) for priority, cents in cents_by.items()}
    staff = {
        r.priority: Decimal(int(r.fte)) / 100
        for r in session.execute(
            sa.select(Forum.priority.label("priority"), sa.func.sum(StaffAllocation.fte_hundredths).label("fte"))
            .select_from(StaffAllocation)
            .outerjoin(Forum, Forum.id == StaffAllocation.forum_id)
            .where(
                StaffAllocation.start_date <= as_at,
                StaffAllocation.end_date >= as_at,
                StaffAllocation.archived.is_(sa.false()),
            )
            .group_by(Forum.priority)
        )
    }
    total_money = sum(revised_by.values(), _ZERO)
    total_staff = sum(staff.values(), Decimal(0))
    shares = []
    for key in (*Priority, None):
        revised = revised_by.get(key, _ZERO)
        fte = staff.get(key, Decimal(0))
        if key is None and not revised and not fte:
            continue  # no office-wide money or staff: no bar for it
        shares.append(
            PriorityShare(
                priority=key.label if key is not None else NO_PRIORITY,
                revised=revised,
                fte=fte,
                money_share=float(revised / total_money) if total_money else 0.0,
                staff_share=float(fte / total_staff) if total_staff else 0.0,
            )
        )
    return tuple(shares)


def _links(dash: Dashboard, calendar: FiscalCalendar) -> Dashboard:
    """`dash` with the list each tile and bar opens: filtered to exactly the rows it counts."""
    fy, as_at, year = dash.fiscal_year, dash.as_at, dash.fiscal_year_label
    until = as_at + timedelta(days=dash.kpis.alert_days)

    def budget(label: str, forum_ids: tuple[int, ...] | None = None, office_wide: bool = False) -> ListLink:
        conditions: tuple[tuple[str, Any], ...] = (("fiscal_year", fy),)
        if forum_ids is not None:
            conditions += (("forum_in", (forum_ids, office_wide)),)
        return ListLink("budget", ListFilter(label, conditions), show_archived=True)

    def actions(label: str, *conditions: tuple[str, Any]) -> ListLink:
        return ListLink("actions", ListFilter(label, (("open", True), *conditions)), sort_key="rag")

    def forum_bar(bar: ForumSpend) -> ForumSpend:
        shown = "office-wide" if bar.office_wide and not bar.forum_ids else bar.label
        return replace(bar, link=budget(f"{year}, {shown}", bar.forum_ids, bar.office_wide))

    def review_bounds(quarter: int | None) -> tuple[str, Any]:
        if quarter is None:
            return ("no_review", True)
        if quarter == 0:
            return ("review_between", (None, calendar.start_of(fy) - timedelta(days=1)))
        if quarter == 5:
            return ("review_between", (calendar.end_of(fy) + timedelta(days=1), None))
        return ("review_between", calendar.quarter_range(fy, quarter))

    def cell(c: CommitmentCell) -> CommitmentCell:
        status = next(m for m in CommitmentStatus if m.label == c.status)
        when = {None: "no review date", 0: f"review before {year}", 5: f"review after {year}"}.get(
            c.quarter, f"review Q{c.quarter} {year}"
        )
        conditions = (("open", True), ("status", status.value), review_bounds(c.quarter))
        return replace(c, link=ListLink("commitments", ListFilter(f"{c.status}, {when}", conditions), "rag"))

    def ageing(i: int, bucket: AgeingBucket) -> AgeingBucket:
        _, low, high = AGEING_BUCKETS[i]
        raised = (
            "raised_between",
            (as_at - timedelta(days=high) if high is not None else None, as_at - timedelta(days=low)),
        )
        return replace(
            bucket,
            on_time_link=actions(
                f"Not closed, raised {bucket.label} ago, not overdue", raised, ("not_overdue_at", as_at)
            ),
            overdue_link=actions(f"Not closed, raised {bucket.label} ago, overdue", raised, ("overdue_at", as_at)),
        )

    def priority(share: PriorityShare) -> PriorityShare:
        if share.priority == NO_PRIORITY:
            return replace(share, link=budget(f"{year}, office-wide", (), True))
        code = next(m for m in Priority if m.label == share.priority).value
        return replace(share, link=ListLink("forums", ListFilter(f"{share.priority} priority", (("priority", code),))))

    k = dash.kpis
    tiles = {
        "spend": budget(year),
        "actions": actions(NOT_CLOSED_ACTIONS),
        "secondments": ListLink(
            "secondments",
            ListFilter(
                f"Ending within {k.alert_days} days of {as_at.isoformat()}",
                (("live_at", as_at), ("ending_between", (as_at, until))),
            ),
        ),
        "commitments": ListLink(
            "commitments",
            ListFilter("Overdue or at risk", (("open", True), ("overdue_or_at_risk", (as_at, until)))),
            "rag",
        ),
    }
    within = f"within {k.alert_days} days of {as_at.isoformat()}"
    tiles["secondment_alerts"] = ListLink(
        "secondments", ListFilter(f"Other alerts {within}", (("other_alert_by", until),))
    )
    tiles["briefings"] = ListLink(
        "events", ListFilter(f"Briefings due {within}", (("briefing_due", (as_at, until)),)), "briefing_due"
    )
    if k.next_meeting_id is not None and k.next_meeting_date is not None:
        label = f"Next meeting, {k.next_meeting_date.isoformat()}"
        tiles["meeting"] = ListLink("meetings", ListFilter(label, (("ids", (k.next_meeting_id,)),)))
    return replace(
        dash,
        tile_links=tiles,
        budget_by_forum=tuple(forum_bar(b) for b in dash.budget_by_forum),
        commitments=tuple(cell(c) for c in dash.commitments),
        ageing=tuple(ageing(i, b) for i, b in enumerate(dash.ageing)),
        overdue_by_agency=tuple(
            replace(r, link=actions(f"Overdue, owner {r.agency}", ("overdue_at", as_at), ("owner_agency", r.agency_id)))
            for r in dash.overdue_by_agency
        ),
        secondments=tuple(
            replace(b, link=ListLink("secondments", ListFilter(b.person, (("ids", (b.secondment_id,)),))))
            for b in dash.secondments
        ),
        priorities=tuple(priority(p) for p in dash.priorities),
    )


def build_dashboard(
    session: Session, fy: int, as_at: date, *, top_forums: int = 8, max_secondments: int = 40
) -> Dashboard:
    """Every tile and chart for fiscal year `fy` as at `as_at`. Archived rows count in the money (they belong to
    the year) and are left out of what is open or live."""
    settings = load_settings(session)
    calendar = settings.calendar
    elapsed = calendar.months_elapsed(fy, as_at)
    money = _year_money(session, fy, elapsed)
    actions = _action_counts(session, as_at)
    secondments, left_out = _secondments(session, calendar, fy, max_secondments)
    dash = Dashboard(
        fiscal_year=fy,
        fiscal_year_label=calendar.label(fy),
        as_at=as_at,
        currency=settings.currency,
        months_elapsed=elapsed,
        kpis=_kpis(session, money.by_forum, actions, as_at, settings.shortest_alert_days),
        budget_by_forum=_budget_by_forum(money.by_forum, top_forums),
        spend_by_month=_spend_by_month(calendar, fy, money.by_month),
        commitments=_commitments(session, calendar, fy),
        ageing=actions.ageing,
        overdue_by_agency=actions.by_agency,
        secondments=secondments,
        secondments_left_out=left_out,
        priorities=_priorities(session, money.by_forum, as_at),
    )
    return _links(dash, calendar)
