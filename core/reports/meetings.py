"""Read models of the meeting workspace: a group's meetings, agenda times, attendance, outcomes and links back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.domain.fiscal import FiscalCalendar, meeting_title
from core.domain.meetings import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    EngagementGroup,
    GroupMembership,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Paper,
)
from core.domain.organisations import Organisation, Person
from core.domain.reference import Marking
from core.services.meetings import agenda_schedule, carried_forward_action_ids, next_meeting_after, pack_deadline
from core.services.office import load_settings
from core.services.rag import action_rag
from core.services.records import RecordNotFound

__all__ = [
    "LINKABLE",
    "NOT_A_MEMBER",
    "ActionRow",
    "AgendaRow",
    "AttendanceMatrix",
    "AttendanceRow",
    "DecisionRow",
    "LinkedOutcome",
    "MeetingDetail",
    "MeetingRow",
    "PaperRow",
    "action_rows",
    "agenda_rows",
    "attendance_matrix",
    "attendance_rows",
    "carried_actions",
    "decision_rows",
    "group_meetings",
    "links_to",
    "meeting_detail",
    "open_for_meetings",
    "paper_rows",
]


@dataclass(frozen=True)
class MeetingRow:
    id: int
    number: int
    title: str
    meeting_date: date
    status: str
    minutes_status: str


@dataclass(frozen=True)
class MeetingDetail:
    id: int
    version: int
    group_id: int
    group_name: str
    number: int
    title: str
    meeting_date: date
    start_time: time | None
    end_time: time | None
    venue: str
    status: MeetingStatus
    minutes_status: MinutesStatus
    minutes: str
    confirmed_at: str  # the title of the meeting that confirmed the minutes, or ""
    next_meeting_id: int | None
    next_meeting_title: str
    pack_due: date
    marking: str


@dataclass(frozen=True)
class AgendaRow:
    id: int
    version: int
    position: int
    title: str
    purpose: str
    lead_agency: str
    presenter: str
    paper_ref: str
    minutes: int
    start: time | None
    end: time | None
    over_time: bool
    standing: bool
    marking: str


@dataclass(frozen=True)
class AttendanceRow:
    id: int
    version: int
    organisation_id: int
    agency: str
    person: str
    role: str
    status: AttendanceStatus
    status_label: str  # "Expected" for a meeting not yet held
    alternate_for: str
    for_item: str


@dataclass(frozen=True)
class AttendanceMatrix:
    """Agency × meeting for a fiscal year. A cell is the agency's best status there ("Present", "Alternate",
    "In attendance", "Apology"; "Expected" on the draft list of a meeting not yet held), "Absent" for a member
    not recorded at a held meeting, "" for a member not yet listed, NOT_A_MEMBER when it was not a member."""

    meetings: tuple[tuple[int, str, date], ...]  # (number, title, date)
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (agency label, one cell per meeting)
    meeting_ids: tuple[int, ...]


@dataclass(frozen=True)
class PaperRow:
    id: int
    ref: str
    title: str
    owning_agency: str
    purpose: str
    marking: str
    location: str  # where the document is kept; the app holds no copy
    item: str


@dataclass(frozen=True)
class DecisionRow:
    id: int
    ref: str
    meeting: str
    text: str
    item: str


@dataclass(frozen=True)
class ActionRow:
    id: int
    ref: str
    description: str
    owner_agency: str
    owner: str
    raised_at: str
    due: date
    status: str
    rag: str
    open_for: int
    item: str


@dataclass(frozen=True)
class LinkedOutcome:
    """A decision or an action that concerns a forum, commitment, forum event or budget line."""

    kind: str  # "Decision" or "Action"
    id: int
    ref: str
    text: str
    meeting: str
    status: str


# Entities whose records decisions and actions point at, by editor/list name and by table name.
LINKABLE = {
    "forums": "forum_id",
    "forum": "forum_id",
    "commitments": "commitment_id",
    "commitment": "commitment_id",
    "events": "forum_event_id",
    "forum_event": "forum_event_id",
    "budget": "budget_line_id",
    "budget_line": "budget_line_id",
}

NOT_A_MEMBER = "—"
_STATUS_RANK = {
    AttendanceStatus.PRESENT: 0,
    AttendanceStatus.ALTERNATE: 1,
    AttendanceStatus.IN_ATTENDANCE: 2,
    AttendanceStatus.APOLOGY: 3,
}


def _agency_label(code: str | None, name: str | None) -> str:
    return code or name or ""


def _calendar(session: Session) -> FiscalCalendar:
    return load_settings(session).calendar


def group_meetings(session: Session, group_id: int) -> tuple[MeetingRow, ...]:
    """The group's meetings, latest first (archived ones left out)."""
    cal = _calendar(session)
    rows = session.execute(
        sa.select(Meeting.id, Meeting.number, Meeting.meeting_date, Meeting.status, Meeting.minutes_status)
        .where(Meeting.group_id == group_id, Meeting.archived.is_(False))
        .order_by(Meeting.meeting_date.desc(), Meeting.id.desc())
    ).all()
    return tuple(
        MeetingRow(
            r.id,
            r.number,
            meeting_title(r.number, cal, r.meeting_date),
            r.meeting_date,
            r.status.label,
            r.minutes_status.label,
        )
        for r in rows
    )


def meeting_detail(session: Session, meeting_id: int) -> MeetingDetail:
    cal = _calendar(session)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise RecordNotFound(f"Meeting {meeting_id} no longer exists.")
    group = session.get(EngagementGroup, meeting.group_id)
    assert group is not None
    confirmed_at = ""
    if meeting.minutes_confirmed_at_meeting_id is not None:
        at = session.get(Meeting, meeting.minutes_confirmed_at_meeting_id)
        confirmed_at = meeting_title(at.number, cal, at.meeting_date) if at is not None else ""
    following = next_meeting_after(session, meeting_id)
    marking = session.get(Marking, meeting.marking_id) if meeting.marking_id is not None else None
    return MeetingDetail(
        id=meeting.id,
        version=meeting.version_id,
        group_id=group.id,
        group_name=group.name,
        number=meeting.number,
        title=meeting_title(meeting.number, cal, meeting.meeting_date),
        meeting_date=meeting.meeting_date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        venue=meeting.venue,
        status=meeting.status,
        minutes_status=meeting.minutes_status,
        minutes=meeting.minutes,
        confirmed_at=confirmed_at,
        next_meeting_id=following.id if following is not None else None,
        next_meeting_title=meeting_title(following.number, cal, following.meeting_date) if following else "",
        pack_due=pack_deadline(meeting.meeting_date, group.pack_lead_days),
        marking=marking.label if marking is not None else (load_settings(session).default_marking or ""),
    )


def agenda_rows(session: Session, meeting_id: int) -> tuple[AgendaRow, ...]:
    """The agenda in order with running start times and the over-time flag."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return ()
    lead = aliased(Organisation, name="lead")
    rows = session.execute(
        sa.select(AgendaItem, lead.code, lead.name, Person.full_name, Marking.label)
        .outerjoin(lead, AgendaItem.lead_agency_id == lead.id)
        .outerjoin(Person, AgendaItem.presenter_person_id == Person.id)
        .outerjoin(Marking, AgendaItem.marking_id == Marking.id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    slots = agenda_schedule(meeting.start_time, meeting.end_time, [r[0].minutes_allotted for r in rows])
    return tuple(
        AgendaRow(
            id=item.id,
            version=item.version_id,
            position=item.position,
            title=item.title,
            purpose=item.purpose.label,
            lead_agency=_agency_label(code, name),
            presenter=presenter or "",
            paper_ref=item.paper_ref,
            minutes=item.minutes_allotted,
            start=slot.start,
            end=slot.end,
            over_time=slot.over_time,
            standing=item.is_standing,
            marking=marking or "",
        )
        for (item, code, name, presenter, marking), slot in zip(rows, slots, strict=True)
    )


def attendance_rows(session: Session, meeting_id: int) -> tuple[AttendanceRow, ...]:
    """The meeting's attendance by agency; before the meeting is held, those listed are "Expected"."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return ()
    replaced = aliased(Person, name="replaced")
    rows = session.execute(
        sa.select(
            Attendance, Organisation.code, Organisation.name, Person.full_name, replaced.full_name, AgendaItem.title
        )
        .join(Organisation, Attendance.organisation_id == Organisation.id)
        .join(Person, Attendance.person_id == Person.id)
        .outerjoin(replaced, Attendance.alternate_for_person_id == replaced.id)
        .outerjoin(AgendaItem, Attendance.agenda_item_id == AgendaItem.id)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(
            sa.case((Attendance.role.in_(("Chair", "Secretariat")), 0), else_=1),
            Organisation.code,
            Organisation.name,
            Attendance.id,
        )
    ).all()
    held = meeting.status is MeetingStatus.HELD
    out: list[AttendanceRow] = []
    for row, code, name, person, alternate_for, item in rows:
        label = row.status.label
        if not held and row.status is AttendanceStatus.PRESENT:
            label = "Expected"
        out.append(
            AttendanceRow(
                id=row.id,
                version=row.version_id,
                organisation_id=row.organisation_id,
                agency=_agency_label(code, name),
                person=person,
                role=row.role,
                status=row.status,
                status_label=label,
                alternate_for=alternate_for or "",
                for_item=item or "",
            )
        )
    return tuple(out)


def attendance_matrix(session: Session, group_id: int, fiscal_year: int) -> AttendanceMatrix:
    """Agency × meeting for the group's meetings in a fiscal year (cancelled and archived ones left out): every
    agency that was a member during the year or attended, with its best status at each meeting."""
    meetings = session.execute(
        sa.select(Meeting.id, Meeting.number, Meeting.meeting_date, Meeting.status)
        .where(
            Meeting.group_id == group_id,
            Meeting.fiscal_year == fiscal_year,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.archived.is_(False),
        )
        .order_by(Meeting.meeting_date)
    ).all()
    cal = _calendar(session)
    ids = [m.id for m in meetings]
    best: dict[tuple[int, int], AttendanceStatus] = {}
    for org_id, meeting_id, status in session.execute(
        sa.select(Attendance.organisation_id, Attendance.meeting_id, Attendance.status).where(
            Attendance.meeting_id.in_(ids)
        )
    ):
        known = best.get((org_id, meeting_id))
        if known is None or _STATUS_RANK[status] < _STATUS_RANK[known]:
            best[(org_id, meeting_id)] = status
    start, end = cal.start_of(fiscal_year), cal.end_of(fiscal_year)
    spans = session.execute(
        sa.select(GroupMembership.organisation_id, GroupMembership.start_date, GroupMembership.end_date).where(
            GroupMembership.group_id == group_id,
            GroupMembership.start_date <= end,
            sa.or_(GroupMembership.end_date.is_(None), GroupMembership.end_date >= start),
        )
    ).all()
    agencies = {span.organisation_id for span in spans} | {org for org, _ in best}
    labels = {
        org.id: _agency_label(org.code, org.name)
        for org in session.execute(
            sa.select(Organisation.id, Organisation.code, Organisation.name).where(Organisation.id.in_(agencies))
        )
    }

    def cell(org_id: int, meeting_id: int, on: date, held: bool) -> str:
        status = best.get((org_id, meeting_id))
        if status is not None:
            return "Expected" if status is AttendanceStatus.PRESENT and not held else status.label
        member = any(
            s.organisation_id == org_id and s.start_date <= on and (s.end_date is None or s.end_date >= on)
            for s in spans
        )
        if not member:
            return NOT_A_MEMBER
        return "Absent" if held else ""

    return AttendanceMatrix(
        meetings=tuple((m.number, meeting_title(m.number, cal, m.meeting_date), m.meeting_date) for m in meetings),
        rows=tuple(
            (labels[org], tuple(cell(org, m.id, m.meeting_date, m.status is MeetingStatus.HELD) for m in meetings))
            for org in sorted(agencies, key=lambda o: labels[o].casefold())
        ),
        meeting_ids=tuple(ids),
    )


def open_for_meetings(session: Session, action_id: int, at_meeting_id: int) -> int:
    """DESIGN §4: the group's meetings after the one that raised the action, up to and including `at_meeting_id`."""
    raised = aliased(Meeting, name="raised")
    at = aliased(Meeting, name="at_meeting")
    later = aliased(Meeting, name="later")
    count = session.scalar(
        sa.select(sa.func.count(later.id))
        .select_from(Action)
        .join(raised, Action.raised_at_meeting_id == raised.id)
        .join(at, at.id == at_meeting_id)
        .join(later, later.group_id == Action.group_id)
        .where(
            Action.id == action_id,
            later.status != MeetingStatus.CANCELLED,
            later.meeting_date > raised.meeting_date,
            later.meeting_date <= at.meeting_date,
        )
    )
    return int(count or 0)


def _action_rows(session: Session, where: sa.ColumnElement[bool], as_at: date, at: Meeting | None) -> list[ActionRow]:
    cal = _calendar(session)
    raised = aliased(Meeting, name="raised")
    rows = session.execute(
        sa.select(
            Action,
            Organisation.code,
            Organisation.name,
            Person.full_name,
            raised.number,
            raised.meeting_date,
            AgendaItem.title,
        )
        .join(Organisation, Action.owner_agency_id == Organisation.id)
        .join(raised, Action.raised_at_meeting_id == raised.id)
        .outerjoin(Person, Action.owner_person_id == Person.id)
        .outerjoin(AgendaItem, Action.agenda_item_id == AgendaItem.id)
        .where(where)
        .order_by(Action.due_date, Action.ref)
    ).all()
    return [
        ActionRow(
            id=action.id,
            ref=action.ref,
            description=action.description,
            owner_agency=_agency_label(code, name),
            owner=person or "",
            raised_at=meeting_title(number, cal, raised_on),
            due=action.due_date,
            status=action.status.label,
            rag=action_rag(action, as_at).value,
            open_for=open_for_meetings(session, action.id, at.id) if at is not None else 0,
            item=item or "",
        )
        for action, code, name, person, number, raised_on, item in rows
    ]


def action_rows(session: Session, meeting_id: int, as_at: date) -> tuple[ActionRow, ...]:
    """The actions raised at this meeting, in ref order."""
    meeting = session.get(Meeting, meeting_id)
    rows = _action_rows(session, Action.raised_at_meeting_id == meeting_id, as_at, meeting)
    return tuple(sorted(rows, key=lambda row: row.ref))


def carried_actions(session: Session, meeting_id: int, as_at: date) -> tuple[ActionRow, ...]:
    """The actions this meeting carries forward, each with how many meetings it has been open for."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return ()
    ids = carried_forward_action_ids(session, meeting.group_id, meeting.meeting_date)
    if not ids:
        return ()
    return tuple(_action_rows(session, Action.id.in_(ids), as_at, meeting))


def paper_rows(session: Session, meeting_id: int) -> tuple[PaperRow, ...]:
    """The meeting's papers in ref order, each with its own marking (the office default when it has none)."""
    default = load_settings(session).default_marking or ""
    rows = session.execute(
        sa.select(Paper, Organisation.code, Organisation.name, Marking.label, AgendaItem.title)
        .outerjoin(Organisation, Paper.owning_agency_id == Organisation.id)
        .outerjoin(Marking, Paper.marking_id == Marking.id)
        .outerjoin(AgendaItem, Paper.agenda_item_id == AgendaItem.id)
        .where(Paper.meeting_id == meeting_id)
        .order_by(Paper.ref, Paper.id)
    ).all()
    return tuple(
        PaperRow(
            paper.id,
            paper.ref,
            paper.title,
            _agency_label(code, name),
            paper.purpose.label,
            marking or default,
            paper.location,
            item or "",
        )
        for paper, code, name, marking, item in rows
    )


def decision_rows(session: Session, meeting_id: int) -> tuple[DecisionRow, ...]:
    """The decisions recorded at this meeting, in ref order (the register across meetings is the decisions list)."""
    cal = _calendar(session)
    rows = session.execute(
        sa.select(Decision, Meeting.number, Meeting.meeting_date, AgendaItem.title)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .outerjoin(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(Decision.meeting_id == meeting_id)
        .order_by(Decision.ref, Decision.id)
    ).all()
    return tuple(
        DecisionRow(d.id, d.ref, meeting_title(number, cal, when), d.text, item or "") for d, number, when, item in rows
    )


def links_to(session: Session, entity: str, row_id: int) -> tuple[LinkedOutcome, ...]:
    """The decisions and actions that concern a forum, commitment, forum event or budget line (`entity` by its
    list or table name), newest meeting first: what the record's editor shows as its linked outcomes."""
    column = LINKABLE.get(entity)
    if column is None:
        raise ValueError(
            f"Meeting outcomes do not link to {entity!r}; they link to: forums, commitments, events, budget."
        )
    cal = _calendar(session)
    decisions = session.execute(
        sa.select(Decision.id, Decision.ref, Decision.text, Meeting.number, Meeting.meeting_date)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(getattr(Decision, column) == row_id)
    ).all()
    actions = session.execute(
        sa.select(Action.id, Action.ref, Action.description, Action.status, Meeting.number, Meeting.meeting_date)
        .join(Meeting, Action.raised_at_meeting_id == Meeting.id)
        .where(getattr(Action, column) == row_id, Action.archived.is_(False))
    ).all()
    found = [
        (
            d.meeting_date,
            LinkedOutcome("Decision", d.id, d.ref, d.text, meeting_title(d.number, cal, d.meeting_date), "Decided"),
        )
        for d in decisions
    ] + [
        (
            a.meeting_date,
            LinkedOutcome(
                "Action", a.id, a.ref, a.description, meeting_title(a.number, cal, a.meeting_date), a.status.label
            ),
        )
        for a in actions
    ]
    found.sort(key=lambda pair: (pair[0], pair[1].kind, pair[1].ref), reverse=True)
    return tuple(outcome for _, outcome in found)
