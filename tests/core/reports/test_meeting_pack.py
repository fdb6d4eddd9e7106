"""Tests for the meeting pack read model: which actions carry, how long they have been open, markings and sections."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.domain.commitments import Commitment, CommitmentStatus, CommitmentType, Milestone
from core.domain.fiscal import FiscalCalendar
from core.domain.forums import DatePrecision, DelegationMember, Forum, ForumEvent
from core.domain.meetings import (
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
    Paper,
)
from core.domain.organisations import Organisation, Person
from core.domain.reference import CostCategory, Marking
from core.domain.resources import BudgetLine, BudgetMonth
from core.domain.secondments import Direction, Secondment, SecondmentStatus, SecondmentType
from core.domain.text import name_key
from core.reports.budget import NO_FORUM, budget_by_forum
from core.reports.meeting_pack import (
    SECTIONS,
    MeetingPack,
    PackError,
    build_meeting_pack,
    commitments_horizon,
    resolve_meeting,
)
from core.services.office import initialise_office
from core.services.rag import Rag

AS_AT = date(2025, 8, 15)
HYPERLINK = '=HYPERLINK("http://x","click")'
GENERATED = datetime(2025, 8, 15, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class PackOffice:
    db: Database
    meetings: tuple[int, ...]  # ids of meetings 1-4 (1-3 held, 4 scheduled after AS_AT)
    group: int
    sensitive: int  # the marking id of OFFICIAL: Sensitive
    forum: int
    line: int


def build_pack_office(path: Path) -> PackOffice:
    """A real office with one group: three meetings held before AS_AT and the next one scheduled, a handful of
    actions in each state, an agenda, attendance, papers, a forum event, a commitment, a secondment and a budget."""
    db = open_database(path, create=True)
    initialise_office(db, name="Smith & Jones Cyber Office")
    calendar = FiscalCalendar(7)
    with db.write() as s:
        mfa = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
        legal = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA-LEG")).one()
        sensitive = s.scalars(sa.select(Marking).where(Marking.label == "OFFICIAL: Sensitive")).one()
        forum = s.scalars(sa.select(Forum).order_by(Forum.id)).first()
        category = s.scalars(sa.select(CostCategory).order_by(CostCategory.id)).first()
        assert forum is not None and category is not None
        chair = Person(full_name="Alex Citizen", name_key=name_key("Alex Citizen"), organisation_id=mfa.id)
        liaison = Person(full_name="Robin Law", name_key=name_key("Robin Law"), organisation_id=legal.id)
        deputy = Person(full_name="Sam Deputy", name_key=name_key("Sam Deputy"), organisation_id=legal.id)
        group = EngagementGroup(
            name="Interagency Cyber Engagement Group", name_key="iceg", short_name="ICEG", default_venue="Room 3"
        )
        s.add_all([chair, liaison, deputy, group])
        s.flush()
        group.chair_person_id, group.chair_agency_id = chair.id, mfa.id
        group.secretariat_agency_id = mfa.id
        s.add_all(
            [
                GroupMembership(group_id=group.id, organisation_id=mfa.id, start_date=date(2024, 1, 1)),
                GroupMembership(group_id=group.id, organisation_id=legal.id, start_date=date(2025, 9, 1)),
            ]
        )
        meetings = []
        for number, when in enumerate((date(2025, 1, 15), date(2025, 4, 15), date(2025, 7, 15), date(2025, 10, 15)), 1):
            meetings.append(
                Meeting(
                    group_id=group.id,
                    number=number,
                    meeting_date=when,
                    start_time=time(10, 0),
                    end_time=time(10, 30),
                    fiscal_year=calendar.fiscal_year_of(when),
                    fiscal_quarter=calendar.quarter_of(when),
                    status=MeetingStatus.HELD if when < AS_AT else MeetingStatus.SCHEDULED,
                )
            )
        s.add_all(meetings)
        s.flush()
        m1, m2, m3, m4 = meetings

        def action(ref: str, meeting: Meeting, due: date, status: ActionStatus, **extra: object) -> None:
            s.add(
                Action(
                    group_id=group.id,
                    ref=ref,
                    raised_at_meeting_id=meeting.id,
                    description=extra.pop("description", f"Action {ref}"),
                    owner_agency_id=mfa.id,
                    raised_on=meeting.meeting_date,
                    original_due_date=due,
                    due_date=due,
                    status=status,
                    **extra,
                )
            )

        # Raised two meetings before meeting 4 and still open: "open for 2 meetings", overdue.
        action("A-1", m2, date(2025, 6, 30), ActionStatus.OPEN, owner_person_id=chair.id)
        # Closed before the previous meeting (3): not in meeting 4's log.
        action("A-2", m1, date(2025, 3, 1), ActionStatus.COMPLETE, closed_on=date(2025, 3, 1))
        # Closed since the previous meeting: in the log, open until it closed.
        action("A-3", m2, date(2025, 8, 1), ActionStatus.COMPLETE, closed_on=date(2025, 8, 1))
        # Raised at the previous meeting: new, shown bold.
        action("A-4", m3, date(2025, 12, 1), ActionStatus.IN_PROGRESS, description=HYPERLINK)
        action("A-5", m1, date(2025, 3, 1), ActionStatus.OPEN, archived=True)
        action("A-6", m3, date(2025, 9, 1), ActionStatus.CANCELLED, closed_on=date(2025, 7, 20))
        agenda = [
            AgendaItem(meeting_id=m4.id, position=1, title="Welcome", minutes_allotted=5, lead_agency_id=mfa.id),
            AgendaItem(
                meeting_id=m4.id,
                position=2,
                title="Budget",
                minutes_allotted=20,
                paper_ref="ICEG/M04/P1",
                presenter_person_id=liaison.id,
            ),
            AgendaItem(meeting_id=m4.id, position=3, title="Any other business", minutes_allotted=10),
        ]
        s.add_all(agenda)
        s.flush()
        s.add(
            Paper(
                meeting_id=m4.id,
                agenda_item_id=agenda[1].id,
                ref="ICEG/M04/P1",
                title="Budget snapshot",
                owning_agency_id=mfa.id,
                location="Records system",
            )
        )
        s.add_all(
            [
                Attendance(
                    meeting_id=m3.id, organisation_id=mfa.id, person_id=chair.id, status=AttendanceStatus.PRESENT
                ),
                Attendance(
                    meeting_id=m4.id, organisation_id=mfa.id, person_id=chair.id, role="Chair", status="PRESENT"
                ),
                Attendance(
                    meeting_id=m4.id,
                    organisation_id=legal.id,
                    person_id=deputy.id,
                    status=AttendanceStatus.ALTERNATE,
                    alternate_for_person_id=liaison.id,
                ),
                Attendance(
                    meeting_id=m4.id,
                    organisation_id=legal.id,
                    person_id=liaison.id,
                    status=AttendanceStatus.IN_ATTENDANCE,
                    agenda_item_id=agenda[1].id,
                ),
            ]
        )
        s.add_all(
            [
                Decision(meeting_id=m3.id, ref="D03.1", text="Agreed the plan"),
                Decision(meeting_id=m1.id, ref="D01.1", text="Earlier year's decision"),
            ]
        )
        event = ForumEvent(
            forum_id=forum.id,
            title="Plenary",
            start_date=date(2025, 10, 1),
            end_date=date(2025, 10, 31),
            date_precision=DatePrecision.MONTH,
            location="Vienna",
            lead_agency_id=mfa.id,
        )
        far = ForumEvent(forum_id=forum.id, title="Too far", start_date=date(2026, 6, 1), end_date=date(2026, 6, 2))
        s.add_all([event, far])
        s.flush()
        s.add(DelegationMember(forum_event_id=event.id, person_id=chair.id, is_head=True))
        commitment = Commitment(
            title="MOU with Partner",
            title_key="mou with partner",
            commitment_type=CommitmentType.MOU,
            status=CommitmentStatus.IN_IMPLEMENTATION,
            next_review_date=date(2025, 11, 1),
            expiry_date=date(2026, 3, 1),
            lead_agency_id=mfa.id,
        )
        s.add(commitment)
        s.flush()
        s.add_all(
            [
                Milestone(commitment_id=commitment.id, title="Late step", due_date=date(2025, 8, 1)),
                Milestone(commitment_id=commitment.id, title="Done step", due_date=date(2025, 8, 1), done_date=AS_AT),
                Milestone(commitment_id=commitment.id, title="Distant step", due_date=date(2026, 6, 1)),
                Secondment(
                    person_id=liaison.id,
                    direction=Direction.INWARD,
                    secondment_type=SecondmentType.INTERAGENCY_ROTATION,
                    home_organisation_id=legal.id,
                    start_date=date(2025, 1, 1),
                    planned_end_date=date(2025, 10, 31),
                    original_end_date=date(2025, 10, 31),
                    status=SecondmentStatus.ACTIVE,
                ),
                Secondment(
                    person_id=deputy.id,
                    direction=Direction.OUTWARD,
                    secondment_type=SecondmentType.OUTWARD_TO_IO,
                    home_organisation_id=mfa.id,
                    start_date=date(2025, 9, 1),
                    planned_end_date=date(2026, 8, 31),
                    original_end_date=date(2026, 8, 31),
                    status=SecondmentStatus.APPROVED,
                ),
            ]
        )
        line = BudgetLine(fiscal_year=2026, forum_id=forum.id, category_id=category.id, description="Travel")
        general = BudgetLine(fiscal_year=2026, category_id=category.id, description="Office costs")
        old = BudgetLine(fiscal_year=2025, forum_id=forum.id, category_id=category.id, description="Last year")
        s.add_all([line, general, old])
        s.flush()
        s.add_all(
            [
                BudgetMonth(
                    budget_line_id=line.id, fiscal_month=1, revised=Decimal("1000.00"), actual=Decimal("250.10")
                ),
                BudgetMonth(
                    budget_line_id=line.id, fiscal_month=2, revised=Decimal("500.00"), actual=Decimal("900.00")
                ),
                BudgetMonth(budget_line_id=line.id, fiscal_month=3, revised=Decimal("700.00"), actual=Decimal("5.00")),
                BudgetMonth(budget_line_id=general.id, fiscal_month=1, revised=Decimal("300.00")),
                BudgetMonth(budget_line_id=old.id, fiscal_month=1, revised=Decimal("99.00"), actual=Decimal("99.00")),
            ]
        )
    return PackOffice(db, tuple(m.id for m in meetings), group.id, sensitive.id, forum.id, line.id)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[PackOffice]:
    built = build_pack_office(tmp_path / "pack.cyberdesk")
    yield built
    built.db.close()


def pack_of(office: PackOffice, meeting: str | int = "next", **kwargs: object) -> MeetingPack:
    with office.db.read() as session:
        return build_meeting_pack(session, meeting, as_at=AS_AT, generated_at=GENERATED, **kwargs)  # type: ignore[arg-type]


def test_next_and_latest_and_ids_name_meetings(office: PackOffice) -> None:
    with office.db.read() as session:
        assert resolve_meeting(session, "next", AS_AT) == office.meetings[3]
        assert resolve_meeting(session, " Latest ", AS_AT) == office.meetings[2]
        assert resolve_meeting(session, str(office.meetings[0]), AS_AT) == office.meetings[0]
        with pytest.raises(PackError, match="There is no meeting 999"):
            resolve_meeting(session, "999", AS_AT)
        with pytest.raises(PackError, match="'next' or 'latest'"):
            resolve_meeting(session, "soon", AS_AT)
        with pytest.raises(PackError, match="No meeting is scheduled on or after 2026-01-01"):
            resolve_meeting(session, "next", date(2026, 1, 1))
        with pytest.raises(PackError, match="No meeting has been held"):
            resolve_meeting(session, "latest", date(2024, 1, 1))


def test_action_log_carries_open_actions_and_those_closed_since_the_previous_meeting(office: PackOffice) -> None:
    pack = pack_of(office)
    actions = {a.ref: a for a in pack.actions}
    assert set(actions) == {"A-1", "A-3", "A-4", "A-6"}  # A-2 closed before meeting 3; A-5 archived
    overdue = actions["A-1"]
    assert overdue.open_for == 2  # meetings 3 and 4 followed the one that raised it
    assert (overdue.rag, overdue.overdue, overdue.raised_since_previous) == (Rag.RED, True, False)
    assert overdue.owner == "Alex Citizen" and overdue.owner_agency == "MFA"
    assert overdue.raised_at == "Meeting 2 — 2024–25 Q4"
    closed = actions["A-3"]
    assert (closed.rag, closed.open_for, closed.closed_on, closed.overdue) == (Rag.BLUE, 1, date(2025, 8, 1), False)
    new = actions["A-4"]
    assert (new.raised_since_previous, new.open_for, new.rag, new.description) == (True, 1, Rag.GREEN, HYPERLINK)
    assert actions["A-6"].rag is Rag.CANCELLED


def test_cover_agenda_attendance_and_papers(office: PackOffice) -> None:
    pack = pack_of(office)
    cover = pack.cover
    assert cover.title == "Meeting 4 — 2025–26 Q2"
    assert (cover.group, cover.chair, cover.venue, cover.pack_status) == (
        "Interagency Cyber Engagement Group",
        "Alex Citizen (MFA)",
        "Room 3",
        "Draft",
    )
    assert cover.office == "Smith & Jones Cyber Office"
    assert [(a.position, a.start, a.over_time) for a in pack.agenda] == [
        (1, time(10, 0), False),
        (2, time(10, 5), False),
        (3, time(10, 25), True),  # ends 10:35, after the planned 10:30
    ]
    assert pack.agenda[1].presenter == "Robin Law"
    statuses = [a.status for a in pack.attendance]
    assert statuses == ["Present", "Alternate for Robin Law", "In attendance for item 2"]
    assert [p.ref for p in pack.papers] == ["ICEG/M04/P1"]
    assert pack.marking == "OFFICIAL" and pack.left_out == () and pack.left_out_line == ""
    assert pack.demo is False and pack.personal_data is True
    assert SECTIONS[0][0] == "Cover"


def test_attendance_matrix_covers_the_fiscal_year(office: PackOffice) -> None:
    matrix = pack_of(office).matrix
    assert [number for number, _, _ in matrix.meetings] == [3, 4]  # the 2025–26 meetings
    rows = dict(matrix.rows)
    # Meeting 4 is still to be held: its list is who is expected, as the workspace shows it.
    assert rows["MFA"] == ("Present", "Expected")
    # Not yet a member in July; at meeting 4 an alternate came (the most present status wins).
    assert rows["MFA-LEG"] == ("—", "Alternate")


def test_previous_outcomes_and_decisions_register(office: PackOffice) -> None:
    pack = pack_of(office)
    previous = pack.previous
    assert previous.title == "Meeting 3 — 2025–26 Q1"
    assert [d.ref for d in previous.decisions] == ["D03.1"]
    assert {a.ref for a in previous.actions} == {"A-4", "A-6"}
    assert [d.ref for d in pack.decisions] == ["D03.1"]  # D01.1 belongs to last fiscal year
    first = pack_of(office, str(office.meetings[0]))
    assert first.previous.title is None and first.actions == ()


def test_commitments_calendar_and_secondments(office: PackOffice) -> None:
    pack = pack_of(office)
    due = [(c.kind, c.item, c.overdue, c.rag) for c in pack.commitments]
    assert due == [
        ("Milestone", "Late step", True, Rag.RED),
        ("Review", "Review due", False, Rag.GREEN),
        ("Expiry", "Expires or falls for renewal", False, Rag.GREEN),
    ]
    assert commitments_horizon(FiscalCalendar(7), AS_AT) == date(2026, 3, 31)
    assert [(e.event, e.month_only, e.delegation) for e in pack.calendar] == [("Plenary", True, "Alex Citizen (head)")]
    assert pack.calendar[0].dates == "Oct 2025"
    one_day = replace(pack.calendar[0], month_only=False, start=date(2025, 10, 3), end=date(2025, 10, 3))
    assert one_day.dates == "3 Oct 2025"
    assert replace(one_day, start=date(2025, 9, 30)).dates == "30 Sep 2025 – 3 Oct 2025"
    alerts = {x.person: x.alert for x in pack.secondments}
    assert alerts == {"Robin Law": "Ends in 77 days", "Sam Deputy": "Starts in 17 days"}


def test_budget_by_forum_to_date(office: PackOffice) -> None:
    with office.db.read() as session:
        budget = budget_by_forum(session, 2026, AS_AT)
    assert budget.months_elapsed == 2 and budget.fiscal_year_label == "2025–26"
    rows = {r.forum: r for r in budget.rows}
    assert rows[NO_FORUM] == budget.rows[-1]  # office-wide lines come last
    forum = next(r for r in budget.rows if r.forum_id == office.forum)
    assert (forum.revised, forum.planned_to_date, forum.actual_to_date) == (
        Decimal("2200.00"),
        Decimal("1500.00"),
        Decimal("1150.10"),
    )
    assert forum.variance == Decimal("349.90")
    assert budget.revised == Decimal("2500.00") and budget.variance == Decimal("649.90")
    with office.db.read() as session:
        before = budget_by_forum(session, 2026, date(2025, 6, 1))
    assert before.months_elapsed == 0 and before.planned_to_date == 0


def test_marking_ceiling_leaves_out_what_is_above_it_and_says_how_much(office: PackOffice) -> None:
    with office.db.write() as s:
        s.execute(sa.update(Paper).values(marking_id=office.sensitive))
        s.execute(sa.update(Action).where(Action.ref == "A-1").values(marking_id=office.sensitive))
        s.execute(sa.update(BudgetLine).where(BudgetLine.id == office.line).values(marking_id=office.sensitive))
    full = pack_of(office)
    assert full.marking == "OFFICIAL: Sensitive"
    limited = pack_of(office, max_marking="official")
    assert limited.marking == "OFFICIAL" and limited.ceiling == "OFFICIAL"
    assert dict(limited.left_out) == {"Action_Log": 1, "Budget_Snapshot": 1, "Papers": 1}
    assert (
        limited.left_out_line == "3 items marked above OFFICIAL left out (Action_Log 1, Budget_Snapshot 1, Papers 1)."
    )
    assert "A-1" not in {a.ref for a in limited.actions} and limited.papers == ()
    assert all(r.forum_id != office.forum for r in limited.budget.rows)
    with pytest.raises(PackError, match="Unknown marking"):
        pack_of(office, max_marking="SECRET")
    with office.db.write() as s:
        s.execute(sa.update(Meeting).where(Meeting.id == office.meetings[3]).values(marking_id=office.sensitive))
    with pytest.raises(PackError, match="is marked OFFICIAL: Sensitive, above OFFICIAL"):
        pack_of(office, max_marking="OFFICIAL")


def test_secondment_alerts_of_the_due_soon_panel_reach_the_pack_over_the_longest_window(office: PackOffice) -> None:
    from core.domain.secondments import ClearanceStatus
    from core.services.checklists import copy_checklist

    with office.db.write() as s:
        robin = s.scalars(
            sa.select(Secondment).join(Person, Person.id == Secondment.person_id).where(Person.full_name == "Robin Law")
        ).one()
        robin.clearance_status = ClearanceStatus.GRANTED
        robin.clearance_expiry = AS_AT + timedelta(days=90)  # the last day of the longest alert window
        robin.next_review_date = AS_AT - timedelta(days=1)
        sam = s.scalars(
            sa.select(Secondment.id)
            .join(Person, Person.id == Secondment.person_id)
            .where(Person.full_name == "Sam Deputy")
        ).one()
        assert copy_checklist(s, sam) == 5  # three on-boarding items (due at the start), two off-boarding (a year on)
    alerts = {x.person: x.alert for x in pack_of(office).secondments}
    assert alerts == {
        "Robin Law": "Ends in 77 days; Review 1 day overdue; Clearance expires in 90 days",  # soonest first
        "Sam Deputy": "Starts in 17 days; 3 checklist items due",
    }
    with office.db.write() as s:
        row = s.get(Secondment, robin.id)
        assert row is not None
        row.clearance_expiry = AS_AT + timedelta(days=91)
    assert "Clearance" not in {x.person: x.alert for x in pack_of(office).secondments}["Robin Law"]
