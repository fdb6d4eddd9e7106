"""One agency before a meeting: what it owes (open actions, overdue first), what it leads, whom it seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.base import Money
from core.domain.commitments import Commitment
from core.domain.forums import Forum
from core.domain.meetings import (
    CARRIED_FORWARD,
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
)
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.resources import BudgetLine, BudgetMonth
from core.domain.secondments import Secondment, SecondmentStatus
from core.reports.dashboard import CLOSED_COMMITMENT, next_scheduled_meeting
from core.services.office import load_settings

__all__ = [
    "NOT_RECORDED",
    "RECORD_MEETINGS",
    "AgencyAction",
    "AgencyAgendaItem",
    "AgencyAttendance",
    "AgencyView",
    "LedCommitment",
    "LedForum",
    "OwnedBudgetLine",
    "Secondee",
    "agency_choices",
    "agency_view",
    "coded_agencies",
]

NOT_RECORDED = "Not recorded"
# The attendance record covers the last year of quarterly meetings, whatever fiscal year they fell in: early in a
# year, "this fiscal year" would show nothing.
RECORD_MEETINGS = 4
_LIVE_SECONDMENT = (
    SecondmentStatus.PROPOSED,
    SecondmentStatus.APPROVED,
    SecondmentStatus.ACTIVE,
    SecondmentStatus.EXTENDED,
)


@dataclass(frozen=True)
class AgencyAction:
    action_id: int
    ref: str
    description: str
    owner: str
    due: date
    status: str
    overdue: bool


@dataclass(frozen=True)
class AgencyAgendaItem:
    meeting_id: int
    position: int
    title: str
    purpose: str
    paper_ref: str


@dataclass(frozen=True)
class AgencyAttendance:
    meeting_id: int
    number: int
    meeting_date: date
    status: str  # the best status of its people at that meeting, or NOT_RECORDED


@dataclass(frozen=True)
class LedCommitment:
    commitment_id: int
    title: str
    status: str
    next_review: date | None


@dataclass(frozen=True)
class LedForum:
    forum_id: int
    forum: str
    priority: str


@dataclass(frozen=True)
class Secondee:
    secondment_id: int
    person: str
    start: date
    end: date
    status: str


@dataclass(frozen=True)
class OwnedBudgetLine:
    budget_line_id: int
    description: str
    forum: str
    revised: Decimal  # revised budget for the fiscal year


@dataclass(frozen=True)
class AgencyView:
    agency_id: int
    code: str
    name: str
    as_at: date
    fiscal_year_label: str
    next_meeting_id: int | None
    next_meeting_date: date | None
    actions: tuple[AgencyAction, ...]  # overdue first, then by due date
    agenda: tuple[AgencyAgendaItem, ...]  # items it leads at the next meeting
    attendance: tuple[AgencyAttendance, ...]  # the last RECORD_MEETINGS meetings held, oldest first
    commitments: tuple[LedCommitment, ...]
    forums: tuple[LedForum, ...]
    secondees: tuple[Secondee, ...]
    budget_lines: tuple[OwnedBudgetLine, ...]  # of the fiscal year

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def agency_choices(session: Session) -> tuple[tuple[int, str], ...]:
    """(id, "CODE — name") of every agency with a code, the ones a liaison would pick from."""
    rows = session.execute(
        sa.select(Organisation.id, Organisation.code, Organisation.name)
        .where(Organisation.code.is_not(None), Organisation.archived.is_(sa.false()))
        .order_by(Organisation.code)
    )
    return tuple((r.id, f"{r.code} — {r.name}") for r in rows)


def coded_agencies(session: Session) -> tuple[tuple[str, str], ...]:
    """(code, name) of every government agency with a code: whom an action-update workbook can be made for."""
    rows = session.execute(
        sa.select(Organisation.code, Organisation.name)
        .where(
            Organisation.code.is_not(None),
            Organisation.org_type == OrgType.AGENCY,
            Organisation.archived.is_(sa.false()),
        )
        .order_by(Organisation.code)
    )
    return tuple((str(code), str(name)) for code, name in rows)


def agency_view(session: Session, agency_id: int, as_at: date) -> AgencyView:
    calendar = load_settings(session).calendar
    fy = calendar.fiscal_year_of(as_at)
    agency = session.get_one(Organisation, agency_id)
    actions = tuple(
        AgencyAction(r.id, r.ref, r.description, r.full_name or "", r.due_date, r.status.label, r.due_date < as_at)
        for r in session.execute(
            sa.select(Action.id, Action.ref, Action.description, Person.full_name, Action.due_date, Action.status)
            .outerjoin(Person, Person.id == Action.owner_person_id)
            .where(
                Action.owner_agency_id == agency_id,
                Action.status.in_(CARRIED_FORWARD),
                Action.archived.is_(sa.false()),
            )
            .order_by((Action.due_date < as_at).desc(), Action.due_date, Action.ref)
        )
    )
    next_meeting = next_scheduled_meeting(session, as_at)
    agenda: tuple[AgencyAgendaItem, ...] = ()
    if next_meeting is not None:
        agenda = tuple(
            AgencyAgendaItem(next_meeting.id, r.position, r.title, r.purpose.label, r.paper_ref)
            for r in session.execute(
                sa.select(AgendaItem.position, AgendaItem.title, AgendaItem.purpose, AgendaItem.paper_ref)
                .where(AgendaItem.meeting_id == next_meeting.id, AgendaItem.lead_agency_id == agency_id)
                .order_by(AgendaItem.position)
            )
        )
    # Present beats alternate beats in attendance beats apology when an agency sent several people.
    rank = sa.case(
        (Attendance.status == "PRESENT", 4),
        (Attendance.status == "ALTERNATE", 3),
        (Attendance.status == "IN_ATTENDANCE", 2),
        else_=1,
    )
    best = (
        sa.select(Attendance.meeting_id, sa.func.max(rank).label("rank"))
        .where(Attendance.organisation_id == agency_id)
        .group_by(Attendance.meeting_id)
        .subquery("best")
    )
    labels = {4: "Present", 3: "Alternate", 2: "In attendance", 1: "Apology"}
    recent = session.execute(
        sa.select(Meeting.id, Meeting.number, Meeting.meeting_date, best.c.rank)
        .outerjoin(best, best.c.meeting_id == Meeting.id)
        .where(Meeting.status == MeetingStatus.HELD, Meeting.meeting_date <= as_at, Meeting.archived.is_(sa.false()))
        .order_by(Meeting.meeting_date.desc(), Meeting.id.desc())
        .limit(RECORD_MEETINGS)
    ).all()
    attendance = tuple(
        AgencyAttendance(r.id, r.number, r.meeting_date, labels[r.rank] if r.rank is not None else NOT_RECORDED)
        for r in reversed(recent)
    )
    commitments = tuple(
        LedCommitment(r.id, r.title, r.status.label, r.next_review_date)
        for r in session.execute(
            sa.select(Commitment.id, Commitment.title, Commitment.status, Commitment.next_review_date)
            .where(
                Commitment.lead_agency_id == agency_id,
                Commitment.status.not_in(CLOSED_COMMITMENT),
                Commitment.archived.is_(sa.false()),
            )
            .order_by(Commitment.next_review_date.is_(None), Commitment.next_review_date, Commitment.title)
        )
    )
    forums = tuple(
        LedForum(r.id, r.acronym or r.full_name, r.priority.label)
        for r in session.execute(
            sa.select(Forum.id, Forum.acronym, Forum.full_name, Forum.priority)
            .where(Forum.lead_agency_id == agency_id, Forum.archived.is_(sa.false()))
            .order_by(Forum.priority, Forum.acronym)
        )
    )
    end = sa.func.coalesce(Secondment.actual_end_date, Secondment.planned_end_date)
    secondees = tuple(
        Secondee(r.id, r.full_name, r.start_date, r.end, r.status.label)
        for r in session.execute(
            sa.select(Secondment.id, Person.full_name, Secondment.start_date, end.label("end"), Secondment.status)
            .join(Person, Person.id == Secondment.person_id)
            .where(
                Secondment.home_organisation_id == agency_id,
                Secondment.status.in_(_LIVE_SECONDMENT),
                Secondment.archived.is_(sa.false()),
            )
            .order_by(end, Person.full_name)
        )
    )
    revised = sa.type_coerce(sa.func.coalesce(sa.func.sum(BudgetMonth.revised), 0), Money())
    budget_lines = tuple(
        OwnedBudgetLine(r.id, r.description, (r.acronym or r.full_name) if r.forum_id is not None else "", r.revised)
        for r in session.execute(
            sa.select(
                BudgetLine.id,
                BudgetLine.description,
                BudgetLine.forum_id,
                Forum.acronym,
                Forum.full_name,
                revised.label("revised"),
            )
            .outerjoin(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
            .outerjoin(Forum, Forum.id == BudgetLine.forum_id)
            .where(BudgetLine.owner_agency_id == agency_id, BudgetLine.fiscal_year == fy)
            .group_by(BudgetLine.id, BudgetLine.description, BudgetLine.forum_id, Forum.acronym, Forum.full_name)
            .order_by(BudgetLine.description, BudgetLine.id)
        )
    )
    return AgencyView(
        agency_id=agency.id,
        code=agency.code or "",
        name=agency.name,
        as_at=as_at,
        fiscal_year_label=calendar.label(fy),
        next_meeting_id=next_meeting.id if next_meeting is not None else None,
        next_meeting_date=next_meeting.meeting_date if next_meeting is not None else None,
        actions=actions,
        agenda=agenda,
        attendance=attendance,
        commitments=commitments,
        forums=forums,
        secondees=secondees,
        budget_lines=budget_lines,
    )
