"""The budget figures every budget view shares: measures, RAG, staff time, over-allocation, priorities."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.demo import build_demo
from core.domain.forums import Forum, Priority
from core.domain.organisations import Person
from core.domain.resources import BudgetLine, BudgetMonth, StaffAllocation
from core.reports.budget import (
    Amounts,
    BudgetScope,
    ForumFigures,
    beyond_threshold,
    budget_rag,
    budget_workbook_figures,
    cents_to_decimal,
    iter_budget_lines,
    overcommitted_warning,
    priority_flags,
    staff_time,
    variance_lines,
)

AS_AT = date(2025, 8, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("figures") / "demo.cyberdesk"
    db = open_database(path, create=True)
    build_demo(db, as_at=AS_AT)
    yield db
    db.close()


def test_measures_follow_the_design_sign_convention() -> None:
    a = Amounts(original=100_00, revised=120_00, committed=10_00, actual=80_00, forecast=20_00)
    assert a.outturn == 110_00
    assert a.under_over == 10_00  # positive: an underspend
    assert a.pct_spent == pytest.approx(80 / 120)
    assert not a.overcommitted
    over = Amounts(0, 100_00, 30_00, 80_00, 0)
    assert over.overcommitted
    assert overcommitted_warning(over) == "Committed + actual exceed the revised budget by 10.00"
    assert overcommitted_warning(a) == ""
    assert Amounts(0, 0, 0, 0, 0).pct_spent is None
    assert cents_to_decimal(12345) == Decimal("123.45")


def test_rag_against_the_variance_threshold() -> None:
    def rag(under_over: int) -> str:
        return budget_rag(Amounts(0, 1000_00, 0, 1000_00 - under_over, 0), 10)

    assert rag(0) == "Green"
    assert rag(50_00) == "Green"  # 5 %: not beyond half the threshold
    assert rag(60_00) == "Amber"
    assert rag(-100_00) == "Amber"  # 10 %: not beyond it
    assert rag(-101_00) == "Red"
    assert budget_rag(Amounts(0, 0, 0, 5, 0), 10) == ""
    assert beyond_threshold(Amounts(0, 1000_00, 0, 800_00, 0), 10)
    assert not beyond_threshold(Amounts(0, 0, 0, 800_00, 0), 10)


def _forum(name: str, priority: str, revised: int, days: str) -> ForumFigures:
    return ForumFigures(
        forum_id=1,
        forum=name,
        forum_type="",
        priority=priority,
        amounts=Amounts(0, revised, 0, 0, 0),
        revised_by_month=(0,) * 12,
        actual_by_month=(0,) * 12,
        rag="",
        staff_days=Decimal(days),
        by_category={},
    )


def test_a_low_priority_forum_taking_more_than_a_high_one_is_flagged() -> None:
    forums = [
        _forum("OEWG", Priority.HIGH.label, 500, "10"),
        _forum("IETF", Priority.LOW.label, 900, "5"),
        _forum("FIRST", Priority.LOW.label, 100, "20"),
    ]
    sentences = [flag.sentence() for flag in priority_flags(forums)]
    assert sentences == [
        "IETF (Low priority) takes more money than OEWG (High priority)",
        "FIRST (Low priority) takes more staff time than OEWG (High priority)",
    ]


def test_figures_match_the_lines_and_the_database(demo: Database) -> None:
    with demo.read() as session:
        scope = BudgetScope(session, 2025)
        figures = budget_workbook_figures(scope, as_at=AS_AT)
        lines = list(iter_budget_lines(scope))
        revised = session.scalar(
            sa.select(sa.func.sum(BudgetMonth.revised))
            .join(BudgetLine, BudgetLine.id == BudgetMonth.budget_line_id)
            .where(BudgetLine.fiscal_year == 2025)
        )
        beyond = variance_lines(scope)
    assert figures.line_count == len(lines) == 30
    assert cents_to_decimal(figures.total.revised) == revised
    assert sum(line.amounts.revised for line in lines) == figures.total.revised
    assert [line.line_id for line in beyond] == [line.line_id for line in figures.variance_lines]
    for forum in figures.forums:
        assert sum(forum.quarter(q)[0] for q in range(1, 5)) == forum.amounts.revised
        assert sum(v for v, _ in forum.by_category.values()) == forum.amounts.revised
    assert figures.fiscal_year_label == "2024–25" and figures.month_labels[0] == "Jul 2024"


def test_staff_time_days_cost_and_over_allocation(demo: Database) -> None:
    with demo.write() as session:
        allocated = sa.select(StaffAllocation.person_id)
        person = session.scalars(sa.select(Person).where(Person.id.not_in(allocated)).limit(1)).one()
        forum = session.scalars(sa.select(Forum).limit(1)).one()
        # Two allocations of 0.6 FTE overlapping for one week in September 2024: 1.2 FTE on those days.
        session.add_all(
            [
                StaffAllocation(
                    person_id=person.id,
                    forum_id=forum.id,
                    start_date=date(2024, 9, 2),
                    end_date=date(2024, 9, 13),
                    fte_hundredths=60,
                ),
                StaffAllocation(
                    person_id=person.id,
                    forum_id=None,
                    start_date=date(2024, 9, 9),
                    end_date=date(2024, 9, 20),
                    fte_hundredths=60,
                ),
            ]
        )
        name = person.full_name
    with demo.read() as session:
        settings_calendar = BudgetScope(session, 2025).calendar
        rows = staff_time(session, 2025, settings_calendar, Decimal("500.00"))
    mine = [row for row in rows if row.person == name]
    assert mine and all(row.over_allocated_on == date(2024, 9, 9) for row in mine)
    sept = next(row for row in mine if row.forum == forum.acronym and row.days == Decimal("6.00"))
    assert sept.cost == Decimal("3000.00")
    others = [row for row in rows if row.person != name]
    assert others and all(row.over_allocated_on is None for row in others)
