"""Priorities against resources: each forum's share of money and staff time, staff cost, flags, over-allocation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.fiscal import working_days_between
from core.domain.forums import Forum, Priority
from core.domain.organisations import Person
from core.domain.reference import Office
from core.domain.resources import BudgetLine, BudgetMonth, StaffAllocation
from core.reports.resource_shares import resource_shares
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)

FY = 2025


def test_shares_add_up_to_the_year_and_staff_cost_follows_the_day_rate(demo: Database) -> None:
    with demo.write() as session:
        session.get(Office, 1).staff_day_rate = Decimal("400.00")
    with demo.read() as session:
        shares = resource_shares(session, FY)
        revised = session.scalar(
            sa.select(sa.func.sum(BudgetMonth.revised))
            .join(BudgetLine, BudgetLine.id == BudgetMonth.budget_line_id)
            .where(BudgetLine.fiscal_year == FY)
        )
    assert shares.rows and shares.staff_day_rate == Decimal("400.00")
    assert Decimal(sum(r.revised for r in shares.rows)) / 100 == revised
    assert sum(r.money_share or 0 for r in shares.rows) == pytest.approx(1.0)
    assert sum(r.staff_share or 0 for r in shares.rows) == pytest.approx(1.0)
    for row in shares.rows:
        assert row.staff_cost == row.staff_days * 400
    ranks = {p.label: i for i, p in enumerate(Priority)}
    order = [ranks.get(r.priority, 3) for r in shares.rows]
    assert order == sorted(order)


def test_a_low_priority_forum_given_more_money_than_a_high_one_is_flagged(demo: Database) -> None:
    with demo.write() as session:
        low = session.scalars(sa.select(Forum).where(Forum.priority == Priority.LOW).limit(1)).one()
        line = session.scalars(sa.select(BudgetLine).where(BudgetLine.fiscal_year == FY).limit(1)).one()
        line.forum_id = low.id
        session.flush()
        session.execute(
            sa.update(BudgetMonth).where(BudgetMonth.budget_line_id == line.id).values(revised=Decimal("9000000.00"))
        )
        name = low.acronym or low.full_name
    with demo.read() as session:
        shares = resource_shares(session, FY)
    money = [f for f in shares.flags if f.what == "money" and f.low == name]
    assert money and money[0].sentence().startswith(f"{name} (Low priority) takes more money than ")


def _office_wide_days(db: Database) -> Decimal:
    with db.read() as session:
        return next((r.staff_days for r in resource_shares(session, FY).rows if r.forum_id is None), Decimal(0))


def test_people_over_one_fte_on_any_day_are_listed_with_the_first_day(demo: Database) -> None:
    before = _office_wide_days(demo)
    october, overlap = (date(2024, 10, 1), date(2024, 10, 31), 70), (date(2024, 10, 21), date(2024, 11, 8), 40)
    with demo.write() as session:
        person = session.scalars(
            sa.select(Person).where(Person.id.not_in(sa.select(StaffAllocation.person_id))).limit(1)
        ).one()
        for start, end, fte in (october, overlap):
            session.add(StaffAllocation(person_id=person.id, start_date=start, end_date=end, fte_hundredths=fte))
        name = person.full_name
    with demo.read() as session:
        shares = resource_shares(session, FY)
    assert (name, date(2024, 10, 21)) in shares.over_allocated
    assert all(person != name or day == date(2024, 10, 21) for person, day in shares.over_allocated)
    # Office-wide time grows by 0.7 × October's working days + 0.4 × those from 21 October to 8 November.
    added = sum(
        (
            Decimal(working_days_between(start - timedelta(days=1), end)) * fte / 100
            for start, end, fte in (october, overlap)
        ),
        Decimal(0),
    )
    assert _office_wide_days(demo) - before == added


def test_over_full_time_finds_the_first_day_and_total_an_allocation_would_reach(demo: Database) -> None:
    from core.reports.resource_shares import over_full_time

    with demo.write() as session:
        person = session.scalars(
            sa.select(Person).where(Person.id.not_in(sa.select(StaffAllocation.person_id))).limit(1)
        ).one()
        october = StaffAllocation(
            person_id=person.id, start_date=date(2024, 10, 1), end_date=date(2024, 10, 31), fte_hundredths=70
        )
        session.add(october)
        session.flush()
        person_id, october_id = person.id, october.id
    with demo.read() as session:
        # 0.4 from 21 October on top of October's 0.7: 1.1 FTE from the 21st.
        assert over_full_time(session, person_id, date(2024, 10, 21), date(2024, 11, 8), 40) == (
            date(2024, 10, 21),
            110,
        )
        # Exactly 1.0 is not over; starting after October ends is not either.
        assert over_full_time(session, person_id, date(2024, 10, 21), date(2024, 11, 8), 30) is None
        assert over_full_time(session, person_id, date(2024, 11, 1), date(2024, 11, 8), 100) is None
        # Editing October itself to 1.0 replaces its 0.7 rather than adding to it.
        whole_october = (date(2024, 10, 1), date(2024, 10, 31))
        assert over_full_time(session, person_id, *whole_october, 100, replacing=october_id) is None
