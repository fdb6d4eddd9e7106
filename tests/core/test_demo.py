"""The demo office: the §9.2 counts and the §9.3 invariants, checked by SQL against a built demo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.demo import DemoRefused, DemoSummary, build_demo
from core.domain.audit import AuditKind, verify_chain
from core.domain.fiscal import FiscalCalendar, meeting_title
from core.domain.models import AuditEntry, BudgetMonth, ImportBatch, Office

AS_AT = date(2025, 8, 15)
CAL = FiscalCalendar(7)
TRANSACTIONAL = (
    "action",
    "agenda_item",
    "attendance",
    "budget_line",
    "budget_month",
    "commitment",
    "decision",
    "delegation_member",
    "forum_event",
    "meeting",
    "milestone",
    "paper",
    "secondment",
    "staff_allocation",
)

# Actions whose owner is not the liaison of an agency that was a member of the group on the raised date.
OWNER_NOT_A_MEMBER_LIAISON = (
    "SELECT count(*) FROM action a WHERE NOT EXISTS (SELECT 1 FROM group_membership g "
    "WHERE g.group_id = a.group_id AND g.organisation_id = a.owner_agency_id AND g.role = 'MEMBER' "
    "AND g.start_date <= a.raised_on AND (g.end_date IS NULL OR g.end_date >= a.raised_on) "
    "AND g.liaison_person_id = a.owner_person_id)"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    db = open_database(tmp_path_factory.mktemp("demo") / "d.cyberdesk", create=True)
    summary = build_demo(db, as_at=AS_AT)
    yield db, summary
    db.close()


@pytest.fixture(scope="module")
def db(built: tuple[Database, DemoSummary]) -> Database:
    return built[0]


def query(db: Database, sql: str, **params: Any) -> list[Any]:
    """Result rows (sqlalchemy Rows: tuples with attribute access)."""
    with db.engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def scalar(db: Database, sql: str, **params: Any) -> Any:
    return query(db, sql, **params)[0][0]


def count(db: Database, table: str) -> int:
    return int(scalar(db, f"SELECT count(*) FROM {table}"))


def build_into(path: Path, **kwargs: Any) -> Database:
    db = open_database(path, create=True)
    build_demo(db, **{"as_at": AS_AT, **kwargs})
    return db


@pytest.mark.parametrize(
    ("table", "low", "high"),
    [
        ("person", 50, 60),
        ("forum", 32, 40),
        ("forum_event", 90, 150),
        ("meeting", 13, 13),
        ("agenda_item", 85, 125),
        ("attendance", 160, 230),
        ("paper", 35, 70),
        ("decision", 20, 40),
        ("action", 120, 180),
        ("budget_line", 100, 140),
        ("secondment", 10, 10),
        ("commitment", 25, 25),
        ("milestone", 50, 100),
        ("commitment_tag", 40, 80),
        ("delegation_member", 60, 220),
    ],
)
def test_counts_are_in_the_spec_ranges(db: Database, table: str, low: int, high: int) -> None:
    assert low <= count(db, table) <= high


def test_agencies_trips_and_monthly_rows(db: Database) -> None:
    assert scalar(db, "SELECT count(*) FROM organisation WHERE org_type = 'AGENCY'") == 15
    assert 55 <= scalar(db, "SELECT count(*) FROM forum_event WHERE estimated_travel_cost IS NOT NULL") <= 95
    assert count(db, "budget_month") == 12 * count(db, "budget_line")
    lines_per_year = query(db, "SELECT fiscal_year, count(*) FROM budget_line GROUP BY fiscal_year")
    assert [fy for fy, _ in lines_per_year] == [2023, 2024, 2025, 2026]
    assert all(25 <= n <= 35 for _, n in lines_per_year)


def test_meetings_fall_in_their_fiscal_quarter(db: Database) -> None:
    meetings = query(db, "SELECT number, meeting_date, fiscal_year, fiscal_quarter, status, minutes FROM meeting")
    for number, when, fy, quarter, status, minutes in meetings:
        day = date.fromisoformat(when)
        assert (CAL.fiscal_year_of(day), CAL.quarter_of(day)) == (fy, quarter)
        assert day.month in (2, 5, 8, 11) and 15 <= day.day <= 21
        if status == "HELD":
            assert minutes.splitlines()[0] == meeting_title(number, CAL, day)
    assert len({(fy, q) for _, _, fy, q, _, _ in meetings}) == len(meetings)
    assert scalar(db, "SELECT count(*) FROM (SELECT DISTINCT group_id, fiscal_year, fiscal_quarter FROM meeting)") == 13
    first = min(meetings)
    assert (first[0], first[1]) == (1, "2022-08-18")


def test_meeting_statuses_around_the_as_at_date(db: Database) -> None:
    rows = query(db, "SELECT number, meeting_date, status, minutes_status FROM meeting ORDER BY number")
    held = [r for r in rows if r.status == "HELD"]
    assert all(r.meeting_date <= AS_AT.isoformat() for r in held)
    assert [r.minutes_status for r in held] == ["CONFIRMED"] * 11 + ["CIRCULATED"]
    (scheduled,) = [r for r in rows if r.status == "SCHEDULED"]
    assert (scheduled.number, scheduled.meeting_date, scheduled.minutes_status) == (13, "2025-08-21", "DRAFT")
    scheduled_id = scalar(db, "SELECT id FROM meeting WHERE number = 13")
    assert scalar(db, "SELECT count(*) FROM agenda_item WHERE meeting_id = :m", m=scheduled_id) >= 8
    assert scalar(db, "SELECT count(*) FROM decision WHERE meeting_id = :m", m=scheduled_id) == 0
    # The draft attendance list is there, everyone expected (stored as present), chair and secretariat first.
    draft = query(db, "SELECT role, status FROM attendance WHERE meeting_id = :m ORDER BY id", m=scheduled_id)
    assert [r.role for r in draft[:2]] == ["Chair", "Secretariat"] and len(draft) > 10
    assert {r.status for r in draft} == {"PRESENT"}
    assert scalar(db, "SELECT count(*) FROM action WHERE raised_at_meeting_id = :m", m=scheduled_id) == 0


def test_agendas_have_the_standing_items_and_look_ahead(db: Database) -> None:
    titles = [t for (t,) in query(db, "SELECT title FROM agenda_item WHERE is_standing = 1")]
    for standing in ("Welcome and apologies", "Matters arising / action log", "Any other business"):
        assert titles.count(standing) == 13
    per_meeting = query(
        db,
        "SELECT m.meeting_date, min(e.start_date) FROM agenda_item a JOIN meeting m ON m.id = a.meeting_id "
        "JOIN forum_event e ON e.id = a.forum_event_id WHERE a.title LIKE '%preparation%' GROUP BY m.id",
    )
    assert len(per_meeting) >= 10
    for meeting_date, event_start in per_meeting:
        ahead = date.fromisoformat(event_start) - date.fromisoformat(meeting_date)
        assert timedelta(0) < ahead <= timedelta(days=183)


def test_attendance_per_meeting(db: Database) -> None:
    rows = query(
        db,
        "SELECT a.meeting_id, count(*), sum(a.status = 'APOLOGY'), sum(a.status = 'ALTERNATE') FROM attendance a "
        "JOIN meeting m ON m.id = a.meeting_id WHERE m.status = 'HELD' GROUP BY a.meeting_id",
    )
    assert len(rows) == 12  # the held meetings; the coming one has its draft list (test above)
    for _, records, apologies, _ in rows:
        assert 14 <= records <= 18
        assert 1 <= apologies <= 4
    alternates = sum(r[3] for r in rows)
    assert 0.05 <= alternates / sum(r[1] for r in rows) <= 0.25
    bad_alternates = scalar(
        db,
        "SELECT count(*) FROM attendance a JOIN person p ON p.id = a.person_id JOIN person q "
        "ON q.id = a.alternate_for_person_id WHERE a.status = 'ALTERNATE' AND p.organisation_id <> q.organisation_id",
    )
    assert bad_alternates == 0


def test_every_action_owner_is_a_member_liaison_on_the_raised_date(db: Database) -> None:
    assert scalar(db, OWNER_NOT_A_MEMBER_LIAISON) == 0
    wrong_agency = scalar(
        db,
        "SELECT count(*) FROM action a JOIN person p ON p.id = a.owner_person_id "
        "WHERE p.organisation_id <> a.owner_agency_id",
    )
    assert wrong_agency == 0
    assert scalar(db, "SELECT count(*) FROM action WHERE owner_person_id IS NULL") == 0


def test_action_dates_and_carry_forward(db: Database) -> None:
    as_at = AS_AT.isoformat()
    assert scalar(db, "SELECT count(*) FROM action WHERE closed_on > :d OR closed_on < raised_on", d=as_at) == 0
    assert scalar(db, "SELECT count(*) FROM action WHERE (status = 'COMPLETE') <> (closed_on IS NOT NULL)") == 0
    assert scalar(db, "SELECT count(*) FROM action WHERE (closed_on IS NULL) <> (closed_at_meeting_id IS NULL)") == 0
    closed_before_meeting = scalar(
        db,
        "SELECT count(*) FROM action a JOIN meeting m ON m.id = a.closed_at_meeting_id "
        "WHERE m.meeting_date < a.closed_on",
    )
    assert closed_before_meeting == 0
    for raised, original, due, extensions in query(
        db, "SELECT raised_on, original_due_date, due_date, extension_count FROM action"
    ):
        weeks = (date.fromisoformat(original) - date.fromisoformat(raised)).days / 7
        assert 2 <= weeks <= 12
        assert due >= original
        if extensions == 1:
            assert due > original
    assert scalar(db, "SELECT max(extension_count) FROM action") == 1


def test_an_action_naming_an_event_is_due_and_done_while_it_still_makes_sense(db: Database) -> None:
    """Preparing an event (briefing pack, objectives, delegation, statement) is due and done before it opens, and
    is not left open once it has; a read-out comes after the event ends and within six months of it."""
    rows = query(
        db,
        "SELECT a.ref, a.description, a.raised_on, a.due_date, a.closed_on, e.title, e.start_date, e.end_date "
        "FROM action a JOIN forum_event e ON e.id = a.forum_event_id",
    )
    checked = {"preparation": 0, "read-out": 0}
    for ref, text, raised, due, closed, title, start, end in rows:
        if f"{title} (" not in text:  # the action names its forum only (points of contact, the calendar)
            continue
        start, end = date.fromisoformat(start), date.fromisoformat(end)
        if "read-out of" in text or "outcomes of" in text:
            kind, last = "read-out", end + timedelta(days=183)
            assert date.fromisoformat(raised) > end, f"{ref}: a read-out raised before {title} ended"
        else:
            kind, last = "preparation", start - timedelta(days=1)
        checked[kind] += 1
        assert date.fromisoformat(due) <= last, f"{ref}: {text!r} is due {due}"
        if closed is not None:
            assert date.fromisoformat(closed) <= last, f"{ref}: {text!r} was done {closed}"
        else:
            assert last >= AS_AT, f"{ref}: {text!r} is still open at {AS_AT}"
    assert checked["preparation"] >= 20 and checked["read-out"] >= 3


def test_action_status_mix_at_the_as_at_date(db: Database) -> None:
    total = count(db, "action")
    statuses = dict(query(db, "SELECT status, count(*) FROM action GROUP BY status"))
    assert 0.72 <= statuses["COMPLETE"] / total <= 0.9
    assert statuses.get("DEFERRED", 0) >= 1
    extended = scalar(db, "SELECT count(*) FROM action WHERE extension_count = 1")
    assert 0.08 <= extended / total <= 0.25
    overdue = scalar(
        db, "SELECT count(*) FROM action WHERE status IN ('OPEN', 'IN_PROGRESS') AND due_date < :d", d=AS_AT.isoformat()
    )
    assert 1 <= overdue <= 0.08 * total


def test_budget_months_follow_the_as_at_date(db: Database) -> None:
    # Closed years: actuals only, so forecast outturn (actual + committed + forecast) equals actual.
    assert (
        scalar(
            db,
            "SELECT count(*) FROM budget_month m JOIN budget_line l ON l.id = m.budget_line_id "
            "WHERE l.fiscal_year < 2026 AND (m.forecast <> 0 OR m.committed <> 0)",
        )
        == 0
    )
    # The current year: July (fiscal month 1) is closed at 15 Aug; August onwards is committed or forecast.
    assert (
        scalar(
            db,
            "SELECT count(*) FROM budget_month m JOIN budget_line l ON l.id = m.budget_line_id "
            "WHERE l.fiscal_year = 2026 AND ((m.fiscal_month >= 2 AND m.actual <> 0) "
            "OR (m.fiscal_month = 1 AND (m.forecast <> 0 OR m.committed <> 0)))",
        )
        == 0
    )
    assert scalar(db, "SELECT count(*) FROM budget_month WHERE forecast < 0 OR committed < 0 OR actual < 0") == 0
    # Budgets are set in whole thousands and the phasing adds up to them exactly.
    assert (
        scalar(
            db,
            "SELECT count(*) FROM (SELECT l.id, sum(m.revised) AS r FROM budget_line l JOIN budget_month m "
            "ON m.budget_line_id = l.id JOIN cost_category c ON c.id = l.category_id WHERE c.code <> 'SECOND' "
            "GROUP BY l.id) WHERE r % 100000 <> 0",
        )
        == 0
    )


def test_money_sums_are_exact(db: Database) -> None:
    with db.read() as session:
        months = list(session.scalars(sa.select(BudgetMonth)))
    assert all(isinstance(m.actual, Decimal) and m.actual.as_tuple().exponent == -2 for m in months)
    in_cents = scalar(db, "SELECT sum(actual) FROM budget_month")
    assert sum((m.actual for m in months), Decimal("0.00")) * 100 == in_cents
    mismatched = scalar(
        db,
        "SELECT count(*) FROM forum_event e WHERE e.estimated_travel_cost IS NOT NULL AND "
        "(e.estimated_travel_cost <> (SELECT sum(estimated_cost) FROM delegation_member WHERE forum_event_id = e.id) "
        "OR coalesce(e.actual_travel_cost, -1) <> coalesce((SELECT sum(actual_cost) FROM delegation_member "
        "WHERE forum_event_id = e.id), -1))",
    )
    assert mismatched == 0


def test_travel_actuals_match_trip_costs_in_closed_years(db: Database) -> None:
    travel = dict(
        query(
            db,
            "SELECT l.fiscal_year, sum(m.actual) FROM budget_line l JOIN budget_month m ON m.budget_line_id = l.id "
            "JOIN cost_category c ON c.id = l.category_id WHERE c.code = 'TRAVEL' GROUP BY l.fiscal_year",
        )
    )
    trips: dict[int, int] = {}
    for start, cost in query(db, "SELECT start_date, actual_travel_cost FROM forum_event WHERE actual_travel_cost > 0"):
        fy = CAL.fiscal_year_of(date.fromisoformat(start))
        trips[fy] = trips.get(fy, 0) + cost
    for fy in (2023, 2024, 2025):
        assert abs(travel[fy] - trips[fy]) <= 0.1 * trips[fy]


def test_every_paper_belongs_to_an_agenda_item_of_its_meeting(db: Database) -> None:
    assert (
        scalar(
            db,
            "SELECT count(*) FROM paper p LEFT JOIN agenda_item a ON a.id = p.agenda_item_id "
            "WHERE a.id IS NULL OR a.meeting_id <> p.meeting_id OR a.paper_ref <> p.ref",
        )
        == 0
    )
    sensitive = scalar(
        db, "SELECT avg(k.label = 'OFFICIAL: Sensitive') FROM paper p JOIN marking k ON k.id = p.marking_id"
    )
    assert 0.1 <= sensitive <= 0.3


def test_commitments_reference_forums_and_mirror_allowed_rows_only(db: Database) -> None:
    assert (
        scalar(
            db,
            "SELECT count(*) FROM commitment c LEFT JOIN forum f ON f.id = c.forum_id "
            "WHERE c.forum_id IS NOT NULL AND f.id IS NULL",
        )
        == 0
    )
    assert scalar(db, "SELECT count(*) FROM commitment WHERE forum_id IS NOT NULL") >= 15
    titles = " ".join(t for (t,) in query(db, "SELECT title FROM commitment"))
    for excluded in ("CISA", "Treasury", "MINDEF", "Indonesia", "India", "sanction", "Programme of Action"):
        assert excluded not in titles
    per_commitment = query(
        db,
        "SELECT c.id, (SELECT count(*) FROM milestone m WHERE m.commitment_id = c.id), "
        "(SELECT count(*) FROM commitment_tag t WHERE t.commitment_id = c.id) FROM commitment c",
    )
    assert all(2 <= milestones <= 4 and 1 <= tags <= 3 for _, milestones, tags in per_commitment)
    assert scalar(db, "SELECT count(*) FROM milestone WHERE done_date > :d", d=AS_AT.isoformat()) == 0
    assert (
        scalar(db, "SELECT count(*) FROM commitment WHERE effective_date < signed_date OR expiry_date < effective_date")
        == 0
    )
    partners = [n for (n,) in query(db, "SELECT name FROM organisation WHERE org_type = 'FOREIGN_GOVERNMENT'")]
    assert sorted(partners) == [f"Partner State {p}" for p in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")]


def test_the_oewg_gives_way_to_the_global_mechanism(db: Database) -> None:
    after = scalar(
        db,
        "SELECT count(*) FROM forum_event e JOIN forum f ON f.id = e.forum_id "
        "WHERE f.acronym = 'OEWG 2021–25' AND e.end_date > '2025-07-11'",
    )
    assert after == 0
    gm = query(
        db,
        "SELECT e.start_date, e.end_date, e.date_precision FROM forum_event e JOIN forum f ON f.id = e.forum_id "
        "WHERE f.acronym = 'Global Mechanism'",
    )
    assert ("2026-03-30", "2026-03-31", "DAY") in gm
    assert (
        scalar(
            db,
            "SELECT count(*) FROM forum_event WHERE date_precision = 'MONTH' AND "
            "(strftime('%d', start_date) <> '01' OR date(start_date, '+1 month', '-1 day') <> end_date)",
        )
        == 0
    )
    assert scalar(db, "SELECT min(start_date) >= '2022-07-01' AND max(start_date) <= '2026-06-30' FROM forum_event")


def test_secondments_follow_the_mix_and_the_rules(db: Database) -> None:
    statuses = dict(query(db, "SELECT status, count(*) FROM secondment GROUP BY status"))
    assert statuses == {"COMPLETED": 4, "ACTIVE": 4, "EXTENDED": 1, "PROPOSED": 1}
    types = dict(query(db, "SELECT secondment_type, count(*) FROM secondment GROUP BY secondment_type"))
    assert types == {
        "INDUSTRY_LOAN": 3,
        "ACADEMIC_FELLOW": 2,
        "INTERAGENCY_ROTATION": 3,
        "OUTWARD_TO_IO": 1,
        "OUTWARD_TO_INDUSTRY": 1,
    }
    undeclared = scalar(
        db,
        "SELECT count(*) FROM secondment WHERE secondment_type = 'INDUSTRY_LOAN' AND status IN ('ACTIVE', 'EXTENDED') "
        "AND (coi_declaration_date IS NULL OR coi_status IS NULL OR confidentiality_signed = 0)",
    )
    assert undeclared == 0
    assert scalar(db, "SELECT count(*) FROM secondment WHERE planned_end_date < start_date") == 0
    assert (
        scalar(
            db,
            "SELECT count(*) FROM secondment WHERE status = 'COMPLETED' AND actual_end_date > :d",
            d=AS_AT.isoformat(),
        )
        == 0
    )
    assert (
        scalar(
            db,
            "SELECT count(*) FROM secondment s JOIN secondment_extension x ON x.secondment_id = s.id "
            "WHERE s.status = 'EXTENDED' AND x.new_end_date = s.planned_end_date "
            "AND x.previous_end_date = s.original_end_date",
        )
        == 1
    )
    # Host costs show up in SECOND lines whenever the office pays part of an inward secondment.
    unbudgeted = scalar(
        db,
        "SELECT count(*) FROM secondment WHERE direction = 'INWARD' AND cost_sharing <> 'HOME_PAYS_ALL' "
        "AND status <> 'PROPOSED' AND budget_line_id IS NULL",
    )
    assert unbudgeted == 0


def test_office_is_marked_as_demo(db: Database) -> None:
    with db.read() as session:
        office = session.get(Office, 1)
        assert office is not None
        assert (office.is_demo, office.demo_seed, office.demo_as_at) == (True, 20250630, AS_AT)
        assert (office.fy_start_month, office.home_state, office.currency) == (7, "Republic of Meridia", "XTS")
        batch = session.scalars(sa.select(ImportBatch)).one()
        assert batch.kind == "demo"


def test_audit_chain_verifies_with_one_batch_entry_per_table(built: tuple[Database, DemoSummary]) -> None:
    db, summary = built
    with db.read() as session:
        assert verify_chain(session.connection()).problems == ()
        entries = list(session.scalars(sa.select(AuditEntry)))
        batch = session.scalars(sa.select(ImportBatch)).one()
    assert {e.kind for e in entries} == {AuditKind.BATCH}
    assert sorted(e.table_name for e in entries) == sorted(summary.counts)
    assert {e.table_name: e.row_count for e in entries} == summary.counts
    assert {e.batch_id for e in entries} == {summary.batch_id} == {batch.batch_uuid}
    assert batch.row_count == summary.total_rows
    for entry in entries:
        if entry.table_name in ("action", "meeting", "person"):
            assert entry.row_count == count(db, entry.table_name)
            assert (entry.id_min, entry.id_max) == (1, entry.row_count)


def test_a_second_build_is_refused_without_replace(db: Database) -> None:
    before = count(db, "action")
    with pytest.raises(DemoRefused):
        build_demo(db, as_at=AS_AT)
    assert count(db, "action") == before


def test_same_seed_same_rows_other_seed_other_rows(tmp_path: Path, db: Database) -> None:
    tables = ("person", "action", "budget_month", "forum_event", "commitment", "attendance", "meeting")
    again = build_into(tmp_path / "again.cyberdesk")
    try:
        for table in tables:
            assert query(again, f"SELECT * FROM {table} ORDER BY 1, 2") == query(
                db, f"SELECT * FROM {table} ORDER BY 1, 2"
            )
        build_demo(again, as_at=AS_AT, seed=7, replace=True)
        assert query(again, "SELECT * FROM action ORDER BY 1") != query(db, "SELECT * FROM action ORDER BY 1")
        assert scalar(again, "SELECT demo_seed FROM office") == 7
        assert scalar(again, "SELECT count(*) FROM import_batch") == 1
        with again.read() as session:
            assert verify_chain(session.connection()).problems == ()
    finally:
        again.close()


def test_scale_three_roughly_triples_the_transactional_rows(tmp_path: Path, db: Database) -> None:
    scaled = build_into(tmp_path / "scaled.cyberdesk", scale=3)
    try:
        for table in TRANSACTIONAL:
            ratio = count(scaled, table) / count(db, table)
            assert 2.6 <= ratio <= 3.4, (table, ratio)
        for table in ("reference_item", "cost_category", "marking", "office"):
            assert count(scaled, table) == count(db, table)
        assert count(scaled, "engagement_group") == 3
        assert (
            scalar(scaled, "SELECT count(*) FROM (SELECT DISTINCT group_id, fiscal_year, fiscal_quarter FROM meeting)")
            == 39
        )
        assert scalar(scaled, "SELECT count(DISTINCT meeting_date) FROM meeting") == 13
        assert scalar(scaled, OWNER_NOT_A_MEMBER_LIAISON) == 0
    finally:
        scaled.close()


def test_another_as_at_date_shifts_the_window(tmp_path: Path) -> None:
    later = build_into(tmp_path / "later.cyberdesk", as_at=date(2026, 12, 1))
    try:
        first, last = query(later, "SELECT min(meeting_date), max(meeting_date) FROM meeting")[0]
        assert (first, last) == ("2023-08-17", "2027-02-18")
        assert scalar(later, "SELECT count(*) FROM meeting WHERE status = 'SCHEDULED'") == 1
        assert [fy for (fy,) in query(later, "SELECT DISTINCT fiscal_year FROM budget_line ORDER BY 1")] == [
            2024, 2025, 2026, 2027
        ]  # fmt: skip
        gm = query(
            later,
            "SELECT e.start_date, e.end_date FROM forum_event e JOIN forum f ON f.id = e.forum_id "
            "WHERE f.acronym = 'Global Mechanism' ORDER BY 1",
        )
        assert gm[:3] == [("2026-03-30", "2026-03-31"), ("2026-07-20", "2026-07-24"), ("2026-12-07", "2026-12-11")]
        assert scalar(later, "SELECT count(*) FROM action WHERE closed_on > '2026-12-01'") == 0
    finally:
        later.close()
