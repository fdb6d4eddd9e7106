"""Budget import through the one pipeline: a colleague's workbook, all or nothing, re-import updates in place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from core.cli import run
from core.db.engine import Database
from core.domain.audit import AuditEntry
from core.domain.resources import BudgetLine, BudgetMonth, BudgetRevision
from core.io.budget_xlsx import export_budget_template
from core.io.imports import ImportRejected
from core.io.imports.budget import BudgetImporter, phase_evenly
from core.io.imports.pipeline import run_import
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)

AS_AT = date(2025, 8, 15)
HEADERS = ["Ref", "FY", "Forum", "Cost category", "Description", "Revised budget", "Actual", "Notes"]


def colleague_workbook(path: Path, rows: list[list[Any]]) -> Path:
    """A workbook whose first sheet is hidden and whose table starts at C3, as colleagues' files do."""
    wb = openpyxl.Workbook()
    decoy = wb.active
    decoy.title = "Old"
    decoy["A1"] = "Ref"
    decoy.sheet_state = "hidden"
    ws = wb.create_sheet("Our budget")
    wb.active = 1
    ws["A1"] = "Cyber budget 2024-25 (draft)"
    for c, header in enumerate(HEADERS, start=3):
        ws.cell(3, c, header)
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=3):
            ws.cell(r, c, value)
    wb.save(path)
    return path


def good_rows(count: int) -> list[list[Any]]:
    return [
        [f"COL-{i:04d}", "2024-25", "IGF" if i % 2 else "", "Travel", f"Delegation travel {i}", 1200 + i, 100.5, ""]
        for i in range(count)
    ]


def count_lines(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(BudgetLine)) or 0)


def test_one_bad_row_among_a_thousand_inserts_nothing_and_names_the_row(demo: Database, tmp_path: Path) -> None:
    rows = good_rows(1000)
    rows[499][5] = "12.345"  # more than two decimals
    path = colleague_workbook(tmp_path / "colleague.xlsx", rows)
    before = count_lines(demo)
    dry = run_import(demo, path, BudgetImporter(), dry_run=True)
    assert [str(p) for p in dry.plan.problems] == ["Our budget, row 503, H: " + dry.plan.problems[0].message]
    assert "decimal" in dry.plan.problems[0].message
    with pytest.raises(ImportRejected, match=r"1 problem in the file .*row 503"):
        run_import(demo, path, BudgetImporter(), dry_run=False)
    assert count_lines(demo) == before


def test_import_adds_lines_and_reimport_updates_them_in_place(demo: Database, tmp_path: Path) -> None:
    path = colleague_workbook(tmp_path / "colleague.xlsx", good_rows(30))
    before = count_lines(demo)
    result = run_import(demo, path, BudgetImporter(), dry_run=False)
    assert result.applied and result.plan.summary == {"added": 30, "updated": 0}
    assert any("Hidden sheets were not read: Old" in w for w in result.plan.warnings)
    assert count_lines(demo) == before + 30
    with demo.read() as session:
        line = session.scalars(sa.select(BudgetLine).where(BudgetLine.external_ref == "COL-0001")).one()
        months = session.scalars(
            sa.select(BudgetMonth).where(BudgetMonth.budget_line_id == line.id).order_by(BudgetMonth.fiscal_month)
        ).all()
        assert line.fiscal_year == 2025 and line.description == "Delegation travel 1"
        assert sum((m.revised for m in months), Decimal(0)) == Decimal("1201.00")
        assert sum((m.actual for m in months), Decimal(0)) == Decimal("100.50")
        batches = session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.table_name == "budget_line", AuditEntry.batch_id.is_not(None))
        )
    # The same file with one amount changed: updated in place, the change recorded as a revision.
    rows = good_rows(30)
    rows[1][5] = 5000
    colleague_workbook(path, rows)
    again = run_import(demo, path, BudgetImporter(), dry_run=False)
    assert again.plan.summary == {"added": 0, "updated": 30}
    assert count_lines(demo) == before + 30
    with demo.read() as session:
        line = session.scalars(sa.select(BudgetLine).where(BudgetLine.external_ref == "COL-0001")).one()
        revised = session.scalar(
            sa.select(sa.func.sum(BudgetMonth.revised)).where(BudgetMonth.budget_line_id == line.id)
        )
        revision = session.scalars(sa.select(BudgetRevision).where(BudgetRevision.budget_line_id == line.id)).one()
        assert line.version_id == 2
        assert (revision.old_amount, revision.new_amount) == (Decimal("1201.00"), Decimal("5000.00"))
        assert revision.reason == "Imported from colleague.xlsx"
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.table_name == "budget_line", AuditEntry.batch_id.is_not(None))
            )
            > batches
        )
    assert Decimal(revised) == Decimal("5000.00")


def test_problems_are_listed_by_row_and_column(demo: Database, tmp_path: Path) -> None:
    rows = good_rows(4)
    rows[0][2] = "Not a forum"
    rows[1][3] = "Snacks"
    rows[2][1] = "24/25"
    rows[3][0] = "COL-0000"  # the same reference twice in one year
    path = colleague_workbook(tmp_path / "bad.xlsx", rows)
    plan = run_import(demo, path, BudgetImporter(), dry_run=True).plan
    where = [(p.row, p.column) for p in plan.problems]
    assert where == [(4, "E"), (5, "F"), (6, "D"), (7, "C")]
    assert "No forum is called 'Not a forum'" in plan.problems[0].message
    assert "used twice" in plan.problems[3].message


def test_template_round_trips_through_the_import(demo: Database, tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    export_budget_template(demo, template)
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Budget_Import", "How_to_fill_in"]
    ws = wb["Budget_Import"]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["Reference", "Fiscal year", "Forum", "Category", "Cost centre", "Description"]
    values = {"Reference": "T-1", "Fiscal year": "FY2026", "Category": "TRAVEL", "Description": "=HYPERLINK(1)"}
    values |= {"Revised": "1,000.00", "Funding type": "Administered", "ODA eligible": "Yes"}
    for c, header in enumerate(headers, start=1):
        ws.cell(2, c, values.get(header))
    ws.cell(2, headers.index("Description") + 1).data_type = "s"
    wb.save(template)
    result = run_import(demo, template, BudgetImporter(), dry_run=False)
    assert result.plan.summary == {"added": 1, "updated": 0}
    with demo.read() as session:
        line = session.scalars(sa.select(BudgetLine).where(BudgetLine.external_ref == "T-1")).one()
        assert (line.fiscal_year, line.description, line.oda_eligible) == (2026, "=HYPERLINK(1)", True)


def test_cli_import_budget_dry_run_and_apply(demo: Database, tmp_path: Path, capsys: Any) -> None:
    path = colleague_workbook(tmp_path / "c.xlsx", good_rows(3))
    db_path = str(demo.path)
    demo.close()
    assert run(["--db", db_path, "import", "budget", str(path), "--dry-run"]) == 0
    assert "Dry run of c.xlsx: 3 changes" in capsys.readouterr().out
    assert run(["--db", db_path, "import", "budget", str(path)]) == 0
    assert "Imported c.xlsx" in capsys.readouterr().out


def test_even_phasing_keeps_every_cent() -> None:
    assert phase_evenly(1000) == [83] * 11 + [87]
    assert sum(phase_evenly(-1001)) == -1001
    assert phase_evenly(0) == [0] * 12
