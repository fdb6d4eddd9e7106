"""The quarterly meeting pack as plain data: every section of DESIGN.md §7, whatever format renders it."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.commitments import Commitment, CommitmentStatus, Milestone
from core.domain.fiscal import FiscalCalendar, meeting_title
from core.domain.forums import DatePrecision, DelegationMember, Forum, ForumEvent
from core.domain.meetings import (
    CARRIED_FORWARD,
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    EngagementGroup,
    Meeting,
    MeetingStatus,
    Paper,
)
from core.domain.organisations import Organisation, Person
from core.domain.reference import Marking
from core.domain.secondments import Secondment, SecondmentStatus
from core.reports.budget import BudgetByForum, budget_by_forum
from core.reports.due_soon import secondment_alerts
from core.reports.lists import UnknownMarking, resolve_marking
from core.reports.meetings import AttendanceMatrix, attendance_matrix
from core.services.office import OfficeSettings, load_settings
from core.services.rag import Rag, RagInput, action_rag, rag

__all__ = [
    "ACTION_COLUMNS",
    "DECISION_COLUMNS",
    "SECTIONS",
    "ActionRow",
    "AgendaRow",
    "AttendanceMatrix",
    "AttendanceRow",
    "CommitmentDueRow",
    "DecisionRow",
    "EventRow",
    "MeetingPack",
    "PackCover",
    "PackError",
    "PaperRow",
    "PreviousOutcomes",
    "SecondmentRow",
    "build_meeting_pack",
    "resolve_meeting",
    "row_values",
]

# The pack's sections in order, with what each holds: sheet names of the workbook, headings of the PDF.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Cover", "The meeting, the pack's status and marking, and these contents"),
    ("Agenda", "The order of business with running start times"),
    ("Attendance", "This meeting's attendance list and each agency's attendance this fiscal year"),
    ("Previous_Outcomes", "The previous meeting's minutes, decisions and the actions it raised"),
    ("Decisions", "The decisions register for the fiscal year"),
    ("Action_Log", "Actions carried forward and those closed since the previous meeting"),
    ("Commitments_Due", "Commitments and milestones overdue or due in the next two quarters"),
    ("Forward_Calendar", "Forum events in the next six months"),
    ("Secondments", "Active secondments and those starting or ending within the alert window"),
    ("Budget_Snapshot", "The fiscal year to date by forum"),
    ("Papers", "The meeting's papers and where they are kept"),
)

# The columns every format shows for actions and decisions: (header, attribute of ActionRow / DecisionRow).
ACTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Ref", "ref"),
    ("Raised at", "raised_at"),
    ("Raised on", "raised_on"),
    ("Action", "description"),
    ("Owner agency", "owner_agency"),
    ("Owner", "owner"),
    ("Due", "due"),
    ("Status", "status"),
    ("RAG", "rag"),
    ("Open for N meetings", "open_for"),
    ("Latest update", "update"),
    ("Closed on", "closed_on"),
    ("Marking", "marking"),
)
DECISION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Ref", "ref"),
    ("Meeting", "meeting"),
    ("Date", "meeting_date"),
    ("Decision", "text"),
    ("Concurring", "concurring"),
    ("Dissenting", "dissenting"),
    ("Forum", "forum"),
    ("Commitment", "commitment"),
    ("Marking", "marking"),
)

CALENDAR_MONTHS = 6
COMMITMENT_QUARTERS = 2
_CLOSED_COMMITMENTS = (CommitmentStatus.COMPLETED, CommitmentStatus.LAPSED, CommitmentStatus.WITHDRAWN)
_ENDED_SECONDMENTS = (SecondmentStatus.COMPLETED, SecondmentStatus.TERMINATED_EARLY)

T = TypeVar("T")


def row_values(row: object, columns: Sequence[tuple[str, str]]) -> tuple[object, ...]:
    """The values of `row` for `columns` (ACTION_COLUMNS, DECISION_COLUMNS), in their order."""
    return tuple(getattr(row, attribute) for _, attribute in columns)


class PackError(ValueError):
    """A pack that cannot be made (no such meeting, a marking above the ceiling); the message is for the user."""


# ----------------------------------------------------------------------------------------------------
# The sections


@dataclass(frozen=True)
class PackCover:
    office: str
    group: str
    meeting_id: int
    number: int
    title: str  # "Meeting 9 — 2024–25 Q1"
    meeting_date: date
    start_time: time | None
    end_time: time | None
    venue: str
    chair: str
    secretariat: str
    meeting_status: str
    pack_status: str
    pack_version: int
    fiscal_year_label: str


@dataclass(frozen=True)
class AgendaRow:
    position: int
    title: str
    purpose: str
    lead_agency: str
    presenter: str
    paper_ref: str
    minutes: int
    start: time | None  # running from the meeting's start time
    over_time: bool  # ends after the meeting's planned end
    marking: str


@dataclass(frozen=True)
class AttendanceRow:
    agency: str
    name: str
    role: str
    status: str


@dataclass(frozen=True)
class DecisionRow:
    ref: str
    meeting: str
    meeting_date: date
    text: str
    concurring: str
    dissenting: str
    forum: str
    commitment: str
    marking: str


@dataclass(frozen=True)
class ActionRow:
    ref: str
    raised_at: str  # the raising meeting's title
    raised_on: date
    description: str
    owner_agency: str
    owner: str
    due: date
    status: str
    rag: Rag
    open_for: int  # the group's meetings after the raising one, up to and including the pack's (or the closing)
    update: str
    closed_on: date | None
    raised_since_previous: bool
    overdue: bool
    marking: str


@dataclass(frozen=True)
class PreviousOutcomes:
    title: str | None  # None: this is the group's first meeting
    meeting_date: date | None
    minutes_status: str
    minutes_confirmed_at: str
    decisions: tuple[DecisionRow, ...]
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True)
class CommitmentDueRow:
    commitment: str
    kind: str  # Milestone / Review / Expiry
    item: str
    due: date
    agency: str
    status: str
    rag: Rag
    overdue: bool
    marking: str


@dataclass(frozen=True)
class EventRow:
    start: date
    end: date
    month_only: bool  # the dates are known to the month: show "Sep 2025", not the 1st
    forum: str
    event: str
    location: str
    lead_agency: str
    delegation: str
    briefing_due: date | None
    status: str
    marking: str

    @property
    def dates(self) -> str:
        """`Oct 2025` for a month-precision event, else `24 Oct 2025` or `30 Sep 2025 – 3 Oct 2025`."""
        if self.month_only:
            return f"{_MONTHS[self.start.month - 1]} {self.start.year}"
        return _day(self.start) if self.start == self.end else f"{_day(self.start)} – {_day(self.end)}"


# Fixed English abbreviations, as core.domain.fiscal uses: strftime("%b") would follow the machine's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class SecondmentRow:
    person: str
    direction: str
    kind: str
    home: str
    host_unit: str
    role: str
    start: date
    end: date
    status: str
    alert: str  # "Starts in 12 days", "Ends in 40 days" or ""


@dataclass(frozen=True)
class PaperRow:
    ref: str
    title: str
    owning_agency: str
    marking: str
    location: str


@dataclass(frozen=True)
class MeetingPack:
    cover: PackCover
    agenda: tuple[AgendaRow, ...]
    attendance: tuple[AttendanceRow, ...]
    matrix: AttendanceMatrix
    previous: PreviousOutcomes
    decisions: tuple[DecisionRow, ...]
    actions: tuple[ActionRow, ...]
    commitments: tuple[CommitmentDueRow, ...]
    calendar: tuple[EventRow, ...]
    secondments: tuple[SecondmentRow, ...]
    budget: BudgetByForum
    papers: tuple[PaperRow, ...]
    marking: str | None  # the highest marking of anything in the pack
    as_at: date
    generated_at: datetime
    demo: bool
    paper_size: str
    currency: str
    ceiling: str | None  # the --max-marking asked for
    left_out: tuple[tuple[str, int], ...]  # (section, items above the ceiling left out), sections with any only

    @property
    def cover_facts(self) -> tuple[tuple[str, object], ...]:
        """What the cover states, label and value, in order."""
        cover = self.cover
        times = "–".join(t.strftime("%H:%M") for t in (cover.start_time, cover.end_time) if t is not None)
        facts: list[tuple[str, object]] = [
            ("Office", cover.office),
            ("Group", cover.group),
            ("Meeting", cover.title),
            ("Meeting number", cover.number),
            ("Date", cover.meeting_date),
            ("Time", times),
            ("Venue", cover.venue),
            ("Chair", cover.chair),
            ("Secretariat", cover.secretariat),
            ("Meeting status", cover.meeting_status),
            ("Pack status", cover.pack_status),
            ("Pack version", cover.pack_version),
            ("Fiscal year", cover.fiscal_year_label),
            ("Data as at", self.as_at),
            ("Generated at (UTC)", self.generated_at),
            ("Marking", self.marking or "No marking"),
        ]
        if self.ceiling:
            facts.append(("Highest marking included", self.ceiling))
        return tuple(facts)

    @property
    def left_out_total(self) -> int:
        return sum(count for _, count in self.left_out)

    @property
    def personal_data(self) -> bool:
        """Secondment details are personal data (DESIGN.md §9): the pack must say so on its cover."""
        return bool(self.secondments)

    @property
    def left_out_line(self) -> str:
        """What the ceiling left out, in one line ("" when nothing)."""
        if not self.left_out_total:
            return ""
        parts = ", ".join(f"{section} {count:,}" for section, count in self.left_out)
        items = "item" if self.left_out_total == 1 else "items"
        return f"{self.left_out_total:,} {items} marked above {self.ceiling} left out ({parts})."


# ----------------------------------------------------------------------------------------------------
# Choosing the meeting


def resolve_meeting(session: Session, ref: str | int, as_at: date) -> int:
    """The id of the meeting named by `ref`: its id, "next" (the next scheduled, on or after `as_at`) or "latest"
    (the most recent held, on or before `as_at`). Groups tie on dates only in the benchmark offices: the
    lowest-numbered group wins, the office's own."""
    text = str(ref).strip().casefold()
    live = Meeting.archived.is_(False)
    if text.isdigit():
        meeting_id = int(text)
        if session.get(Meeting, meeting_id) is None:
            raise PackError(f"There is no meeting {meeting_id}.")
        return meeting_id
    if text == "next":
        found = session.scalar(
            sa.select(Meeting.id)
            .where(live, Meeting.status == MeetingStatus.SCHEDULED, Meeting.meeting_date >= as_at)
            .order_by(Meeting.meeting_date, Meeting.group_id)
            .limit(1)
        )
        if found is None:
            raise PackError(f"No meeting is scheduled on or after {as_at.isoformat()}; prepare the next meeting first.")
        return found
    if text == "latest":
        found = session.scalar(
            sa.select(Meeting.id)
            .where(live, Meeting.status == MeetingStatus.HELD, Meeting.meeting_date <= as_at)
            .order_by(Meeting.meeting_date.desc(), Meeting.group_id)
            .limit(1)
        )
        if found is None:
            raise PackError(f"No meeting has been held on or before {as_at.isoformat()}.")
        return found
    raise PackError(f"Name the meeting by its id, 'next' or 'latest', not {str(ref)!r}.")


# ----------------------------------------------------------------------------------------------------
# Building


def _add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def commitments_horizon(calendar: FiscalCalendar, as_at: date) -> date:
    """The last day of the second fiscal quarter after the current one: "due in the next two quarters"."""
    fy, quarter = calendar.fiscal_year_of(as_at), calendar.quarter_of(as_at) + COMMITMENT_QUARTERS
    fy, quarter = fy + (quarter - 1) // 4, (quarter - 1) % 4 + 1
    return calendar.quarter_range(fy, quarter)[1]


class _Builder:
    """Reads one meeting's pack in a read session; the marking ceiling is applied section by section."""

    def __init__(
        self, session: Session, meeting: Meeting, settings: OfficeSettings, as_at: date, ceiling: tuple[str, int] | None
    ) -> None:
        self.session = session
        self.meeting = meeting
        self.settings = settings
        self.calendar = settings.calendar
        self.as_at = as_at
        self.ceiling = ceiling
        markings = session.execute(sa.select(Marking.id, Marking.label, Marking.rank)).all()
        self.marking_by_id: dict[int, tuple[str, int]] = {row.id: (row.label, row.rank) for row in markings}
        self.label_by_rank: dict[int, str] = {row.rank: row.label for row in markings}
        ranks: dict[str, int] = {row.label: row.rank for row in markings}
        self.default_rank = ranks.get(settings.default_marking or "", min(ranks.values(), default=0))
        self.highest = self.default_rank
        self.left_out: dict[str, int] = {}
        self.orgs = {
            row.id: row.code or row.short_name or row.name
            for row in session.execute(
                sa.select(Organisation.id, Organisation.code, Organisation.short_name, Organisation.name)
            )
        }
        self._people: dict[int, str] = {}
        self.group = session.get(EngagementGroup, meeting.group_id)
        assert self.group is not None
        self.group_meetings = session.execute(
            sa.select(Meeting.id, Meeting.number, Meeting.meeting_date, Meeting.status)
            .where(Meeting.group_id == meeting.group_id, Meeting.status != MeetingStatus.CANCELLED)
            .order_by(Meeting.meeting_date)
        ).all()
        self.meeting_dates = [m.meeting_date for m in self.group_meetings]
        self.titles = {m.id: meeting_title(m.number, self.calendar, m.meeting_date) for m in self.group_meetings}
        earlier = [m for m in self.group_meetings if m.meeting_date < meeting.meeting_date]
        self.previous = earlier[-1] if earlier else None

    # -- helpers ----------------------------------------------------------------------------------------

    def people(self, ids: Iterable[int | None]) -> dict[int, str]:
        wanted = {i for i in ids if i is not None} - self._people.keys()
        if wanted:
            found = self.session.execute(sa.select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
            self._people.update({row.id: row.full_name for row in found})
        return self._people

    def org(self, org_id: int | None) -> str:
        return self.orgs.get(org_id, "") if org_id is not None else ""

    def rank(self, *marking_ids: int | None) -> int:
        ranks = [self.marking_by_id[m][1] for m in marking_ids if m is not None and m in self.marking_by_id]
        return max(ranks, default=self.default_rank)

    def label(self, rank: int) -> str:
        return self.label_by_rank.get(rank, "")

    def keep(self, section: str, items: Iterable[tuple[int, T]]) -> tuple[T, ...]:
        """The items at or below the ceiling (counting the others), raising the pack's highest marking."""
        kept: list[T] = []
        for rank, item in items:
            if self.ceiling is not None and rank > self.ceiling[1]:
                self.left_out[section] = self.left_out.get(section, 0) + 1
                continue
            self.highest = max(self.highest, rank)
            kept.append(item)
        return tuple(kept)

    def title(self, meeting_id: int) -> str:
        return self.titles.get(meeting_id, "")

    # -- sections ---------------------------------------------------------------------------------------

    def cover(self) -> PackCover:
        m, group = self.meeting, self.group
        assert group is not None
        names = self.people([group.chair_person_id, group.secretariat_person_id])

        def who(person_id: int | None, agency_id: int | None) -> str:
            name, agency = names.get(person_id, "") if person_id else "", self.org(agency_id)
            return f"{name} ({agency})" if name and agency else name or agency

        return PackCover(
            office=self.settings.name,
            group=group.name,
            meeting_id=m.id,
            number=m.number,
            title=meeting_title(m.number, self.calendar, m.meeting_date),
            meeting_date=m.meeting_date,
            start_time=m.start_time,
            end_time=m.end_time,
            venue=m.venue or group.default_venue,
            chair=who(group.chair_person_id, group.chair_agency_id),
            secretariat=who(group.secretariat_person_id, group.secretariat_agency_id),
            meeting_status=m.status.label,
            pack_status=m.pack_status.label,
            pack_version=m.pack_version,
            fiscal_year_label=self.calendar.label(m.fiscal_year),
        )

    def agenda(self) -> tuple[AgendaRow, ...]:
        m = self.meeting
        items = self.session.scalars(
            sa.select(AgendaItem).where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.position, AgendaItem.id)
        ).all()
        names = self.people(item.presenter_person_id for item in items)
        start = datetime.combine(m.meeting_date, m.start_time) if m.start_time else None
        end = datetime.combine(m.meeting_date, m.end_time) if m.end_time else None
        offset = 0
        rows: list[tuple[int, AgendaRow]] = []
        # Running times count every item, those left out by the ceiling too, so the kept ones keep their times.
        for item in items:
            begins = start + timedelta(minutes=offset) if start else None
            offset += item.minutes_allotted
            finishes = start + timedelta(minutes=offset) if start else None
            rank = self.rank(item.marking_id)
            row = AgendaRow(
                position=item.position,
                title=item.title,
                purpose=item.purpose.label,
                lead_agency=self.org(item.lead_agency_id),
                presenter=names.get(item.presenter_person_id, "") if item.presenter_person_id else "",
                paper_ref=item.paper_ref,
                minutes=item.minutes_allotted,
                start=begins.time() if begins else None,
                over_time=bool(end and finishes and finishes > end),
                marking=self.label(rank),
            )
            rows.append((rank, row))
        return self.keep("Agenda", rows)

    def attendance(self) -> tuple[AttendanceRow, ...]:
        records = self.session.execute(
            sa.select(Attendance, AgendaItem.position)
            .outerjoin(AgendaItem, AgendaItem.id == Attendance.agenda_item_id)
            .where(Attendance.meeting_id == self.meeting.id)
            .order_by(Attendance.id)
        ).all()
        names = self.people(
            [r.Attendance.person_id for r in records] + [r.Attendance.alternate_for_person_id for r in records]
        )
        rows = []
        for record, position in records:
            status = record.status.label
            if record.status is AttendanceStatus.ALTERNATE and record.alternate_for_person_id:
                status = f"Alternate for {names.get(record.alternate_for_person_id, '')}"
            elif record.status is AttendanceStatus.IN_ATTENDANCE and position is not None:
                status = f"In attendance for item {position}"
            rows.append(
                AttendanceRow(self.org(record.organisation_id), names.get(record.person_id, ""), record.role, status)
            )
        return tuple(rows)

    def matrix(self) -> AttendanceMatrix:
        # The workspace's matrix, so the pack and the screen never disagree about who came.
        return attendance_matrix(self.session, self.meeting.group_id, self.meeting.fiscal_year)

    def decision_rows(self, section: str, where: sa.ColumnElement[bool]) -> tuple[DecisionRow, ...]:
        found = self.session.execute(
            sa.select(
                Decision, Meeting.meeting_date, Forum.acronym, Forum.full_name, Commitment.title, Commitment.marking_id
            )
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .outerjoin(Forum, Forum.id == Decision.forum_id)
            .outerjoin(Commitment, Commitment.id == Decision.commitment_id)
            .where(where)
            .order_by(Meeting.meeting_date, Decision.ref)
        ).all()
        rows = []
        for decision, meeting_date, acronym, forum_name, commitment, _ in found:
            rank = self.rank(decision.marking_id)
            rows.append(
                (
                    rank,
                    DecisionRow(
                        ref=decision.ref,
                        meeting=self.title(decision.meeting_id),
                        meeting_date=meeting_date,
                        text=decision.text,
                        concurring=decision.concurring,
                        dissenting=decision.dissenting,
                        forum=acronym or forum_name or "",
                        commitment=commitment or "",
                        marking=self.label(rank),
                    ),
                )
            )
        return self.keep(section, rows)

    def decisions(self) -> tuple[DecisionRow, ...]:
        return self.decision_rows(
            "Decisions",
            sa.and_(Meeting.group_id == self.meeting.group_id, Meeting.fiscal_year == self.meeting.fiscal_year),
        )

    def action_row(self, action: Action) -> tuple[int, ActionRow]:
        previous = self.previous
        raised = self.meeting_by_id(action.raised_at_meeting_id)
        raised_date = raised.meeting_date if raised else action.raised_on
        # DESIGN.md §4: the group's meetings after the raising one, up to and including the pack's meeting
        # (up to the closing day for an action closed before it).
        until = self.meeting.meeting_date
        if action.closed_on is not None and action.closed_on < until:
            until = action.closed_on
        open_for = max(
            0, bisect.bisect_right(self.meeting_dates, until) - bisect.bisect_right(self.meeting_dates, raised_date)
        )
        owner = self.people([action.owner_person_id]).get(action.owner_person_id, "") if action.owner_person_id else ""
        rank = self.rank(action.marking_id)
        return rank, ActionRow(
            ref=action.ref,
            raised_at=self.title(action.raised_at_meeting_id),
            raised_on=action.raised_on,
            description=action.description,
            owner_agency=self.org(action.owner_agency_id),
            owner=owner,
            due=action.due_date,
            status=action.status.label,
            rag=action_rag(action, self.as_at),
            open_for=open_for,
            update=action.progress_update,
            closed_on=action.closed_on,
            raised_since_previous=previous is not None and raised_date >= previous.meeting_date,
            overdue=action.status in CARRIED_FORWARD and action.due_date < self.as_at,
            marking=self.label(rank),
        )

    def meeting_by_id(self, meeting_id: int) -> Any:
        for m in self.group_meetings:
            if m.id == meeting_id:
                return m
        return None

    def _actions(self, where: sa.ColumnElement[bool]) -> Sequence[Action]:
        return self.session.scalars(
            sa.select(Action)
            .join(Meeting, Meeting.id == Action.raised_at_meeting_id)
            .where(Action.group_id == self.meeting.group_id, Action.archived.is_(False), where)
            .order_by(Meeting.meeting_date, Action.ref)
        ).all()

    def actions(self) -> tuple[ActionRow, ...]:
        """Every action raised before this meeting that carries forward, and those closed since the previous one."""
        since = self.previous.meeting_date if self.previous is not None else date.min
        closed_since = sa.and_(Action.closed_on.is_not(None), Action.closed_on >= since)
        found = self._actions(
            sa.and_(
                Meeting.meeting_date < self.meeting.meeting_date,
                sa.or_(Action.status.in_(CARRIED_FORWARD), closed_since),
            )
        )
        self.people(a.owner_person_id for a in found)
        return self.keep("Action_Log", (self.action_row(a) for a in found))

    def previous_outcomes(self) -> PreviousOutcomes:
        previous = self.previous
        if previous is None:
            return PreviousOutcomes(None, None, "", "", (), ())
        row = self.session.get(Meeting, previous.id)
        assert row is not None
        actions = self._actions(Action.raised_at_meeting_id == previous.id)
        self.people(a.owner_person_id for a in actions)
        confirmed_at = row.minutes_confirmed_at_meeting_id
        return PreviousOutcomes(
            title=self.title(previous.id),
            meeting_date=previous.meeting_date,
            minutes_status=row.minutes_status.label,
            minutes_confirmed_at=self.title(confirmed_at) if confirmed_at else "",
            decisions=self.decision_rows("Previous_Outcomes", Decision.meeting_id == previous.id),
            actions=self.keep("Previous_Outcomes", (self.action_row(a) for a in actions)),
        )

    def commitments(self) -> tuple[CommitmentDueRow, ...]:
        horizon = commitments_horizon(self.calendar, self.as_at)
        live = sa.and_(Commitment.archived.is_(False), Commitment.status.not_in(_CLOSED_COMMITMENTS))
        items: list[tuple[date, str, int, CommitmentDueRow]] = []

        def add(commitment: Any, kind: str, item: str, due: date, agency_id: int | None) -> None:
            rank = self.rank(commitment.marking_id)
            row = CommitmentDueRow(
                commitment=commitment.title,
                kind=kind,
                item=item,
                due=due,
                agency=self.org(agency_id or commitment.lead_agency_id),
                status=commitment.status.label,
                rag=rag(RagInput(due=due), self.as_at),
                overdue=due < self.as_at,
                marking=self.label(rank),
            )
            items.append((due, commitment.title.casefold(), rank, row))

        # Columns, not ORM objects: a large office has thousands of milestones due.
        shown = (Commitment.title, Commitment.marking_id, Commitment.lead_agency_id, Commitment.status)
        for row in self.session.execute(
            sa.select(*shown, Milestone.title.label("item"), Milestone.due_date, Milestone.owner_agency_id)
            .join(Commitment, Commitment.id == Milestone.commitment_id)
            .where(live, Milestone.done_date.is_(None), Milestone.due_date <= horizon)
        ):
            add(row, "Milestone", row.item, row.due_date, row.owner_agency_id)
        for commitment in self.session.execute(
            sa.select(*shown, Commitment.next_review_date, Commitment.expiry_date).where(
                live,
                sa.or_(
                    Commitment.next_review_date <= horizon,
                    sa.and_(Commitment.expiry_date >= self.as_at, Commitment.expiry_date <= horizon),
                ),
            )
        ):
            if commitment.next_review_date is not None and commitment.next_review_date <= horizon:
                add(commitment, "Review", "Review due", commitment.next_review_date, None)
            expiry = commitment.expiry_date
            if expiry is not None and self.as_at <= expiry <= horizon:
                add(commitment, "Expiry", "Expires or falls for renewal", expiry, None)
        items.sort(key=lambda entry: (entry[0], entry[1]))
        return self.keep("Commitments_Due", ((rank, row) for _, _, rank, row in items))

    def forward_calendar(self) -> tuple[EventRow, ...]:
        horizon = _add_months(self.as_at, CALENDAR_MONTHS)
        coming = sa.and_(
            ForumEvent.archived.is_(False), ForumEvent.start_date <= horizon, ForumEvent.end_date >= self.as_at
        )
        e = ForumEvent
        events = self.session.execute(
            sa.select(
                e.id,
                e.start_date,
                e.end_date,
                e.date_precision,
                e.title,
                e.location,
                e.lead_agency_id,
                e.briefing_due,
                e.status,
                e.marking_id,
                Forum.acronym,
                Forum.full_name,
            )
            .join(Forum, Forum.id == e.forum_id)
            .where(coming)
            .order_by(e.start_date, Forum.acronym, e.id)
        ).all()
        delegations: dict[int, list[tuple[bool, str, int]]] = {}
        found = self.session.execute(
            sa.select(DelegationMember.forum_event_id, DelegationMember.is_head, Person.full_name, Person.id)
            .join(Person, Person.id == DelegationMember.person_id)
            .join(ForumEvent, ForumEvent.id == DelegationMember.forum_event_id)
            .where(coming)
        )
        for event_id, head, name, person_id in found:
            delegations.setdefault(event_id, []).append((not head, name, person_id))
        rows = []
        for event in events:
            members = sorted(delegations.get(event.id, []))
            delegation = "; ".join(f"{name} (head)" if not not_head else name for not_head, name, _ in members)
            rank = self.rank(event.marking_id)
            row = EventRow(
                start=event.start_date,
                end=event.end_date,
                month_only=event.date_precision is DatePrecision.MONTH,
                forum=event.acronym or event.full_name,
                event=event.title,
                location=event.location,
                lead_agency=self.org(event.lead_agency_id),
                delegation=delegation,
                briefing_due=event.briefing_due,
                status=event.status.label,
                marking=self.label(rank),
            )
            rows.append((rank, row))
        return self.keep("Forward_Calendar", rows)

    def secondments(self) -> tuple[SecondmentRow, ...]:
        window_end = self.as_at + timedelta(days=self.settings.longest_alert_days)
        end = sa.func.coalesce(Secondment.actual_end_date, Secondment.planned_end_date)
        found = self.session.execute(
            sa.select(Secondment, Person.full_name)
            .join(Person, Person.id == Secondment.person_id)
            .where(
                Secondment.archived.is_(False),
                Secondment.status.not_in(_ENDED_SECONDMENTS),
                sa.or_(
                    Secondment.status.in_((SecondmentStatus.ACTIVE, SecondmentStatus.EXTENDED)),
                    Secondment.start_date.between(self.as_at, window_end),
                    end.between(self.as_at, window_end),
                ),
            )
            .order_by(end, Person.full_name)
        ).all()
        # Clearances, declarations, reviews and checklist items: the due-soon panel's alerts, over the same window.
        others = secondment_alerts(self.session, as_at=self.as_at, window_days=self.settings.longest_alert_days)
        rows = []
        for secondment, name in found:
            ends = secondment.actual_end_date or secondment.planned_end_date
            alert = ""
            if self.as_at <= secondment.start_date <= window_end:
                alert = _in_days("Starts", (secondment.start_date - self.as_at).days)
            elif self.as_at <= ends <= window_end:
                alert = _in_days("Ends", (ends - self.as_at).days)
            elif ends < self.as_at:
                alert = "Past its end date"
            alert = "; ".join(part for part in (alert, *others.get(secondment.id, ())) if part)
            rows.append(
                (
                    self.default_rank,
                    SecondmentRow(
                        person=name,
                        direction=secondment.direction.label,
                        kind=secondment.secondment_type.label,
                        home=self.orgs.get(secondment.home_organisation_id, ""),
                        host_unit=secondment.host_unit,
                        role=secondment.role_title,
                        start=secondment.start_date,
                        end=ends,
                        status=secondment.status.label,
                        alert=alert,
                    ),
                )
            )
        return self.keep("Secondments", rows)

    def budget(self) -> BudgetByForum:
        fy = self.calendar.fiscal_year_of(self.as_at)
        snapshot = budget_by_forum(
            self.session, fy, self.as_at, max_marking_rank=self.ceiling[1] if self.ceiling else None
        )
        if snapshot.left_out_by_marking:
            self.left_out["Budget_Snapshot"] = snapshot.left_out_by_marking
        if snapshot.highest_rank is not None:
            self.highest = max(self.highest, snapshot.highest_rank)
        return snapshot

    def papers(self) -> tuple[PaperRow, ...]:
        found = self.session.scalars(
            sa.select(Paper).where(Paper.meeting_id == self.meeting.id).order_by(Paper.ref, Paper.id)
        ).all()
        rows = []
        for paper in found:
            rank = self.rank(paper.marking_id)
            rows.append(
                (
                    rank,
                    PaperRow(
                        paper.ref, paper.title, self.org(paper.owning_agency_id), self.label(rank), paper.location
                    ),
                )
            )
        return self.keep("Papers", rows)


def _in_days(verb: str, days: int) -> str:
    if days == 0:
        return f"{verb} today"
    return f"{verb} in {days} day{'s' if days != 1 else ''}"


def build_meeting_pack(
    session: Session,
    meeting: str | int,
    *,
    as_at: date | None = None,
    max_marking: str | None = None,
    generated_at: datetime | None = None,
    step: Callable[[str], None] | None = None,
) -> MeetingPack:
    """The pack for `meeting` (an id, "next" or "latest") as at `as_at` (default today), leaving out what is marked
    above `max_marking`. `step` is called before each section (for progress and cancel). Raises PackError."""
    as_at = as_at or date.today()
    settings = load_settings(session)
    try:
        ceiling = resolve_marking(session, max_marking) if max_marking is not None else None
    except UnknownMarking as exc:
        raise PackError(str(exc)) from exc
    meeting_row = session.get(Meeting, resolve_meeting(session, meeting, as_at))
    assert meeting_row is not None
    builder = _Builder(session, meeting_row, settings, as_at, ceiling)
    own = builder.rank(meeting_row.marking_id)
    if ceiling is not None and own > ceiling[1]:
        raise PackError(
            f"{meeting_title(meeting_row.number, builder.calendar, meeting_row.meeting_date)} is marked "
            f"{builder.label(own)}, above {ceiling[0]}: its pack cannot be made under that ceiling."
        )
    builder.highest = max(builder.highest, own)
    report = step or (lambda _section: None)
    sections: dict[str, Any] = {}
    for name, make in (
        ("Cover", builder.cover),
        ("Agenda", builder.agenda),
        ("Attendance", builder.attendance),
        ("Matrix", builder.matrix),
        ("Previous_Outcomes", builder.previous_outcomes),
        ("Decisions", builder.decisions),
        ("Action_Log", builder.actions),
        ("Commitments_Due", builder.commitments),
        ("Forward_Calendar", builder.forward_calendar),
        ("Secondments", builder.secondments),
        ("Budget_Snapshot", builder.budget),
        ("Papers", builder.papers),
    ):
        report(name)
        sections[name] = make()
    order = [name for name, _ in SECTIONS]
    return MeetingPack(
        cover=sections["Cover"],
        agenda=sections["Agenda"],
        attendance=sections["Attendance"],
        matrix=sections["Matrix"],
        previous=sections["Previous_Outcomes"],
        decisions=sections["Decisions"],
        actions=sections["Action_Log"],
        commitments=sections["Commitments_Due"],
        calendar=sections["Forward_Calendar"],
        secondments=sections["Secondments"],
        budget=sections["Budget_Snapshot"],
        papers=sections["Papers"],
        marking=builder.label(builder.highest) or None,
        as_at=as_at,
        generated_at=generated_at or datetime.now(UTC),
        demo=settings.is_demo,
        paper_size=settings.paper_size,
        currency=settings.currency,
        ceiling=ceiling[0] if ceiling else None,
        left_out=tuple(sorted(builder.left_out.items(), key=lambda item: order.index(item[0]))),
    )
