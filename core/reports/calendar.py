"""The forward calendar: forum events and engagement-group meetings of the current and next fiscal year."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from core.domain.fiscal import meeting_title
from core.domain.forums import DatePrecision, EventStatus, Forum, ForumEvent
from core.domain.meetings import EngagementGroup, Meeting, MeetingStatus
from core.domain.organisations import Organisation
from core.domain.reference import Marking, Office
from core.reports.lists import marking_scheme
from core.services.office import load_settings

__all__ = ["CalendarEntry", "CalendarReport", "EntryStatus", "forward_calendar"]

EntryStatus = Literal["TENTATIVE", "CONFIRMED", "CANCELLED"]

_EVENT_STATUS: dict[EventStatus, EntryStatus] = {
    EventStatus.TENTATIVE: "TENTATIVE",
    EventStatus.CONFIRMED: "CONFIRMED",
    EventStatus.ATTENDED: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
}
_MEETING_STATUS: dict[MeetingStatus, EntryStatus] = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


@dataclass(frozen=True)
class CalendarEntry:
    """One calendar item. Dates are inclusive; `start_time`/`end_time` are the office's local wall-clock times
    (a meeting with a start time), otherwise the item lasts whole days. `month_only`: the dates are known only to
    the month, and `start_date` is the 1st."""

    uid: str
    kind: Literal["forum_event", "meeting"]
    row_id: int
    title: str
    start_date: date
    end_date: date
    start_time: time | None
    end_time: time | None
    month_only: bool
    location: str
    status: EntryStatus
    details: tuple[tuple[str, str], ...]  # (label, value) lines for the description
    marking: str | None
    sequence: int  # bumped by every saved change, so calendar programs take the newer copy
    last_modified: datetime | None


@dataclass(frozen=True)
class CalendarReport:
    office: str
    is_demo: bool
    date_from: date
    date_to: date
    entries: tuple[CalendarEntry, ...]
    left_out_by_marking: int
    marking: str | None  # the highest marking of what is in it (the office default when nothing is marked)


def office_uid_domain(session: Session) -> str:
    """A stable identity for this office's UIDs: derived from when the office was created, so UIDs stay the same
    across exports (a re-import updates instead of duplicating) and differ between offices."""
    created = session.scalar(sa.select(Office.created_at).where(Office.id == 1))
    stamp = created.isoformat() if created is not None else "office"
    return f"{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.cyberdesk.invalid"


def _label(code: str | None, name: str | None) -> str:
    return code or name or ""


def forward_calendar(
    session: Session,
    *,
    as_at: date,
    date_from: date | None = None,
    date_to: date | None = None,
    max_marking_rank: int | None = None,
) -> CalendarReport:
    """Every forum event and group meeting starting in the current or next fiscal year of `as_at` (past ones
    included), or between `date_from` and `date_to` (inclusive) when given; archived rows left out, and rows
    marked above `max_marking_rank` counted in `left_out_by_marking`."""
    settings = load_settings(session)
    calendar = settings.calendar
    this_year = calendar.fiscal_year_of(as_at)
    start = date_from or calendar.start_of(this_year)
    end = date_to or calendar.end_of(this_year + 1)
    domain = office_uid_domain(session)
    ranks = dict(marking_scheme(session))
    default_rank = ranks.get(settings.default_marking or "", min(ranks.values(), default=0))
    labels = {rank: label for label, rank in ranks.items()}

    forum, lead = aliased(Forum), aliased(Organisation)
    events = session.execute(
        sa.select(ForumEvent, forum.acronym, forum.full_name, lead.code, lead.name, Marking.label, Marking.rank)
        .join(forum, ForumEvent.forum_id == forum.id)
        .outerjoin(lead, ForumEvent.lead_agency_id == lead.id)
        .outerjoin(Marking, ForumEvent.marking_id == Marking.id)
        .where(ForumEvent.start_date.between(start, end), ForumEvent.archived.is_(sa.false()))
        .order_by(ForumEvent.start_date, ForumEvent.id)
    )
    entries: list[tuple[CalendarEntry, int]] = []
    for event, acronym, forum_name, lead_code, lead_name, marking, rank in events:
        month_only = event.date_precision == DatePrecision.MONTH
        details = [
            ("Forum", f"{forum_name} ({acronym})" if acronym else forum_name),
            ("Level", event.level.label),
            ("Format", event.event_format.label),
            ("Status", event.status.label),
        ]
        if lead_code or lead_name:
            details.append(("Lead agency", _label(lead_code, lead_name)))
        if event.briefing_due is not None:
            details.append(("Briefing due", event.briefing_due.isoformat()))
        if month_only:
            details.append(("Dates", f"to be confirmed ({event.start_date:%B %Y})"))
        if event.objectives:
            details.append(("Objectives", event.objectives))
        entry = CalendarEntry(
            uid=f"forum-event-{event.id}@{domain}",
            kind="forum_event",
            row_id=event.id,
            title=f"{event.title} (dates TBC)" if month_only else event.title,
            start_date=event.start_date.replace(day=1) if month_only else event.start_date,
            end_date=event.start_date.replace(day=1) if month_only else event.end_date,
            start_time=None,
            end_time=None,
            month_only=month_only,
            location=event.location,
            status=_EVENT_STATUS[event.status],
            details=tuple(details),
            marking=marking or settings.default_marking,
            sequence=max(event.version_id - 1, 0),
            last_modified=event.updated_at,
        )
        entries.append((entry, rank if rank is not None else default_rank))

    group = aliased(EngagementGroup)
    meetings = session.execute(
        sa.select(Meeting, group.name, group.short_name, Marking.label, Marking.rank)
        .join(group, Meeting.group_id == group.id)
        .outerjoin(Marking, Meeting.marking_id == Marking.id)
        .where(Meeting.meeting_date.between(start, end), Meeting.archived.is_(sa.false()))
        .order_by(Meeting.meeting_date, Meeting.id)
    )
    for meeting, group_name, short_name, marking, rank in meetings:
        timed = meeting.start_time is not None
        title = f"{short_name or group_name}: {meeting_title(meeting.number, calendar, meeting.meeting_date)}"
        entry = CalendarEntry(
            uid=f"meeting-{meeting.id}@{domain}",
            kind="meeting",
            row_id=meeting.id,
            title=title,
            start_date=meeting.meeting_date,
            end_date=meeting.meeting_date,
            start_time=meeting.start_time,
            end_time=meeting.end_time if timed else None,
            month_only=False,
            location=meeting.venue,
            status=_MEETING_STATUS[meeting.status],
            details=(("Group", group_name), ("Status", meeting.status.label)),
            marking=marking or settings.default_marking,
            sequence=max(meeting.version_id - 1, 0),
            last_modified=meeting.updated_at,
        )
        entries.append((entry, rank if rank is not None else default_rank))

    kept = [(e, r) for e, r in entries if max_marking_rank is None or r <= max_marking_rank]
    kept.sort(key=lambda pair: (pair[0].start_date, pair[0].start_time or time.min, pair[0].title, pair[0].uid))
    highest = max((r for _, r in kept), default=None)
    stamp = labels.get(highest) if highest is not None and highest > default_rank else settings.default_marking
    return CalendarReport(
        office=settings.name,
        is_demo=settings.is_demo,
        date_from=start,
        date_to=end,
        entries=tuple(e for e, _ in kept),
        left_out_by_marking=len(entries) - len(kept),
        marking=stamp,
    )
