"""The Resources page's budget grid: forum × quarter or month sums, filters, drill-down and revision history."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from core.db.engine import Database
from core.domain.forums import Forum, ForumType, Priority
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth
from core.reports.budget import NO_FORUM, BudgetScope, budget_workbook_figures
from core.reports.budget_grid import GridFilter, budget_grid, grid_lines, line_revisions, period_months
from core.services.budget import set_budget_amount
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)
from tests.core.io.budget_office import AS_AT

FY = 2025


def _by_hand(db: Database, measure: str, keep=lambda line, forum: True) -> dict[int | None, list[int]]:  # type: ignore[no-untyped-def]
    """Forum -> twelve months of cents, added up row by row through the ORM, not by the report's SQL."""
    sums: dict[int | None, list[int]] = defaultdict(lambda: [0] * 12)
    with db.read() as session:
        for line, month in session.execute(
            sa.select(BudgetLine, BudgetMonth)
            .join(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
            .where(BudgetLine.fiscal_year == FY)
        ):
            forum = session.get(Forum, line.forum_id) if line.forum_id else None
            if keep(line, forum):
                sums[line.forum_id][month.fiscal_month - 1] += int(getattr(month, measure) * 100)
    return dict(sums)


def test_quarters_sum_each_forums_months_and_the_totals_add_up(demo: Database) -> None:
    expected = _by_hand(demo, "revised")
    with demo.read() as session:
        grid = budget_grid(session, GridFilter(FY), BudgetMeasure.REVISED, by_month=False)
        figures = budget_workbook_figures(BudgetScope(session, FY), as_at=AS_AT)
    assert grid.period_labels == ("Q1", "Q2", "Q3", "Q4")
    assert {row.forum_id for row in grid.rows} == set(expected)
    for row in grid.rows:
        months = expected[row.forum_id]
        assert row.cells == tuple(sum(months[3 * q : 3 * q + 3]) for q in range(4))
    assert None in expected, "the demo office has office-wide lines"
    assert grid.rows[-1].forum == NO_FORUM and grid.rows[-1].forum_id is None
    assert grid.total == sum(grid.column_totals) == figures.total.revised


def test_months_of_the_actual_and_a_cost_category_filter(demo: Database) -> None:
    with demo.read() as session:
        category_id = session.scalar(
            sa.select(BudgetLine.category_id).where(BudgetLine.fiscal_year == FY).order_by(BudgetLine.id).limit(1)
        )
        grid = budget_grid(session, GridFilter(FY, category_id=category_id), BudgetMeasure.ACTUAL, by_month=True)
    expected = _by_hand(demo, "actual", lambda line, _forum: line.category_id == category_id)
    assert len(grid.period_labels) == 12 and grid.period_labels[0] == "Jul"
    assert {row.forum_id: list(row.cells) for row in grid.rows} == expected


def test_forum_type_and_priority_filters_leave_out_office_wide_lines(demo: Database) -> None:
    with demo.read() as session:
        grid = budget_grid(
            session,
            GridFilter(FY, forum_type=ForumType.MULTILATERAL, priority=Priority.HIGH),
            BudgetMeasure.REVISED,
            by_month=False,
        )
    expected = _by_hand(
        demo,
        "revised",
        lambda _line, forum: (
            forum is not None and forum.forum_type == ForumType.MULTILATERAL and forum.priority == Priority.HIGH
        ),
    )
    assert expected, "the demo office funds a high-priority multilateral forum"
    assert {row.forum_id: sum(row.cells) for row in grid.rows} == {k: sum(v) for k, v in expected.items()}
    assert all(row.priority == "High" and row.forum_type == "Multilateral forum" for row in grid.rows)


def test_drill_down_lists_the_lines_of_a_cell_and_they_add_up_to_it(demo: Database) -> None:
    with demo.read() as session:
        grid = budget_grid(session, GridFilter(FY), BudgetMeasure.REVISED, by_month=False)
        row = max(grid.rows, key=lambda r: r.total)
        lines = grid_lines(session, GridFilter(FY), row.forum_id, BudgetMeasure.REVISED, period_months(False, 2))
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(BudgetLine)
            .where(
                BudgetLine.fiscal_year == FY,
                BudgetLine.forum_id.is_(None) if row.forum_id is None else BudgetLine.forum_id == row.forum_id,
            )
        )
    assert lines.shown_months == (4, 5, 6)
    assert lines.month_labels[3] == "Oct 2024"
    assert len(lines.lines) == count
    assert sum(line.amount(m) for line in lines.lines for m in (4, 5, 6)) == row.cells[1]
    assert sum(sum(line.months) for line in lines.lines) == row.total


def test_overcommitted_lines_and_forums_carry_the_warning(demo: Database) -> None:
    with demo.write(actor="finance") as session:
        grid = budget_grid(session, GridFilter(FY), BudgetMeasure.REVISED, by_month=False)
        row = next(r for r in grid.rows if not r.overcommitted)
        line = grid_lines(session, GridFilter(FY), row.forum_id, BudgetMeasure.REVISED).lines[0]
        set_budget_amount(
            session, line.line_id, 1, BudgetMeasure.ACTUAL, Decimal(row.total) / 100 * 2, reason="Invoice"
        )
    with demo.read() as session:
        after = budget_grid(session, GridFilter(FY), BudgetMeasure.REVISED, by_month=False)
        warned = next(
            x
            for x in grid_lines(session, GridFilter(FY), row.forum_id, BudgetMeasure.ACTUAL).lines
            if x.line_id == line.line_id
        )
        history = line_revisions(session, line.line_id)
    assert next(r for r in after.rows if r.forum_id == row.forum_id).overcommitted
    assert warned.warning.startswith("Committed + actual exceed the revised budget by ")
    assert (history[0].month, history[0].measure, history[0].reason, history[0].who) == (
        "Jul 2024",
        "Actual",
        "Invoice",
        "finance",
    )
    assert history[0].new == Decimal(row.total) / 100 * 2


def test_budget_by_forum_under_a_marking_ceiling_counts_only_the_lines_at_or_below_it(demo: Database) -> None:
    from core.domain.commitments import Commitment
    from core.domain.forums import ForumEvent
    from core.domain.reference import Marking
    from core.reports.budget import budget_by_forum
    from core.services.office import load_settings

    with demo.write() as session:
        ranks = {m.id: m.rank for m in session.scalars(sa.select(Marking))}
        top = max(ranks, key=ranks.__getitem__)
        lines = session.scalars(sa.select(BudgetLine).where(BudgetLine.fiscal_year == FY).order_by(BudgetLine.id)).all()
        for line in lines[::3]:
            line.marking_id = top  # every third line above the lowest marking
    with demo.read() as session:
        settings = load_settings(session)
        scheme = {m.label: m.rank for m in session.scalars(sa.select(Marking))}
        default = scheme.get(settings.default_marking or "", min(scheme.values()))
        lowest = min(scheme.values())

        def rank(marking_id: int | None) -> int:
            return ranks[marking_id] if marking_id is not None else default

        kept: dict[int | None, Decimal] = defaultdict(Decimal)
        left_out = 0
        for line in session.scalars(sa.select(BudgetLine).where(BudgetLine.fiscal_year == FY)):
            linked = [line.marking_id]
            if line.commitment_id:
                linked.append(session.get(Commitment, line.commitment_id).marking_id)
            if line.forum_event_id:
                linked.append(session.get(ForumEvent, line.forum_event_id).marking_id)
            if max(rank(m) for m in linked) > lowest:
                left_out += 1
                continue
            months = session.scalars(sa.select(BudgetMonth.revised).where(BudgetMonth.budget_line_id == line.id))
            kept[line.forum_id] += sum(months, Decimal(0))
        result = budget_by_forum(session, FY, AS_AT, max_marking_rank=lowest)
        whole = budget_by_forum(session, FY, AS_AT)
    assert left_out >= len(lines[::3]) and result.left_out_by_marking == left_out
    assert {row.forum_id: row.revised for row in result.rows} == dict(kept)
    assert result.highest_rank == lowest and whole.highest_rank == ranks[top]
    assert whole.revised > result.revised
