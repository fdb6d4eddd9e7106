"""Engagement-group meeting use cases: prepare the next meeting, order the agenda, attendance and the minutes."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.base import utcnow
from core.domain.fiscal import FiscalCalendar, add_working_days, meeting_title
from core.domain.meetings import (
    CARRIED_FORWARD,
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    EngagementGroup,
    GroupMembership,
    Meeting,
    MeetingStatus,
    MembershipRole,
    MinutesStatus,
    Paper,
)
from core.services.office import load_settings
from core.services.records import (
    MINUTES_REOPEN_REASON,
    RecordNotFound,
    create_record,
    delete_record,
    get_for_update,
    update_record,
)
from core.services.validation import ValidationError

__all__ = [
    "AgendaSlot",
    "MeetingRefused",
    "PreparedMeeting",
    "add_agenda_item",
    "add_attendee",
    "agenda_schedule",
    "carried_forward_action_ids",
    "circulate_minutes",
    "confirm_minutes",
    "edit_minutes",
    "move_agenda_item",
    "next_action_ref",
    "next_decision_ref",
    "next_meeting_after",
    "pack_deadline",
    "prepare_next_meeting",
    "record_alternate",
    "remove_agenda_item",
    "reopen_minutes",
    "set_attendance_status",
]

# A standing item that names the previous meeting's minutes is retitled for each new meeting.
MINUTES_ITEM_PREFIX = "Minutes of "


class MeetingRefused(Exception):
    """A meeting step the group's rules do not allow; the message is fit to show to the user."""


@dataclass(frozen=True)
class PreparedMeeting:
    """What "prepare next meeting" did: the meeting opened or created and what it was given."""

    meeting_id: int
    created: bool
    number: int
    title: str
    meeting_date: date
    pack_due: date
    standing_items_added: int
    attendees_added: int
    carried_action_ids: tuple[int, ...]


@dataclass(frozen=True)
class AgendaSlot:
    """One agenda item's place in the running order; `over_time` when it ends after the meeting's end time."""

    start: time | None
    end: time | None
    over_time: bool


def _calendar_of(session: Session) -> FiscalCalendar:
    return load_settings(session).calendar


def _group(session: Session, group_id: int) -> EngagementGroup:
    group = session.get(EngagementGroup, group_id)
    if group is None:
        raise RecordNotFound(f"Engagement group {group_id} no longer exists.")
    return group


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise RecordNotFound(f"Meeting {meeting_id} no longer exists.")
    return meeting


def pack_deadline(meeting_date: date, lead_days: int) -> date:
    """The day the pack must circulate: `lead_days` working days before the meeting."""
    return add_working_days(meeting_date, -lead_days)


def _same_week_and_weekday(previous: date, months: int) -> date:
    """`months` after `previous`, on the same weekday and week of the month (the third Thursday stays the third
    Thursday), so that a series keeps the slot members keep free; a fifth weekday becomes the month's last."""
    month_index = previous.year * 12 + previous.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    week = (previous.day - 1) // 7
    first = date(year, month, 1)
    offset = (previous.weekday() - first.weekday()) % 7
    day = 1 + offset + 7 * week
    last_day = _calendar.monthrange(year, month)[1]
    while day > last_day:
        day -= 7
    return date(year, month, day)


def _next_scheduled(session: Session, group_id: int, today: date) -> Meeting | None:
    return session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.group_id == group_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.meeting_date >= today,
            Meeting.archived.is_(False),
        )
        .order_by(Meeting.meeting_date, Meeting.id)
        .limit(1)
    ).first()


def _latest(session: Session, group_id: int, before: date | None = None) -> Meeting | None:
    query = sa.select(Meeting).where(Meeting.group_id == group_id)
    if before is not None:
        query = query.where(Meeting.meeting_date < before, Meeting.status != MeetingStatus.CANCELLED)
    return session.scalars(query.order_by(Meeting.meeting_date.desc(), Meeting.id.desc()).limit(1)).first()


def _quarter_clash(session: Session, group_id: int, fiscal_year: int, quarter: int) -> Meeting | None:
    return session.scalars(
        sa.select(Meeting).where(
            Meeting.group_id == group_id, Meeting.fiscal_year == fiscal_year, Meeting.fiscal_quarter == quarter
        )
    ).first()


def carried_forward_action_ids(session: Session, group_id: int, meeting_date: date) -> tuple[int, ...]:
    """The group's actions raised before a meeting on `meeting_date` and still open, in progress or deferred:
    the same records the meeting carries forward (nothing is copied)."""
    raised = sa.select(Meeting.meeting_date).where(Meeting.id == Action.raised_at_meeting_id).scalar_subquery()
    rows = session.scalars(
        sa.select(Action.id)
        .where(
            Action.group_id == group_id,
            Action.archived.is_(False),
            Action.status.in_(CARRIED_FORWARD),
            raised < meeting_date,
        )
        .order_by(Action.due_date, Action.ref)
    ).all()
    return tuple(int(r) for r in rows)


def prepare_next_meeting(session: Session, group_id: int, *, today: date, actor: str | None = None) -> PreparedMeeting:
    """Open the group's next scheduled meeting, or create it a cadence after the latest one.

    A new meeting is numbered next and gets the previous meeting's standing agenda items and a draft attendance
    list (chair, secretariat and the liaison of every agency that is a member on the day). An existing scheduled
    meeting with no agenda or no attendance yet is given them the same way. Open actions are not copied: they
    carry forward as the same records. A group never has two meetings in one fiscal quarter."""
    if actor:
        session.info["actor"] = actor
    group = _group(session, group_id)
    cal = _calendar_of(session)
    meeting = _next_scheduled(session, group_id, today)
    created = meeting is None
    if meeting is None:
        previous = _latest(session, group_id)
        if previous is None:
            raise MeetingRefused(
                "This group has no meetings yet: add its first meeting with its date, then prepare the next one."
            )
        when = _same_week_and_weekday(previous.meeting_date, group.cadence_months)
        while when < today:  # a series left idle resumes at its next slot, not in the past
            when = _same_week_and_weekday(when, group.cadence_months)
        fiscal_year, quarter = cal.fiscal_year_of(when), cal.quarter_of(when)
        clash = _quarter_clash(session, group_id, fiscal_year, quarter)
        if clash is not None:
            raise MeetingRefused(
                f"{meeting_title(clash.number, cal, clash.meeting_date)} is already in "
                f"{cal.quarter_label(fiscal_year, quarter)}; a group meets at most once a quarter."
            )
        number = int(session.scalar(sa.select(sa.func.max(Meeting.number)).where(Meeting.group_id == group_id)) or 0)
        meeting = create_record(
            session,
            Meeting,
            {
                "group_id": group_id,
                "number": number + 1,
                "meeting_date": when,
                "start_time": previous.start_time,
                "end_time": previous.end_time,
                "venue": previous.venue or group.default_venue,
                "status": MeetingStatus.SCHEDULED,
                "minutes_status": MinutesStatus.DRAFT,
                "marking_id": previous.marking_id,
            },
        )
    items_added = _copy_standing_items(session, meeting, cal)
    attendees_added = _draft_attendance(session, group, meeting)
    return PreparedMeeting(
        meeting_id=meeting.id,
        created=created,
        number=meeting.number,
        title=meeting_title(meeting.number, cal, meeting.meeting_date),
        meeting_date=meeting.meeting_date,
        pack_due=pack_deadline(meeting.meeting_date, group.pack_lead_days),
        standing_items_added=items_added,
        attendees_added=attendees_added,
        carried_action_ids=carried_forward_action_ids(session, group_id, meeting.meeting_date),
    )


def _agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _copy_standing_items(session: Session, meeting: Meeting, cal: FiscalCalendar) -> int:
    if _agenda(session, meeting.id):
        return 0
    previous = _latest(session, meeting.group_id, before=meeting.meeting_date)
    if previous is None:
        return 0
    previous_title = meeting_title(previous.number, cal, previous.meeting_date)
    standing = [item for item in _agenda(session, previous.id) if item.is_standing]
    for position, item in enumerate(standing, start=1):
        title = item.title
        if title.startswith(MINUTES_ITEM_PREFIX):
            title = f"{MINUTES_ITEM_PREFIX}{previous_title}"
        create_record(
            session,
            AgendaItem,
            {
                "meeting_id": meeting.id,
                "position": position,
                "title": title,
                "purpose": item.purpose,
                "lead_agency_id": item.lead_agency_id,
                "presenter_person_id": item.presenter_person_id,
                "minutes_allotted": item.minutes_allotted,
                "is_standing": True,
                "marking_id": item.marking_id,
            },
        )
    return len(standing)


def _draft_attendance(session: Session, group: EngagementGroup, meeting: Meeting) -> int:
    """Chair, secretariat and each member agency's liaison, expected to attend (PRESENT until the meeting is held
    and the secretariat records who came)."""
    existing = session.scalar(
        sa.select(sa.func.count()).select_from(Attendance).where(Attendance.meeting_id == meeting.id)
    )
    if existing:
        return 0
    when = meeting.meeting_date
    wanted: list[tuple[int, int, str]] = []
    if group.chair_person_id is not None and group.chair_agency_id is not None:
        wanted.append((group.chair_agency_id, group.chair_person_id, "Chair"))
    if group.secretariat_person_id is not None and group.secretariat_agency_id is not None:
        wanted.append((group.secretariat_agency_id, group.secretariat_person_id, "Secretariat"))
    memberships = session.scalars(
        sa.select(GroupMembership)
        .where(
            GroupMembership.group_id == group.id,
            GroupMembership.start_date <= when,
            sa.or_(GroupMembership.end_date.is_(None), GroupMembership.end_date >= when),
            GroupMembership.liaison_person_id.is_not(None),
        )
        .order_by(GroupMembership.id)
    )
    for membership in memberships:
        role = "Member" if membership.role is MembershipRole.MEMBER else "Observer"
        assert membership.liaison_person_id is not None
        wanted.append((membership.organisation_id, membership.liaison_person_id, role))
    seen: set[int] = set()
    for organisation_id, person_id, role in wanted:
        if person_id in seen:
            continue
        seen.add(person_id)
        create_record(
            session,
            Attendance,
            {
                "meeting_id": meeting.id,
                "organisation_id": organisation_id,
                "person_id": person_id,
                "role": role,
                "status": AttendanceStatus.PRESENT,
            },
        )
    return len(seen)


# --- agenda ---------------------------------------------------------------------------------------------------


def move_agenda_item(
    session: Session, item_id: int, to_position: int, *, expected_version: int | None = None
) -> tuple[int, ...]:
    """Move an item to `to_position` (1-based, clamped to the agenda) and renumber the agenda 1..n; returns the
    item ids in their new order. Only items whose position changed are written (and audited)."""
    item = get_for_update(session, AgendaItem, item_id)
    version = item.version_id if expected_version is None else expected_version
    items = _agenda(session, item.meeting_id)
    items.remove(item)
    index = min(max(to_position, 1), len(items) + 1) - 1
    items.insert(index, item)
    _renumber(session, items, {item_id: version})
    return tuple(i.id for i in items)


def _renumber(session: Session, items: Sequence[AgendaItem], versions: dict[int, int] | None = None) -> None:
    versions = versions or {}
    for position, item in enumerate(items, start=1):
        if item.position != position:
            update_record(session, AgendaItem, item.id, versions.get(item.id, item.version_id), {"position": position})


def add_agenda_item(session: Session, meeting_id: int, values: dict[str, Any]) -> AgendaItem:
    """Add an item at the end of the agenda (or at values["position"], moving later items down)."""
    _meeting(session, meeting_id)
    items = _agenda(session, meeting_id)
    wanted = values.get("position")
    item = create_record(session, AgendaItem, {**values, "meeting_id": meeting_id, "position": len(items) + 1})
    if isinstance(wanted, int) and wanted <= len(items):
        move_agenda_item(session, item.id, wanted)
    return item


def remove_agenda_item(session: Session, item_id: int, expected_version: int) -> None:
    """Delete an item nothing refers to and close the gap it leaves."""
    item = get_for_update(session, AgendaItem, item_id)
    meeting_id = item.meeting_id
    delete_record(session, AgendaItem, item_id, expected_version)
    _renumber(session, _agenda(session, meeting_id))


def agenda_schedule(start: time | None, end: time | None, minutes: Sequence[int]) -> tuple[AgendaSlot, ...]:
    """Running start and end times from the meeting's start and each item's minutes; without a start time
    there are none. An item is over time when it ends after the meeting's end time."""
    if start is None:
        return tuple(AgendaSlot(None, None, False) for _ in minutes)
    day = date(2000, 1, 1)  # any day: only the time of day is shown, and a meeting never runs past midnight
    clock = datetime.combine(day, start)
    finish = datetime.combine(day, end) if end is not None else None
    slots: list[AgendaSlot] = []
    for allotted in minutes:
        ends = clock + timedelta(minutes=allotted)
        slots.append(AgendaSlot(clock.time(), ends.time(), finish is not None and ends > finish))
        clock = ends
    return tuple(slots)


# --- attendance -----------------------------------------------------------------------------------------------


def set_attendance_status(
    session: Session, attendance_id: int, expected_version: int, status: AttendanceStatus
) -> None:
    """Present or apology (an alternate names who attends, see record_alternate)."""
    row = get_for_update(session, Attendance, attendance_id)
    if status is AttendanceStatus.ALTERNATE and row.alternate_for_person_id is None:
        raise ValidationError({"status": "Name the person attending as the alternate (Alternate attends…)."})
    changes: dict[str, Any] = {"status": status}
    if status is not AttendanceStatus.ALTERNATE and row.alternate_for_person_id is not None:
        # Back from an alternate to the member themselves.
        changes.update(person_id=row.alternate_for_person_id, alternate_for_person_id=None)
    if status is not AttendanceStatus.IN_ATTENDANCE:
        changes["agenda_item_id"] = None
    update_record(session, Attendance, attendance_id, expected_version, changes)


def record_alternate(session: Session, attendance_id: int, expected_version: int, alternate_person_id: int) -> None:
    """Someone attends for the member on this row: the row becomes the alternate's, "for" the member."""
    row = get_for_update(session, Attendance, attendance_id)
    member = row.alternate_for_person_id or row.person_id
    if alternate_person_id == member:
        raise ValidationError({"person_id": "An alternate attends for someone else; choose another person."})
    update_record(
        session,
        Attendance,
        attendance_id,
        expected_version,
        {"status": AttendanceStatus.ALTERNATE, "person_id": alternate_person_id, "alternate_for_person_id": member},
    )


def add_attendee(
    session: Session,
    meeting_id: int,
    organisation_id: int,
    person_id: int,
    *,
    status: AttendanceStatus = AttendanceStatus.IN_ATTENDANCE,
    role: str = "",
    agenda_item_id: int | None = None,
) -> Attendance:
    """Add someone to a meeting's attendance, e.g. a guest in attendance for one item."""
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting_id:
            raise ValidationError({"agenda_item_id": "Choose an item of this meeting's agenda."})
    already = session.scalar(
        sa.select(Attendance.id).where(Attendance.meeting_id == meeting_id, Attendance.person_id == person_id)
    )
    if already is not None:
        raise ValidationError({"person_id": "This person is already on the attendance list."})
    return create_record(
        session,
        Attendance,
        {
            "meeting_id": meeting_id,
            "organisation_id": organisation_id,
            "person_id": person_id,
            "status": status,
            "role": role,
            "agenda_item_id": agenda_item_id,
        },
    )


# --- minutes --------------------------------------------------------------------------------------------------


def edit_minutes(session: Session, meeting_id: int, expected_version: int, text: str) -> None:
    """Save the minutes text; confirmed minutes are locked (the records service refuses the change)."""
    update_record(session, Meeting, meeting_id, expected_version, {"minutes": text})


def circulate_minutes(session: Session, meeting_id: int, expected_version: int) -> None:
    meeting = _meeting(session, meeting_id)
    if meeting.minutes_status is not MinutesStatus.DRAFT:
        raise MeetingRefused(f"These minutes are already {meeting.minutes_status.label.lower()}.")
    if not meeting.minutes.strip():
        raise MeetingRefused("Write the minutes before circulating them.")
    update_record(session, Meeting, meeting_id, expected_version, {"minutes_status": MinutesStatus.CIRCULATED})


def next_meeting_after(session: Session, meeting_id: int) -> Meeting | None:
    """The group's next meeting (not cancelled): the one that confirms this one's minutes."""
    meeting = _meeting(session, meeting_id)
    return session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.group_id == meeting.group_id,
            Meeting.meeting_date > meeting.meeting_date,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.meeting_date, Meeting.id)
        .limit(1)
    ).first()


def confirm_minutes(session: Session, meeting_id: int, expected_version: int, at_meeting_id: int) -> None:
    """Record that a later meeting of the group adopted these minutes; from then on they are locked."""
    meeting = _meeting(session, meeting_id)
    at = _meeting(session, at_meeting_id)
    if meeting.minutes_status is MinutesStatus.CONFIRMED:
        raise MeetingRefused("These minutes are already confirmed.")
    if meeting.minutes_status is not MinutesStatus.CIRCULATED:
        raise MeetingRefused("Circulate the minutes to members before a meeting confirms them.")
    if at.group_id != meeting.group_id or at.meeting_date <= meeting.meeting_date:
        raise MeetingRefused("Minutes are confirmed at a later meeting of the same group.")
    update_record(
        session,
        Meeting,
        meeting_id,
        expected_version,
        {"minutes_status": MinutesStatus.CONFIRMED, "minutes_confirmed_at_meeting_id": at_meeting_id},
    )


def reopen_minutes(session: Session, meeting_id: int, expected_version: int, reason: str) -> None:
    """Unlock confirmed minutes for correction. The reason is required and kept in the audit trail (and the
    meeting's notes), since confirmed minutes are the group's agreed record."""
    meeting = _meeting(session, meeting_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for reopening confirmed minutes."})
    if meeting.minutes_status is not MinutesStatus.CONFIRMED:
        raise MeetingRefused("Only confirmed minutes are reopened; these can be edited as they are.")
    actor = str(session.info.get("actor") or "")
    line = f"Minutes reopened {utcnow():%Y-%m-%d}{' by ' + actor if actor else ''}: {reason}"
    notes = f"{meeting.notes}\n{line}" if meeting.notes else line
    session.info[MINUTES_REOPEN_REASON] = reason
    try:
        update_record(
            session,
            Meeting,
            meeting_id,
            expected_version,
            {
                "minutes_status": MinutesStatus.DRAFT,
                "minutes_confirmed_at_meeting_id": None,
                "notes": notes[-4000:],
            },
        )
    finally:
        session.info.pop(MINUTES_REOPEN_REASON, None)


# --- outcomes -------------------------------------------------------------------------------------------------


def _next_ref(session: Session, column: Any, meeting_column: Any, meeting_id: int, prefix: str, width: int) -> str:
    refs = session.scalars(sa.select(column).where(meeting_column == meeting_id)).all()
    numbers = [int(tail) for ref in refs if (tail := str(ref).rsplit(".", 1)[-1]).isdigit()]
    return f"{prefix}.{(max(numbers, default=0) + 1):0{width}d}"


def next_action_ref(session: Session, meeting_id: int) -> str:
    """`A13.04`: the meeting's number and the next action number raised there."""
    meeting = _meeting(session, meeting_id)
    return _next_ref(session, Action.ref, Action.raised_at_meeting_id, meeting_id, f"A{meeting.number:02d}", 2)


def next_decision_ref(session: Session, meeting_id: int) -> str:
    meeting = _meeting(session, meeting_id)
    return _next_ref(session, Decision.ref, Decision.meeting_id, meeting_id, f"D{meeting.number:02d}", 1)


def new_action_values(session: Session, meeting_id: int, agenda_item_id: int | None) -> dict[str, Any]:
    """The values an action raised at a meeting (from one of its items) starts with: the next ref, the meeting's
    date, the item's lead agency as owner, due four weeks later."""
    meeting = _meeting(session, meeting_id)
    item = session.get(AgendaItem, agenda_item_id) if agenda_item_id is not None else None
    values: dict[str, Any] = {
        "group_id": meeting.group_id,
        "ref": next_action_ref(session, meeting_id),
        "raised_at_meeting_id": meeting_id,
        "agenda_item_id": agenda_item_id,
        "raised_on": meeting.meeting_date,
        "due_date": meeting.meeting_date + timedelta(days=28),
        "status": ActionStatus.OPEN,
        "marking_id": meeting.marking_id,
    }
    if item is not None:
        values.update(owner_agency_id=item.lead_agency_id, forum_id=item.forum_id, forum_event_id=item.forum_event_id)
    return values


def new_paper_values(session: Session, meeting_id: int, agenda_item_id: int | None) -> dict[str, Any]:
    """A paper for an agenda item starts with the item's paper ref (or the meeting's next), title, lead agency,
    purpose and marking."""
    meeting = _meeting(session, meeting_id)
    group = _group(session, meeting.group_id)
    count = session.scalar(sa.select(sa.func.count()).select_from(Paper).where(Paper.meeting_id == meeting_id)) or 0
    short = group.short_name or "P"
    values: dict[str, Any] = {
        "meeting_id": meeting_id,
        "agenda_item_id": agenda_item_id,
        "ref": f"{short}/M{meeting.number:02d}/P{count + 1}",
        "marking_id": meeting.marking_id,
    }
    item = session.get(AgendaItem, agenda_item_id) if agenda_item_id is not None else None
    if item is not None:
        values.update(
            title=item.title,
            owning_agency_id=item.lead_agency_id,
            purpose=item.purpose,
            marking_id=item.marking_id or meeting.marking_id,
        )
        if item.paper_ref:
            values["ref"] = item.paper_ref
    return values


def new_decision_values(session: Session, meeting_id: int, agenda_item_id: int | None) -> dict[str, Any]:
    meeting = _meeting(session, meeting_id)
    item = session.get(AgendaItem, agenda_item_id) if agenda_item_id is not None else None
    values: dict[str, Any] = {
        "meeting_id": meeting_id,
        "agenda_item_id": agenda_item_id,
        "ref": next_decision_ref(session, meeting_id),
        "marking_id": meeting.marking_id,
    }
    if item is not None:
        # The paper put to the group under this item is what the decision was taken on.
        paper = session.scalar(sa.select(Paper.id).where(Paper.agenda_item_id == item.id).order_by(Paper.id).limit(1))
        values.update(forum_id=item.forum_id, forum_event_id=item.forum_event_id, paper_id=paper)
    return values
