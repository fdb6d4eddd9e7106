"""Budget workbook totals that Excel recomputes to the stored values even when labels look like SUMIFS patterns.

Excel reads a SUMIFS criterion as a pattern (wildcards, a leading operator, any case), so a forum called "G7*" or
"<Regional>", or two forums sharing an acronym, would total other forums' lines once Excel recalculates. Every
SUMIFS here is recomputed with Excel's criterion rules (tests/core/io/sumifs.py) and compared with the value stored
in the file and with the database, forum by forum.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.forums import Forum
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMonth
from core.io.budget_xlsx import export_budget
from core.reports.budget import NO_FORUM
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)
from tests.core.io.budget_office import AS_AT
from tests.core.io.sumifs import criterion_matches, evaluate_sumifs

FORMULA_LIKE = "=SUM(A1)"
# Forum id in the demo office -> an acronym Excel would read as a pattern, an operator or another forum's name.
ACRONYMS = {
    1: "G7*",
    8: "G7 cyber",
    9: "CY~?",
    12: "<Regional>",
    16: FORMULA_LIKE,
    18: "ARF",
    20: "ARF",
    21: "g7 CYBER",
    33: "?",
    34: "X",
}
CATEGORIES = {3: "Travel*", 9: "Travel training", 7: "<>Staff / FTE"}


def test_the_helper_reads_criteria_as_excel_does() -> None:
    assert criterion_matches("G7*", "G7 cyber") and criterion_matches("G7*", "g7")
    assert criterion_matches("CY~?", "CY?") and not criterion_matches("CY~?", "CY~?")
    assert criterion_matches("?", "X") and not criterion_matches("?", "XY")
    assert criterion_matches("<Regional>", "ARF") and not criterion_matches("<Regional>", "T-CY")
    assert criterion_matches("=SUM(A1)", "SUM(A1)") and not criterion_matches("=SUM(A1)", "=SUM(A1)")
    assert criterion_matches("<>Staff / FTE", "Travel") and not criterion_matches("<>Staff / FTE", "staff / fte")
    assert criterion_matches(12, 12) and not criterion_matches(12, 120) and not criterion_matches(12, None)


def _rename(db: Database) -> None:
    with db.write() as session:
        for forum_id, acronym in ACRONYMS.items():
            session.get_one(Forum, forum_id).acronym = acronym
        for category_id, label in CATEGORIES.items():
            session.get_one(CostCategory, category_id).label = label


def _db_sums(db: Database) -> tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]:
    """Per forum (by id, shown by label): the year's measures; per forum and category: the revised budget."""
    measures = [sa.func.sum(getattr(BudgetMonth, m)) for m in ("original", "revised", "committed", "actual")]
    with db.read() as session:
        forum = sa.case((BudgetLine.forum_id.is_(None), NO_FORUM), else_=Forum.acronym)
        base = (
            sa.select(BudgetLine.forum_id, forum)
            .join(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
            .outerjoin(Forum, Forum.id == BudgetLine.forum_id)
            .where(BudgetLine.fiscal_year == 2025)
        )
        by_forum = session.execute(base.add_columns(*measures).group_by(BudgetLine.forum_id)).all()
        by_category = session.execute(
            base.join(CostCategory, CostCategory.id == BudgetLine.category_id)
            .add_columns(CostCategory.label, measures[1])
            .group_by(BudgetLine.forum_id, CostCategory.id)
        ).all()
    return (
        Counter((label, *(Decimal(v) for v in values)) for _, label, *values in by_forum),
        Counter((label, category, Decimal(revised)) for _, label, category, revised in by_category if revised),
    )


def _header_row(ws: Any) -> int:
    return next(r for r in range(1, 12) if ws.cell(r, 1).style == "cd_header")


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


@pytest.fixture
def exported(demo: Database, tmp_path: Path) -> tuple[Any, Any, Database]:
    _rename(demo)
    target = tmp_path / "budget.xlsx"
    export_budget(demo, 2025, target, as_at=AS_AT, generated_at=datetime(2025, 8, 15, 9, 30, tzinfo=UTC))
    return openpyxl.load_workbook(target), openpyxl.load_workbook(target, data_only=True), demo


def test_every_sumifs_recomputes_as_excel_would_to_the_stored_value(exported: tuple[Any, Any, Database]) -> None:
    formulas, values, _ = exported
    checked = 0
    for name in ("Summary", "By_Quarter", "By_Month", "By_Category"):
        sheet = formulas[name]
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "SUMIFS" in cell.value:
                    stored = values[name][cell.coordinate].value
                    recomputed = evaluate_sumifs(cell.value, sheet, values)
                    assert recomputed == pytest.approx(stored, abs=0.005), (name, cell.coordinate, cell.value)
                    checked += 1
    assert checked > 200


def test_summary_and_by_category_show_each_forum_as_the_database_sums_it(exported: tuple[Any, Any, Database]) -> None:
    formulas, values, db = exported
    by_forum, by_category = _db_sums(db)
    assert sum(1 for label, *_ in by_forum if label == "ARF") == 2

    summary = values["Summary"]
    head = _header_row(formulas["Summary"])
    shown: Counter[tuple[Any, ...]] = Counter()
    for r in range(head + 1, summary.max_row + 1):
        if summary.cell(r, 1).value == "Total":
            break
        shown[(summary.cell(r, 2).value, *(_money(summary.cell(r, c).value) for c in (4, 5, 6, 7)))] += 1
    assert shown == by_forum

    sheet = values["By_Category"]
    head = _header_row(formulas["By_Category"])
    categories = {c: sheet.cell(head, c).value for c in range(2, sheet.max_column)}
    assert set(CATEGORIES.values()) <= set(categories.values())
    cells: Counter[tuple[Any, ...]] = Counter()
    for r in range(head + 1, sheet.max_row + 1):
        if sheet.cell(r, 1).value == "Total":
            break
        for c, category in categories.items():
            if sheet.cell(r, c).value:
                cells[(sheet.cell(r, 1).value, category, _money(sheet.cell(r, c).value))] += 1
    assert cells == by_category


def test_a_label_that_looks_like_a_formula_stays_text_on_every_sheet(exported: tuple[Any, Any, Database]) -> None:
    formulas, _, _ = exported
    found = []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == FORMULA_LIKE:
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found.append(ws.title)
                elif isinstance(cell.value, str) and cell.data_type == "f":
                    assert "SUM(A1)" not in cell.value, (ws.title, cell.coordinate)
    assert {"Lines", "Summary", "By_Quarter", "By_Month", "By_Category"} <= set(found)
