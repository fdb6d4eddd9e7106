"""Tests for the dashboard figures: every tile and chart series against numbers worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.domain.forums import Forum
from core.domain.meetings import Action, ActionStatus
from core.domain.organisations import Organisation, Person
from core.domain.resources import StaffAllocation
from core.domain.secondments import Secondment, SecondmentExtension
from core.reports.budget import NO_FORUM, budget_by_forum
from core.reports.dashboard import NO_PRIORITY, OTHER_FORUMS, build_dashboard, dashboard_kpis
from core.services.office import initialise_office
from tests.core.reports.test_meeting_pack import AS_AT, PackOffice, build_pack_office


@pytest.fixture
def office(tmp_path: Path) -> Iterator[PackOffice]:
    built = build_pack_office(tmp_path / "dash.cyberdesk")
    yield built
    built.db.close()


def test_tiles_on_the_pack_office(office: PackOffice) -> None:
    with office.db.read() as session:
        kpis = dashboard_kpis(session, 2026, AS_AT)
    # Jul and Aug 2025 have begun: revised 1000 + 500 (forum line) + 300 (office line); actual 250.10 + 900.
    assert kpis.planned_to_date == Decimal("1800.00")
    assert kpis.spend_to_date == Decimal("1150.10")
    assert kpis.spend_variance == Decimal("649.90")
    # A-1 (overdue) and A-4 are carried forward; A-5 is archived, the rest are closed.
    assert (kpis.open_actions, kpis.overdue_actions) == (2, 1)
    # The active secondment ends 31 Oct, beyond the 30-day window; the approved one has not started.
    assert (kpis.active_secondments, kpis.secondments_ending_soon, kpis.alert_days) == (1, 0, 30)
    # The MOU's "Late step" milestone was due on 1 Aug and is not done.
    assert (kpis.commitments_overdue, kpis.commitments_at_risk) == (1, 0)
    assert kpis.next_meeting_id == office.meetings[3]
    assert kpis.next_meeting_date == date(2025, 10, 15)
    # Five working days before Wednesday 15 Oct; 18 Aug to 3 Oct is seven whole weeks, then 6, 7 and 8 Oct.
    assert kpis.pack_deadline == date(2025, 10, 8)
    assert kpis.working_days_to_pack == 38


def test_charts_on_the_pack_office(office: PackOffice) -> None:
    with office.db.read() as session:
        priority = session.get_one(Forum, office.forum).priority.label
        dash = build_dashboard(session, 2026, AS_AT)
    assert (dash.fiscal_year_label, dash.months_elapsed, dash.currency) == ("2025–26", 2, "AUD")
    forum, general = dash.budget_by_forum
    assert (forum.revised, forum.actual_to_date, forum.priority, forum.forum_ids) == (
        Decimal("2200.00"),
        Decimal("1150.10"),
        priority,
        (office.forum,),
    )
    assert (general.label, general.revised, general.actual_to_date, general.priority, general.office_wide) == (
        NO_FORUM,
        Decimal("300.00"),
        Decimal("0.00"),
        NO_PRIORITY,
        True,
    )
    months = dash.spend_by_month
    assert [m.label for m in months[:3]] == ["Jul 2025", "Aug 2025", "Sep 2025"]
    assert months[0].month_start == date(2025, 7, 1)
    assert (months[0].planned, months[0].actual) == (Decimal("1300.00"), Decimal("250.10"))
    assert (months[2].cumulative_planned, months[2].cumulative_actual) == (Decimal("2500.00"), Decimal("1155.10"))
    assert months[11].cumulative_planned == Decimal("2500.00")
    # The MOU's next review, 1 Nov 2025, falls in Q2 (Oct–Dec) of 2025–26.
    assert [(c.status, c.quarter, c.count) for c in dash.commitments] == [("In implementation", 2, 1)]
    # A-1 raised 15 Apr (122 days, overdue); A-4 raised 15 Jul (31 days, on time).
    assert [(a.label, a.on_time, a.overdue) for a in dash.ageing] == [
        ("0–30 days", 0, 0),
        ("31–90 days", 1, 0),
        ("91–180 days", 0, 1),
        ("Over 180 days", 0, 0),
    ]
    assert [(a.agency, a.overdue) for a in dash.overdue_by_agency] == [("MFA", 1)]
    assert [(b.person, b.start, b.end, b.extended) for b in dash.secondments] == [
        ("Robin Law", date(2025, 1, 1), date(2025, 10, 31), False),
        ("Sam Deputy", date(2025, 9, 1), date(2026, 8, 31), False),
    ]
    assert dash.secondments_left_out == 0
    shares = {p.priority: p for p in dash.priorities}
    assert shares[priority].revised == Decimal("2200.00")
    assert shares[priority].money_share == pytest.approx(0.88)
    assert shares[NO_PRIORITY].money_share == pytest.approx(0.12)
    assert all(p.staff_share == 0 for p in dash.priorities)


@pytest.mark.parametrize(
    ("fy", "as_at", "planned", "actual", "elapsed"),
    [
        (2025, date(2025, 6, 30), "99.00", "99.00", 12),  # the last day of 2024–25 counts all its months
        (2026, date(2025, 6, 30), "0.00", "0.00", 0),  # the day before 2025–26 begins: nothing to date
        (2026, date(2025, 7, 1), "1300.00", "250.10", 1),  # its first day: July only
        (2026, date(2026, 7, 1), "2500.00", "1155.10", 12),  # after it: the whole year
    ],
)
def test_to_date_figures_at_fiscal_year_boundaries(
    office: PackOffice, fy: int, as_at: date, planned: str, actual: str, elapsed: int
) -> None:
    with office.db.read() as session:
        dash = build_dashboard(session, fy, as_at)
    assert (dash.kpis.planned_to_date, dash.kpis.spend_to_date) == (Decimal(planned), Decimal(actual))
    assert dash.months_elapsed == elapsed


def test_secondment_extensions_staff_time_and_ending_soon(office: PackOffice) -> None:
    with office.db.write() as s:
        robin_id = s.scalars(sa.select(Person.id).where(Person.full_name == "Robin Law")).one()
        robin = s.scalars(sa.select(Secondment).where(Secondment.person_id == robin_id)).one()
        robin.planned_end_date = date(2025, 9, 10)  # within 30 days of 15 Aug
        robin.original_end_date = date(2025, 6, 30)
        s.add(
            SecondmentExtension(
                secondment_id=robin.id,
                granted_on=date(2025, 6, 1),
                previous_end_date=date(2025, 6, 30),
                new_end_date=date(2025, 9, 10),
            )
        )
        # (forum, start, end, FTE %): the one that ended before the as-at date is not staff time now.
        for forum_id, start, end, fte in (
            (office.forum, date(2025, 7, 1), date(2025, 12, 31), 60),
            (None, date(2025, 7, 1), date(2025, 12, 31), 20),
            (office.forum, date(2025, 1, 1), date(2025, 6, 30), 100),
        ):
            s.add(
                StaffAllocation(
                    person_id=robin.person_id, forum_id=forum_id, start_date=start, end_date=end, fte_hundredths=fte
                )
            )
    with office.db.read() as session:
        dash = build_dashboard(session, 2026, AS_AT)
        priority = session.get_one(Forum, office.forum).priority.label
    assert dash.kpis.secondments_ending_soon == 1
    bar = dash.secondments[0]
    assert (bar.extensions, bar.extended, bar.original_end) == (1, True, date(2025, 6, 30))
    shares = {p.priority: p for p in dash.priorities}
    assert shares[priority].fte == Decimal("0.6")
    assert shares[priority].staff_share == pytest.approx(0.75)
    assert shares[NO_PRIORITY].staff_share == pytest.approx(0.25)


def test_top_forums_then_other(office: PackOffice) -> None:
    with office.db.read() as session:
        dash = build_dashboard(session, 2026, AS_AT, top_forums=1)
    # Two bars need no "Other": it appears only when it would stand for two or more.
    assert [b.label for b in dash.budget_by_forum][1] == NO_FORUM
    with office.db.write() as s:
        mfa = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
        m3 = office.meetings[2]
        s.add(
            Action(
                group_id=office.group,
                ref="A-9",
                raised_at_meeting_id=m3,
                description="Late and old",
                owner_agency_id=mfa.id,
                raised_on=date(2024, 1, 1),
                original_due_date=date(2024, 2, 1),
                due_date=date(2024, 2, 1),
                status=ActionStatus.DEFERRED,
            )
        )
    with office.db.read() as session:
        dash = build_dashboard(session, 2026, AS_AT, top_forums=0)
    (other,) = dash.budget_by_forum
    assert (other.label, other.revised, other.forum_ids, other.office_wide) == (
        OTHER_FORUMS,
        Decimal("2500.00"),
        (office.forum,),
        True,
    )
    assert dash.ageing[3].overdue == 1
    assert [(a.agency, a.overdue) for a in dash.overdue_by_agency] == [("MFA", 2)]


def test_an_empty_office(tmp_path: Path) -> None:
    db: Database = open_database(tmp_path / "empty.cyberdesk", create=True)
    initialise_office(db, name="Empty")
    try:
        with db.read() as session:
            dash = build_dashboard(session, 2026, AS_AT)
    finally:
        db.close()
    kpis = dash.kpis
    assert (kpis.spend_to_date, kpis.planned_to_date, kpis.open_actions, kpis.overdue_actions) == (0, 0, 0, 0)
    assert (kpis.active_secondments, kpis.commitments_overdue, kpis.commitments_at_risk) == (0, 0, 0)
    assert (kpis.next_meeting_date, kpis.pack_deadline, kpis.working_days_to_pack) == (None, None, None)
    assert dash.budget_by_forum == () and dash.commitments == () and dash.overdue_by_agency == ()
    assert dash.secondments == () and dash.secondments_left_out == 0
    assert len(dash.spend_by_month) == 12 and all(m.cumulative_actual == 0 for m in dash.spend_by_month)
    assert all(a.on_time == a.overdue == 0 for a in dash.ageing)
    assert [p.priority for p in dash.priorities] == ["High", "Medium", "Low"]
    assert all(p.money_share == p.staff_share == 0 for p in dash.priorities)


def test_forum_figures_agree_with_budget_by_forum(office: PackOffice) -> None:
    """The dashboard scans the monthly amounts itself (for speed); the pack and the workbook read budget_by_forum."""
    with office.db.read() as session:
        report = budget_by_forum(session, 2026, AS_AT)
        dash = build_dashboard(session, 2026, AS_AT, top_forums=100)
    assert sorted((b.label, b.revised, b.actual_to_date) for b in dash.budget_by_forum) == sorted(
        (r.forum, r.revised, r.actual_to_date) for r in report.rows
    )
    assert (dash.kpis.planned_to_date, dash.kpis.spend_to_date) == (report.planned_to_date, report.actual_to_date)


def test_ageing_buckets_end_on_their_last_day_and_count_late_and_on_time_apart(office: PackOffice) -> None:
    """Actions raised 0, 30, 31, 90, 91, 180 and 181 days before AS_AT (and one a day after it, which the first
    bucket takes), due before AS_AT or on it, owned by two agencies."""
    with office.db.write() as s:
        s.execute(sa.update(Action).values(status=ActionStatus.COMPLETE))  # only this test's actions are open
        agencies = s.scalars(sa.select(Organisation.id).order_by(Organisation.id).limit(2)).all()
        template = s.scalars(sa.select(Action).limit(1)).one()
        for n, days in enumerate((0, 30, 31, 90, 91, 180, 181, -1)):
            for late in (False, True):
                raised = AS_AT - timedelta(days=days)
                due = AS_AT - timedelta(days=1) if late else AS_AT
                s.add(
                    Action(
                        group_id=template.group_id,
                        ref=f"AGE-{n}-{late}",
                        raised_at_meeting_id=template.raised_at_meeting_id,
                        description="Ageing",
                        owner_agency_id=agencies[n % 2],
                        raised_on=raised,
                        original_due_date=max(due, raised),
                        due_date=max(due, raised) if not late else due,
                        status=ActionStatus.OPEN if n % 3 else ActionStatus.IN_PROGRESS,
                    )
                )
    with office.db.read() as session:
        dash = build_dashboard(session, 2026, AS_AT)
        label = sa.func.coalesce(Organisation.code, Organisation.name)
        codes = dict(session.execute(sa.select(Organisation.id, label)).all())
    # (on time, late) per bucket: 0-30 days holds 0, 30 and the day after; 31-90 holds 31 and 90; and so on.
    assert [(a.on_time, a.overdue) for a in dash.ageing] == [(3, 3), (2, 2), (2, 2), (1, 1)]
    assert (dash.kpis.open_actions, dash.kpis.overdue_actions) == (16, 8)
    assert sorted((a.agency, a.overdue) for a in dash.overdue_by_agency) == sorted(
        [(codes[agencies[0]], 4), (codes[agencies[1]], 4)]
    )
