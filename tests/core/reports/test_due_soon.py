"""Tests for the due-soon panel: what each kind includes, window boundaries, leap day, RAG and order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.demo import build_demo
from core.domain.commitments import Commitment, CommitmentStatus, CommitmentType, Milestone
from core.domain.forums import EventStatus, Forum, ForumEvent
from core.domain.meetings import Action, ActionStatus, EngagementGroup, GroupMembership, Meeting
from core.domain.organisations import Organisation, Person
from core.domain.reference import Office
from core.domain.secondments import (
    ClearanceStatus,
    CoiStatus,
    Direction,
    Secondment,
    SecondmentStatus,
    SecondmentType,
)
from core.domain.text import name_key
from core.reports.due_soon import DUE_KINDS, DueItem, DueSoonReport, due_soon
from core.services.office import initialise_office
from core.services.records import create_record

LEAP_DAY = date(2024, 2, 29)

Add = Callable[..., int]


def day(n: int) -> date:
    """`n` days from the leap day (negative: before it)."""
    return LEAP_DAY + timedelta(days=n)


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    return schema_db


@pytest.fixture
def refs(db: Database) -> dict[str, int]:
    """The rows every record hangs from: an agency, a person, a group and its meeting, a forum, a commitment."""
    with db.write() as s:
        mfa = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
        forum = s.scalars(sa.select(Forum).order_by(Forum.id)).first()
        assert forum is not None
        person = create_record(s, Person, {"full_name": "Ada Lovelace", "organisation_id": mfa.id})
        group = create_record(s, EngagementGroup, {"name": "Leap Group", "short_name": "LG"})
        s.add(GroupMembership(group_id=group.id, organisation_id=mfa.id, start_date=date(2020, 1, 1)))
        meeting = Meeting(
            group_id=group.id, number=1, meeting_date=date(2024, 1, 10), fiscal_year=2024, fiscal_quarter=3
        )
        s.add(meeting)
        s.flush()
        return {"mfa": mfa.id, "person": person.id, "group": group.id, "meeting": meeting.id, "forum": forum.id}


def _adder(db: Database, model: type[Any], defaults: Callable[[], dict[str, Any]]) -> Add:
    def add(**values: Any) -> int:
        with db.write() as s:
            row = model(**{**defaults(), **values})
            s.add(row)
            s.flush()
            return int(row.id)

    return add


@pytest.fixture
def add_action(db: Database, refs: dict[str, int]) -> Add:
    count = iter(range(1, 1000))

    def defaults() -> dict[str, Any]:
        ref = f"A01.{next(count):02d}"
        return {
            "group_id": refs["group"],
            "ref": ref,
            "raised_at_meeting_id": refs["meeting"],
            "description": f"Action {ref}",
            "owner_agency_id": refs["mfa"],
            "raised_on": date(2024, 1, 10),
            "original_due_date": LEAP_DAY,
            "due_date": LEAP_DAY,
        }

    return _adder(db, Action, defaults)


@pytest.fixture
def add_secondment(db: Database, refs: dict[str, int]) -> Add:
    return _adder(
        db,
        Secondment,
        lambda: {
            "person_id": refs["person"],
            "direction": Direction.INWARD,
            "secondment_type": SecondmentType.INTERAGENCY_ROTATION,
            "home_organisation_id": refs["mfa"],
            "role_title": "Legal adviser",
            "start_date": date(2023, 7, 1),
            "planned_end_date": date(2025, 6, 30),
            "original_end_date": date(2025, 6, 30),
            "status": SecondmentStatus.ACTIVE,
        },
    )


@pytest.fixture
def add_commitment(db: Database) -> Add:
    count = iter(range(1, 1000))

    def defaults() -> dict[str, Any]:
        title = f"Commitment {next(count)}"
        return {
            "title": title,
            "title_key": name_key(title),
            "commitment_type": CommitmentType.MOU,
            "status": CommitmentStatus.IN_IMPLEMENTATION,
        }

    return _adder(db, Commitment, defaults)


@pytest.fixture
def add_event(db: Database, refs: dict[str, int]) -> Add:
    return _adder(
        db,
        ForumEvent,
        lambda: {
            "forum_id": refs["forum"],
            "title": "Plenary",
            "start_date": day(20),
            "end_date": day(21),
            "status": EventStatus.CONFIRMED,
        },
    )


def report(db: Database, as_at: date = LEAP_DAY, **kwargs: Any) -> DueSoonReport:
    with db.read() as session:
        return due_soon(session, as_at=as_at, **kwargs)


def ids(result: DueSoonReport, kind: str) -> list[int]:
    return [item.row_id for item in result.items if item.kind == kind]


def item(result: DueSoonReport, kind: str, row_id: int) -> DueItem:
    return next(i for i in result.items if i.kind == kind and i.row_id == row_id)


def test_an_empty_office_has_nothing_due(db: Database) -> None:
    result = report(db)
    assert result.items == ()
    assert result.window_days == 30  # the shortest alert window by default
    assert dict(result.counts) == dict.fromkeys(DUE_KINDS, 0)


def test_actions_overdue_and_due_within_14_days_on_the_leap_day(db: Database, add_action: Add) -> None:
    yesterday = add_action(due_date=day(-1))
    today = add_action(due_date=LEAP_DAY)
    in_14 = add_action(due_date=day(14), status=ActionStatus.IN_PROGRESS)
    add_action(due_date=day(15))
    deferred = add_action(due_date=day(-40), status=ActionStatus.DEFERRED)
    for status in (ActionStatus.COMPLETE, ActionStatus.CANCELLED):
        add_action(due_date=day(-1), status=status)
    add_action(due_date=day(-1), archived=True)

    result = report(db)
    assert ids(result, "action") == [deferred, yesterday, today, in_14]
    overdue = item(result, "action", yesterday)
    assert (overdue.due, overdue.days, overdue.rag, overdue.overdue) == (date(2024, 2, 28), -1, "Red", True)
    due_today = item(result, "action", today)
    assert (due_today.days, due_today.rag, due_today.overdue) == (0, "Amber", False)  # due soon, not started
    assert item(result, "action", in_14).rag == "Green"  # in progress, so not at risk
    assert due_today.entity == "actions"
    assert due_today.title == "A01.02: Action A01.02"
    assert due_today.detail == "LG · MFA · Open"
    assert result.counts["action"] == 4
    assert [i.row_id for i in result.overdue] == [deferred, yesterday]


def test_action_rag_comes_from_the_one_rag_function(db: Database, add_action: Add) -> None:
    blocked = add_action(due_date=day(10), status=ActionStatus.IN_PROGRESS, blocked=True)
    extended = add_action(due_date=day(10), status=ActionStatus.IN_PROGRESS, extension_count=1)
    result = report(db)
    assert item(result, "action", blocked).rag == "Red"
    assert item(result, "action", extended).rag == "Amber"


def test_secondment_ends_within_the_window_inclusive(db: Database, add_secondment: Add) -> None:
    in_30 = add_secondment(planned_end_date=day(30))  # 30 March 2024
    add_secondment(planned_end_date=day(31))
    approved = add_secondment(planned_end_date=day(5), status=SecondmentStatus.APPROVED)
    extended = add_secondment(planned_end_date=day(12), status=SecondmentStatus.EXTENDED)
    past_end = add_secondment(planned_end_date=day(-3))  # still active after its end: close or extend it
    add_secondment(planned_end_date=day(3), status=SecondmentStatus.COMPLETED)
    add_secondment(planned_end_date=day(3), status=SecondmentStatus.PROPOSED)
    add_secondment(planned_end_date=day(3), archived=True)

    result = report(db)
    assert ids(result, "secondment_end") == [past_end, approved, extended, in_30]
    ending = item(result, "secondment_end", in_30)
    assert (ending.due, ending.days, ending.rag) == (date(2024, 3, 30), 30, "Green")
    assert (ending.title, ending.entity) == ("Ada Lovelace", "secondments")
    assert ending.detail.startswith("Legal adviser · ") and ending.detail.endswith(" · Active")  # role, home, status
    assert item(result, "secondment_end", approved).rag == "Amber"
    assert item(result, "secondment_end", past_end).rag == "Red"
    assert in_30 not in ids(report(db, window_days=29), "secondment_end")
    assert len(ids(report(db, window_days=31), "secondment_end")) == 5


def test_the_window_defaults_to_the_office_setting(db: Database, add_secondment: Add) -> None:
    in_20 = add_secondment(planned_end_date=day(20))
    with db.write() as s:
        office = s.get(Office, 1)
        assert office is not None
        office.alert_short_days = 14
    result = report(db)
    assert result.window_days == 14
    assert ids(result, "secondment_end") == []
    assert ids(report(db, window_days=20), "secondment_end") == [in_20]
    with pytest.raises(ValueError, match="window_days"):
        report(db, window_days=-1)


def test_clearances_expiring_not_lapsed_on_live_secondments(db: Database, add_secondment: Add) -> None:
    granted = {"clearance_status": ClearanceStatus.GRANTED}
    in_30 = add_secondment(clearance_expiry=day(30), **granted)
    expired = add_secondment(clearance_expiry=day(-2), **granted)  # expired but not yet marked lapsed
    add_secondment(clearance_expiry=day(31), **granted)
    add_secondment(clearance_expiry=day(10), clearance_status=ClearanceStatus.LAPSED)
    add_secondment(clearance_expiry=day(10), status=SecondmentStatus.COMPLETED, **granted)
    add_secondment(clearance_expiry=None, **granted)

    result = report(db)
    assert ids(result, "clearance_expiry") == [expired, in_30]
    assert item(result, "clearance_expiry", expired).rag == "Red"
    assert item(result, "clearance_expiry", in_30).detail.startswith("None clearance · Granted")


def test_industry_loans_starting_without_declarations(db: Database, add_secondment: Add) -> None:
    loan = {"secondment_type": SecondmentType.INDUSTRY_LOAN, "status": SecondmentStatus.PROPOSED}
    declared = {"coi_declaration_date": day(-10), "coi_status": CoiStatus.NONE_DECLARED}
    nothing = add_secondment(start_date=day(20), planned_end_date=day(400), **loan)
    no_undertaking = add_secondment(start_date=day(30), planned_end_date=day(400), **loan, **declared)
    no_status = add_secondment(
        start_date=day(1),
        planned_end_date=day(400),
        coi_declaration_date=day(-1),
        confidentiality_signed=True,
        **{**loan, "status": SecondmentStatus.APPROVED},
    )
    add_secondment(start_date=day(10), planned_end_date=day(400), confidentiality_signed=True, **loan, **declared)
    later = add_secondment(start_date=day(31), planned_end_date=day(400), **loan)
    add_secondment(start_date=day(10), planned_end_date=day(400), status=SecondmentStatus.PROPOSED)  # not a loan

    result = report(db)
    assert ids(result, "missing_declaration") == [no_status, nothing, no_undertaking]
    assert item(result, "missing_declaration", nothing).detail.startswith(
        "No conflict-of-interest declaration or confidentiality undertaking · "
    )
    assert item(result, "missing_declaration", no_undertaking).detail.startswith("No confidentiality undertaking")
    assert item(result, "missing_declaration", no_status).detail.startswith("No conflict-of-interest declaration ·")
    assert item(result, "missing_declaration", nothing).due == day(20)
    assert later in ids(report(db, window_days=31), "missing_declaration")


def test_milestones_not_done_of_open_commitments(db: Database, add_commitment: Add) -> None:
    open_id = add_commitment()
    closed_id = add_commitment(status=CommitmentStatus.COMPLETED)
    with db.write() as s:
        milestones = [
            Milestone(commitment_id=open_id, title="Overdue step", due_date=day(-30)),
            Milestone(commitment_id=open_id, title="Step in window", due_date=day(30)),
            Milestone(commitment_id=open_id, title="Step outside", due_date=day(31)),
            Milestone(commitment_id=open_id, title="Done step", due_date=day(5), done_date=day(-1)),
            Milestone(commitment_id=closed_id, title="Step of a completed commitment", due_date=day(5)),
        ]
        s.add_all(milestones)
    result = report(db)
    found = [i for i in result.items if i.kind == "milestone"]
    assert [(i.title, i.row_id, i.entity, i.rag) for i in found] == [
        ("Overdue step", open_id, "commitments", "Red"),
        ("Step in window", open_id, "commitments", "Green"),
    ]
    assert found[0].detail == "Commitment 1"


def test_commitment_reviews_with_the_override_honoured(db: Database, add_commitment: Add) -> None:
    overdue = add_commitment(next_review_date=day(-1))
    in_window = add_commitment(next_review_date=day(30), rag_override="RED", rag_override_reason="Stalled")
    add_commitment(next_review_date=day(31))
    add_commitment(next_review_date=day(1), status=CommitmentStatus.WITHDRAWN)
    add_commitment(next_review_date=day(1), status=CommitmentStatus.LAPSED)
    add_commitment(next_review_date=day(1), archived=True)
    result = report(db)
    assert ids(result, "commitment_review") == [overdue, in_window]
    assert item(result, "commitment_review", in_window).rag == "Red"
    assert item(result, "commitment_review", overdue).detail == "Review · MOU · In implementation"


def test_briefings_due_for_events_not_cancelled_or_begun(db: Database, add_event: Add) -> None:
    due_30 = add_event(briefing_due=day(30), start_date=day(40), end_date=day(41))
    late = add_event(briefing_due=day(-2), start_date=day(3), end_date=day(4))  # late, event still ahead
    add_event(briefing_due=day(-2), start_date=day(-1), end_date=day(1))  # the event has begun
    add_event(briefing_due=day(31), start_date=day(40), end_date=day(41))
    add_event(briefing_due=day(5), status=EventStatus.CANCELLED)
    add_event(briefing_due=None)
    result = report(db)
    assert ids(result, "briefing") == [late, due_30]
    assert item(result, "briefing", late).rag == "Red"
    assert item(result, "briefing", due_30).entity == "events"
    assert "starts 2024-04-09" in item(result, "briefing", due_30).detail


def test_items_are_sorted_by_due_date_overdue_first(
    db: Database, add_action: Add, add_secondment: Add, add_event: Add
) -> None:
    add_secondment(planned_end_date=day(3))
    add_action(due_date=day(2))
    add_event(briefing_due=day(-1), start_date=day(3), end_date=day(4))
    add_action(due_date=day(-5))
    result = report(db)
    assert [(i.kind, i.days) for i in result.items] == [
        ("action", -5),
        ("briefing", -1),
        ("action", 2),
        ("secondment_end", 3),
    ]
    assert result.of_kind("action") == tuple(i for i in result.items if i.kind == "action")
    assert result.counts["briefing"] == 1


def test_one_query_per_kind_whatever_the_number_of_rows(db: Database, add_action: Add) -> None:
    for n in range(5):
        add_action(due_date=day(-n))
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert len(report(db, window_days=30).items) == 5
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len([s for s in seen if s.startswith("SELECT")]) == len(DUE_KINDS)


def test_demo_office_has_overdue_actions_and_secondment_alerts(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("demo") / "demo.cyberdesk"
    with open_database(path, create=True) as demo:
        as_at = date(2025, 8, 15)
        build_demo(demo, as_at=as_at)
        with demo.read() as session:
            result = due_soon(session, as_at=as_at)
            longest = due_soon(session, as_at=as_at, window_days=90)
    assert any(i.kind == "action" and i.overdue and i.rag == "Red" for i in result.items)
    dates = [i.due for i in result.items]
    assert dates == sorted(dates)  # type: ignore[type-var]
    # Within the demo's 30 days nothing about secondments falls due; the 90-day window shows the industry loan
    # that is proposed without its declarations.
    secondment_kinds = {"secondment_end", "clearance_expiry", "missing_declaration"}
    assert any(i.kind in secondment_kinds and i.entity == "secondments" for i in longest.items)
    assert sum(longest.counts.values()) == len(longest.items) > len(result.items)
