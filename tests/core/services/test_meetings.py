"""The meeting workflow: prepare the next meeting, the agenda's order and times, attendance, minutes, outcomes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import AuditEntry
from core.domain.commitments import Commitment, CommitmentType
from core.domain.meetings import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaPurpose,
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
from core.reports.lists import fetch_list
from core.reports.meetings import (
    action_rows,
    agenda_rows,
    attendance_matrix,
    attendance_rows,
    carried_actions,
    decision_rows,
    group_meetings,
    links_to,
    meeting_detail,
    paper_rows,
)
from core.services.meetings import (
    MeetingRefused,
    add_agenda_item,
    add_attendee,
    agenda_schedule,
    circulate_minutes,
    confirm_minutes,
    edit_minutes,
    move_agenda_item,
    new_action_values,
    new_decision_values,
    new_paper_values,
    prepare_next_meeting,
    record_alternate,
    remove_agenda_item,
    reopen_minutes,
    set_attendance_status,
)
from core.services.office import initialise_office
from core.services.records import create_record, update_record
from core.services.validation import ValidationError

FIRST = date(2025, 5, 15)  # the third Thursday of May 2025: 2024–25 Q4 with a July fiscal year


@dataclass
class Office:
    db: Database
    group: int
    meeting: int
    agencies: dict[str, int]
    people: dict[str, int]
    items: dict[str, int]
    actions: dict[str, int]


def _write(db: Database, model: type, values: dict) -> int:
    with db.write(actor="setup") as session:
        return int(create_record(session, model, values).id)


@pytest.fixture
def office(schema_db: Database) -> Office:
    """One group: MFA chairs, NCSC a member throughout, DEF a member until June 2025; meeting 1 held in May 2025
    with three standing items and one substantive item, one action still open and one complete."""
    db = schema_db
    initialise_office(db, actor="setup")
    with db.read() as session:
        agencies = dict(
            session.execute(
                sa.select(Organisation.code, Organisation.id).where(Organisation.code.in_(("MFA", "DEF", "NCSC")))
            ).all()
        )
    people = {
        name: _write(db, Person, {"full_name": name, "organisation_id": agencies[org]})
        for name, org in (
            ("Ambassador Ada", "MFA"),
            ("Secretary Sam", "MFA"),
            ("Defence Dee", "DEF"),
            ("Cyber Cy", "NCSC"),
            ("Deputy Dan", "NCSC"),
        )
    }
    group = _write(
        db,
        EngagementGroup,
        {
            "name": "Engagement Group",
            "short_name": "EG",
            "chair_person_id": people["Ambassador Ada"],
            "chair_agency_id": agencies["MFA"],
            "secretariat_person_id": people["Secretary Sam"],
            "secretariat_agency_id": agencies["MFA"],
            "cadence_months": 3,
            "pack_lead_days": 5,
        },
    )
    for org, liaison, end in (
        ("MFA", "Ambassador Ada", None),
        ("DEF", "Defence Dee", date(2025, 6, 30)),
        ("NCSC", "Cyber Cy", None),
    ):
        _write(
            db,
            GroupMembership,
            {
                "group_id": group,
                "organisation_id": agencies[org],
                "start_date": date(2024, 1, 1),
                "end_date": end,
                "liaison_person_id": people[liaison],
            },
        )
    meeting = _write(
        db,
        Meeting,
        {
            "group_id": group,
            "number": 1,
            "meeting_date": FIRST,
            "start_time": time(10, 0),
            "end_time": time(11, 30),
            "venue": "Room 3",
            "status": MeetingStatus.HELD,
        },
    )
    items = {}
    for position, (title, minutes, standing) in enumerate(
        (
            ("Welcome and apologies", 5, True),
            ("Minutes of the previous meeting", 10, True),
            ("OEWG preparation", 60, False),
            ("Any other business", 20, True),
        ),
        start=1,
    ):
        items[title] = _write(
            db,
            AgendaItem,
            {
                "meeting_id": meeting,
                "position": position,
                "title": title,
                "minutes_allotted": minutes,
                "is_standing": standing,
                "purpose": AgendaPurpose.NOTING,
                "lead_agency_id": agencies["MFA"],
            },
        )
    actions = {}
    for ref, status in (("A01.01", ActionStatus.OPEN), ("A01.02", ActionStatus.COMPLETE)):
        actions[ref] = _write(
            db,
            Action,
            {
                "group_id": group,
                "ref": ref,
                "raised_at_meeting_id": meeting,
                "agenda_item_id": items["OEWG preparation"],
                "description": f"Action {ref}",
                "owner_agency_id": agencies["NCSC"],
                "raised_on": FIRST,
                "due_date": date(2025, 7, 1),
                "status": status,
                "closed_on": date(2025, 6, 1) if status is ActionStatus.COMPLETE else None,
            },
        )
    return Office(db, group, meeting, agencies, people, items, actions)


def _prepare(office: Office, today: date = date(2025, 6, 1)):  # type: ignore[no-untyped-def]
    with office.db.write(actor="alice") as session:
        return prepare_next_meeting(session, office.group, today=today)


def test_prepare_creates_the_next_meeting_a_cadence_later(office: Office) -> None:
    prepared = _prepare(office)
    assert prepared.created
    assert prepared.number == 2
    # The third Thursday of August, a quarter after the third Thursday of May.
    assert prepared.meeting_date == date(2025, 8, 21)
    assert prepared.title == "Meeting 2 — 2025–26 Q1"
    assert prepared.pack_due == date(2025, 8, 14)  # five working days before
    with office.db.read() as session:
        agenda = agenda_rows(session, prepared.meeting_id)
        attendance = attendance_rows(session, prepared.meeting_id)
        carried = carried_actions(session, prepared.meeting_id, as_at=date(2025, 6, 1))
        detail = meeting_detail(session, prepared.meeting_id)
    assert [(r.position, r.title) for r in agenda] == [
        (1, "Welcome and apologies"),
        (2, "Minutes of Meeting 1 — 2024–25 Q4"),
        (3, "Any other business"),
    ]
    assert detail.venue == "Room 3" and detail.start_time == time(10, 0)
    assert detail.status is MeetingStatus.SCHEDULED and detail.minutes_status is MinutesStatus.DRAFT
    # Chair, secretariat and the liaisons of agencies that are members on the day; DEF left in June.
    assert [(r.agency, r.person, r.role, r.status_label) for r in attendance] == [
        ("MFA", "Ambassador Ada", "Chair", "Expected"),
        ("MFA", "Secretary Sam", "Secretariat", "Expected"),
        ("NCSC", "Cyber Cy", "Member", "Expected"),
    ]
    # The open action is carried forward as the same record; the complete one is not.
    assert prepared.carried_action_ids == (office.actions["A01.01"],)
    assert [(a.ref, a.open_for, a.raised_at) for a in carried] == [("A01.01", 1, "Meeting 1 — 2024–25 Q4")]
    with office.db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Action)) == 2
        audited = session.scalars(sa.select(AuditEntry.actor).where(AuditEntry.table_name == "meeting")).all()
    assert "alice" in audited


def test_prepare_opens_an_existing_scheduled_meeting(office: Office) -> None:
    first = _prepare(office)
    again = _prepare(office, today=date(2025, 8, 1))
    assert not again.created
    assert again.meeting_id == first.meeting_id
    assert (again.standing_items_added, again.attendees_added) == (0, 0)
    with office.db.read() as session:
        assert [m.number for m in group_meetings(session, office.group)] == [2, 1]


def test_open_for_counts_meetings_after_the_raising_one(office: Office) -> None:
    second = _prepare(office)
    with office.db.write() as session:
        update_record(session, Meeting, second.meeting_id, 1, {"status": MeetingStatus.HELD})
    third = _prepare(office, today=date(2025, 8, 22))
    assert third.meeting_date == date(2025, 11, 20)
    with office.db.read() as session:
        carried = carried_actions(session, third.meeting_id, as_at=date(2025, 8, 22))
    assert [(a.ref, a.open_for, a.rag) for a in carried] == [("A01.01", 2, "Red")]


def test_never_two_meetings_in_one_quarter(office: Office) -> None:
    with office.db.write() as session:
        update_record(session, EngagementGroup, office.group, 1, {"cadence_months": 1})
    with pytest.raises(MeetingRefused) as refused:
        _prepare(office)
    assert str(refused.value) == (
        "Meeting 1 — 2024–25 Q4 is already in 2024–25 Q4; a group meets at most once a quarter."
    )
    with pytest.raises(ValidationError) as invalid, office.db.write() as session:
        create_record(session, Meeting, {"group_id": office.group, "number": 2, "meeting_date": date(2025, 6, 5)})
    assert invalid.value.errors["meeting_date"] == (
        "Meeting 1 is already in this quarter; a group meets at most once a quarter."
    )


def test_the_series_keeps_its_weekday_and_resumes_after_a_pause(office: Office) -> None:
    with office.db.write() as session:
        # The fifth Friday of a month: three months later there is no fifth Friday, so the last one.
        update_record(session, Meeting, office.meeting, 1, {"meeting_date": date(2025, 5, 30)})
    prepared = _prepare(office, today=date(2025, 6, 1))
    assert prepared.meeting_date == date(2025, 8, 29)
    with office.db.write() as session:
        update_record(session, Meeting, prepared.meeting_id, 1, {"status": MeetingStatus.HELD})
    later = _prepare(office, today=date(2026, 1, 5))  # nobody prepared November's meeting
    assert later.meeting_date == date(2026, 2, 27) and later.number == 3


def test_a_group_without_meetings_is_told_to_add_the_first(office: Office) -> None:
    group = _write(office.db, EngagementGroup, {"name": "Second group"})
    with pytest.raises(MeetingRefused, match="no meetings yet"), office.db.write() as session:
        prepare_next_meeting(session, group, today=date(2025, 6, 1))


def test_agenda_times_and_over_time(office: Office) -> None:
    with office.db.read() as session:
        rows = agenda_rows(session, office.meeting)
    assert [(r.start, r.end, r.over_time) for r in rows] == [
        (time(10, 0), time(10, 5), False),
        (time(10, 5), time(10, 15), False),
        (time(10, 15), time(11, 15), False),
        (time(11, 15), time(11, 35), True),  # the meeting ends at 11:30
    ]
    assert agenda_schedule(None, None, [5, 10])[0].start is None


def test_reorder_keeps_positions_dense(office: Office) -> None:
    aob = office.items["Any other business"]
    with office.db.write() as session:
        order = move_agenda_item(session, aob, 1, expected_version=1)
    assert order[0] == aob
    with office.db.read() as session:
        rows = agenda_rows(session, office.meeting)
    assert [(r.position, r.title) for r in rows] == [
        (1, "Any other business"),
        (2, "Welcome and apologies"),
        (3, "Minutes of the previous meeting"),
        (4, "OEWG preparation"),
    ]
    assert rows[0].start == time(10, 0) and rows[1].start == time(10, 20)
    with office.db.write() as session:
        move_agenda_item(session, aob, 99)  # clamped to the end
        added = add_agenda_item(session, office.meeting, {"title": "Budget", "minutes_allotted": 5, "position": 2})
    with office.db.read() as session:
        welcome = next(r for r in agenda_rows(session, office.meeting) if r.title == "Welcome and apologies")
    with office.db.write() as session:
        remove_agenda_item(session, welcome.id, welcome.version)
    with office.db.read() as session:
        rows = agenda_rows(session, office.meeting)
    assert [r.position for r in rows] == [1, 2, 3, 4]
    assert [r.title for r in rows] == [
        "Budget",
        "Minutes of the previous meeting",
        "OEWG preparation",
        "Any other business",
    ]
    assert rows[0].id == added.id


def test_attendance_statuses_and_alternates(office: Office) -> None:
    prepared = _prepare(office)
    with office.db.read() as session:
        rows = {r.person: r for r in attendance_rows(session, prepared.meeting_id)}
    cy = rows["Cyber Cy"]
    with office.db.write() as session:
        record_alternate(session, cy.id, cy.version, office.people["Deputy Dan"])
    with office.db.read() as session:
        rows = {r.person: r for r in attendance_rows(session, prepared.meeting_id)}
    assert rows["Deputy Dan"].status_label == "Alternate" and rows["Deputy Dan"].alternate_for == "Cyber Cy"
    with office.db.write() as session:
        set_attendance_status(session, cy.id, rows["Deputy Dan"].version, AttendanceStatus.APOLOGY)
        add_attendee(
            session,
            prepared.meeting_id,
            office.agencies["DEF"],
            office.people["Defence Dee"],
            role="Guest",
            agenda_item_id=None,
        )
    with office.db.read() as session:
        rows = {r.person: r for r in attendance_rows(session, prepared.meeting_id)}
    assert rows["Cyber Cy"].status_label == "Apology" and "Deputy Dan" not in rows
    assert rows["Defence Dee"].status_label == "In attendance"
    with pytest.raises(ValidationError) as invalid, office.db.write() as session:
        set_attendance_status(session, rows["Ambassador Ada"].id, 1, AttendanceStatus.ALTERNATE)
    assert "alternate" in invalid.value.errors["status"]
    with pytest.raises(ValidationError), office.db.write() as session:
        add_attendee(session, prepared.meeting_id, office.agencies["MFA"], office.people["Ambassador Ada"])
    with pytest.raises(ValidationError), office.db.write() as session:
        record_alternate(session, rows["Cyber Cy"].id, rows["Cyber Cy"].version, office.people["Cyber Cy"])
    with pytest.raises(ValidationError), office.db.write() as session:
        add_attendee(
            session,
            prepared.meeting_id,
            office.agencies["DEF"],
            office.people["Deputy Dan"],
            agenda_item_id=office.items["OEWG preparation"],
        )  # an item of another meeting


def test_attendance_matrix_for_the_fiscal_year(office: Office) -> None:
    with office.db.write() as session:
        for person, org, status in (
            ("Ambassador Ada", "MFA", AttendanceStatus.PRESENT),
            ("Secretary Sam", "MFA", AttendanceStatus.APOLOGY),
            ("Defence Dee", "DEF", AttendanceStatus.APOLOGY),
        ):
            add_attendee(session, office.meeting, office.agencies[org], office.people[person], status=status)
        interior = session.scalars(sa.select(Organisation.id).where(Organisation.code == "INT")).one()
        create_record(  # joins after meeting 1: not a member that day
            session,
            GroupMembership,
            {"group_id": office.group, "organisation_id": interior, "start_date": date(2025, 6, 1)},
        )
    prepared = _prepare(office)
    with office.db.read() as session:
        matrix = attendance_matrix(session, office.group, 2025)
        next_year = attendance_matrix(session, office.group, 2026)
        empty = attendance_matrix(session, office.group, 2020)
    assert matrix.meetings == ((1, "Meeting 1 — 2024–25 Q4", FIRST),)
    assert matrix.meeting_ids == (office.meeting,)
    # NCSC was a member but not recorded at the held meeting: absent.
    assert matrix.rows == (("DEF", ("Apology",)), ("INT", ("—",)), ("MFA", ("Present",)), ("NCSC", ("Absent",)))
    assert [title for _, title, _ in next_year.meetings] == ["Meeting 2 — 2025–26 Q1"]
    # The draft list of a meeting not yet held says "Expected"; DEF's membership ended before the year began.
    assert next_year.rows == (("INT", ("",)), ("MFA", ("Expected",)), ("NCSC", ("Expected",)))
    assert next_year.meeting_ids == (prepared.meeting_id,)
    assert empty.meetings == () and empty.rows == ()


def test_minutes_lifecycle_locks_confirmed_minutes_and_audits_reopening(office: Office) -> None:
    db, meeting = office.db, office.meeting
    with pytest.raises(MeetingRefused, match="Write the minutes"), db.write() as session:
        circulate_minutes(session, meeting, 1)
    with db.write() as session:
        edit_minutes(session, meeting, 1, "Members met and agreed.")
    with pytest.raises(MeetingRefused, match="Circulate the minutes"), db.write() as session:
        confirm_minutes(session, meeting, 2, meeting)
    with db.write() as session:
        circulate_minutes(session, meeting, 2)
    second = _prepare(office)
    with pytest.raises(MeetingRefused, match="later meeting"), db.write() as session:
        confirm_minutes(session, meeting, 3, meeting)
    with db.write() as session:
        confirm_minutes(session, meeting, 3, second.meeting_id)
    with db.read() as session:
        detail = meeting_detail(session, meeting)
    assert detail.minutes_status is MinutesStatus.CONFIRMED and detail.confirmed_at == "Meeting 2 — 2025–26 Q1"
    with pytest.raises(ValidationError) as locked, db.write() as session:
        edit_minutes(session, meeting, 4, "Rewritten history.")
    assert locked.value.errors["minutes"].startswith("These minutes were confirmed and are locked")
    with pytest.raises(ValidationError), db.write() as session:  # nor unlocked without a reason
        update_record(session, Meeting, meeting, 4, {"minutes_status": MinutesStatus.DRAFT})
    with pytest.raises(ValidationError) as no_reason, db.write() as session:
        reopen_minutes(session, meeting, 4, "  ")
    assert no_reason.value.errors == {"reason": "Give a reason for reopening confirmed minutes."}
    with db.write(actor="bob") as session:
        reopen_minutes(session, meeting, 4, "Apology from DEF omitted")
    with db.write() as session:
        edit_minutes(session, meeting, 5, "Members met and agreed. DEF sent apologies.")
    with db.read() as session:
        detail = meeting_detail(session, meeting)
        entry = session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.table_name == "meeting", AuditEntry.row_id == meeting, AuditEntry.actor == "bob"
            )
        ).one()
    assert detail.minutes_status is MinutesStatus.DRAFT and detail.confirmed_at == ""
    changes = json.loads(entry.changes)
    assert changes["minutes_status"] == {"old": "CONFIRMED", "new": "DRAFT"}
    assert "Apology from DEF omitted" in changes["notes"]["new"]
    with pytest.raises(MeetingRefused), db.write() as session:
        reopen_minutes(session, meeting, 6, "again")


def test_a_meeting_ends_after_it_starts(office: Office) -> None:
    with pytest.raises(ValidationError) as invalid, office.db.write() as session:
        update_record(session, Meeting, office.meeting, 1, {"end_time": time(9, 0)})
    assert invalid.value.errors == {"end_time": "The meeting must end after it starts."}


def test_confirming_needs_the_confirming_meeting(office: Office) -> None:
    with pytest.raises(ValidationError) as invalid, office.db.write() as session:
        update_record(session, Meeting, office.meeting, 1, {"minutes_status": MinutesStatus.CONFIRMED})
    assert "later meeting" in invalid.value.errors["minutes_status"]


def test_outcomes_raised_from_an_item_and_links_back(office: Office) -> None:
    item = office.items["OEWG preparation"]
    with office.db.write() as session:
        commitment = create_record(
            session, Commitment, {"title": "Paris Call support", "commitment_type": CommitmentType.JOINT_STATEMENT}
        ).id
        values = new_action_values(session, office.meeting, item)
        assert values["ref"] == "A01.03" and values["raised_on"] == FIRST
        values.update(description="Draft the national statement", commitment_id=commitment)
        action = create_record(session, Action, values).id
        paper_values = new_paper_values(session, office.meeting, item)
        assert (paper_values["ref"], paper_values["title"]) == ("EG/M01/P1", "OEWG preparation")
        paper_values.update(location="Records system: EG meeting 1")
        create_record(session, Paper, paper_values)
        decision_values = new_decision_values(session, office.meeting, item)
        assert decision_values["ref"] == "D01.1"
        decision = create_record(
            session, Decision, {**decision_values, "text": "Agreed the objectives", "commitment_id": commitment}
        ).id
    with office.db.read() as session:
        raised = action_rows(session, office.meeting, as_at=date(2025, 6, 1))
        decisions = decision_rows(session, office.meeting)
        papers = paper_rows(session, office.meeting)
        register = fetch_list(session, "decisions", as_at=date(2025, 6, 1), search="EG/M01/P1")
        linked = links_to(session, "commitments", commitment)
        assert links_to(session, "budget_line", 1) == ()
        with pytest.raises(ValueError, match="do not link"):
            links_to(session, "people", 1)
    assert [(a.ref, a.owner_agency, a.item) for a in raised] == [
        ("A01.01", "NCSC", "OEWG preparation"),
        ("A01.02", "NCSC", "OEWG preparation"),
        ("A01.03", "MFA", "OEWG preparation"),
    ]
    assert [(p.ref, p.owning_agency, p.marking, p.location) for p in papers] == [
        ("EG/M01/P1", "MFA", "OFFICIAL", "Records system: EG meeting 1")
    ]
    shown = dict(zip((c.key for c in register.columns), register.rows[0], strict=True))
    assert (register.total, shown["ref"], shown["paper"], shown["commitment"]) == (
        1,
        "D01.1",
        "EG/M01/P1",
        "Paris Call support",
    )
    assert [(d.ref, d.text, d.item) for d in decisions] == [("D01.1", "Agreed the objectives", "OEWG preparation")]
    assert {(o.kind, o.id, o.ref, o.meeting) for o in linked} == {
        ("Action", action, "A01.03", "Meeting 1 — 2024–25 Q4"),
        ("Decision", decision, "D01.1", "Meeting 1 — 2024–25 Q4"),
    }
