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
from core.domain.audit import AuditEntry, verify_chain
from core.domain.resources import BudgetLine, BudgetMonth, BudgetRevision
from core.io.budget_xlsx import export_budget_template
from core.io.imports import ImportRejected
from core.io.imports.budget import BudgetImporter, phase_evenly
from core.io.imports.pipeline import run_import
from core.services.validation import ValidationError
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
    huge = 10**17 + 7  # beyond a float's exact integers: the parts must still be exact
    assert phase_evenly(huge) == [huge // 12] * 11 + [huge - 11 * (huge // 12)]
    assert phase_evenly(0) == [0] * 12


def _state(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every budget line's fields, every month's amounts and every revision, as a manager would compare them."""
    with db.read() as session:
        lines = session.execute(
            sa.select(
                BudgetLine.id,
                BudgetLine.fiscal_year,
                BudgetLine.forum_id,
                BudgetLine.category_id,
                BudgetLine.description,
                BudgetLine.notes,
                BudgetLine.external_ref,
                BudgetLine.import_batch_id,
            ).order_by(BudgetLine.id)
        ).all()
        months = session.execute(sa.select(BudgetMonth).order_by(BudgetMonth.budget_line_id, BudgetMonth.fiscal_month))
        amounts = [
            (m.budget_line_id, m.fiscal_month, m.original, m.revised, m.committed, m.actual, m.forecast)
            for (m,) in months
        ]
        revisions = session.execute(
            sa.select(BudgetRevision.id, BudgetRevision.budget_line_id, BudgetRevision.new_amount).order_by(
                BudgetRevision.id
            )
        ).all()
    return [tuple(r) for r in lines], amounts, [tuple(r) for r in revisions]


def test_every_line_carries_its_batch_and_the_result_counts_added_and_updated(demo: Database, tmp_path: Path) -> None:
    from core.domain.audit import ImportBatch

    path = colleague_workbook(tmp_path / "colleague.xlsx", good_rows(5))
    first = run_import(demo, path, BudgetImporter(), dry_run=False)
    assert first.summary() == f"Imported colleague.xlsx: 5 added, 0 updated (batch {first.batch_id})."
    rows = good_rows(7)
    rows[0][5] = 9999
    colleague_workbook(path, rows)
    second = run_import(demo, path, BudgetImporter(), dry_run=False)
    assert second.summary() == f"Imported colleague.xlsx: 2 added, 5 updated (batch {second.batch_id})."
    with demo.read() as session:
        batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.batch_uuid == second.batch_id)).one()
        stamped = session.scalars(
            sa.select(BudgetLine.external_ref).where(BudgetLine.import_batch_id == batch.id).order_by(BudgetLine.id)
        ).all()
    assert stamped == [f"COL-{i:04d}" for i in range(7)] and batch.row_count == 7 + 1  # 7 lines, 1 revision


def test_undo_reverts_a_reimport_then_the_first_import_leaving_the_office_as_before(
    demo: Database, tmp_path: Path, capsys: Any
) -> None:
    from core.io.imports.budget import undo_budget_import

    original = _state(demo)
    path = colleague_workbook(tmp_path / "colleague.xlsx", good_rows(6))
    first = run_import(demo, path, BudgetImporter(), dry_run=False)
    after_first = _state(demo)
    rows = good_rows(8)
    rows[2][5], rows[3][7] = 4321, "changed note"
    colleague_workbook(path, rows)
    second = run_import(demo, path, BudgetImporter(), dry_run=False)
    assert _state(demo) != after_first
    result = undo_budget_import(demo, second.batch_id or "")
    assert (result.removed, result.restored) == (2, 6)
    assert _state(demo) == after_first
    with pytest.raises(ValidationError, match="undone already"):
        undo_budget_import(demo, second.batch_id or "")
    db_path = str(demo.path)
    demo.close()
    assert run(["--db", db_path, "undo-import", first.batch_id or ""]) == 0
    assert "6 line(s) removed, 0 put back as they were" in capsys.readouterr().out
    from core.db.engine import open_database

    with open_database(db_path) as db:
        assert _state(db) == original
        with db.read() as session:
            undo = session.scalars(
                sa.select(AuditEntry).where(AuditEntry.batch_id == first.batch_id).order_by(AuditEntry.id.desc())
            ).first()
        assert undo.kind.value == "BATCH" and '"kind":"undo"' in undo.changes and undo.row_count == 6
        with db.engine.connect() as conn:
            assert verify_chain(conn).problems == ()
    assert run(["--db", db_path, "undo-import", "no-such-batch"]) == 1
    assert capsys.readouterr().err.strip() == "cyberdesk: No import has the batch id 'no-such-batch'."


def test_undo_is_refused_when_a_line_changed_since(demo: Database, tmp_path: Path) -> None:
    from core.domain.resources import BudgetMeasure
    from core.io.imports.budget import undo_budget_import
    from core.services.budget import set_budget_amount

    path = colleague_workbook(tmp_path / "colleague.xlsx", good_rows(3))
    result = run_import(demo, path, BudgetImporter(), dry_run=False)
    with demo.write() as session:
        line_id = session.scalar(sa.select(BudgetLine.id).where(BudgetLine.external_ref == "COL-0001"))
        set_budget_amount(session, line_id, 2, BudgetMeasure.ACTUAL, Decimal("5.00"), reason="Invoice")
    before = _state(demo)
    with pytest.raises(ValidationError, match=r"1 line\(s\) of this import changed since \(first: COL-0001\)"):
        undo_budget_import(demo, result.batch_id or "")
    assert _state(demo) == before


def test_monthly_amount_columns_phase_the_revised_budget(demo: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = ["Reference", "Fiscal year", "Category", "Description", "Revised", "Jul", "August", "2024-09", "Jun 2025"]
    ws.append(headers)
    ws.append(["M-1", "2024-25", "Travel", "Phased by month", None, 100, 200.5, None, 50])
    ws.append(["M-2", "2024-25", "Travel", "Months and total", 350.5, 100, 200.5, None, 50])
    ws.append(["M-3", "2024-25", "Travel", "Months disagree", 999, 100, 200.5, None, 50])
    ws.append(["M-4", "2024-25", "Travel", "No months", 1200, None, None, None, None])
    ws.append(["M-5", "2024-25", "Travel", "Bad month", None, "lots", None, None, None])
    path = tmp_path / "months.xlsx"
    wb.save(path)
    plan = run_import(demo, path, BudgetImporter(), dry_run=True).plan
    assert [(p.row, p.column) for p in plan.problems] == [(4, "E"), (6, "F")]
    assert plan.problems[0].message == "The months add up to 350.50, not the revised budget 999.00."
    for row in (4, 6):
        ws.delete_rows(row if row == 4 else 5)
    wb.save(path)
    run_import(demo, path, BudgetImporter(), dry_run=False)
    with demo.read() as session:

        def revised(ref: str) -> list[Decimal]:
            return list(
                session.scalars(
                    sa.select(BudgetMonth.revised)
                    .join(BudgetLine, BudgetLine.id == BudgetMonth.budget_line_id)
                    .where(BudgetLine.external_ref == ref)
                    .order_by(BudgetMonth.fiscal_month)
                )
            )

        phased = [Decimal("100.00"), Decimal("200.50")] + [Decimal("0.00")] * 9 + [Decimal("50.00")]
        assert revised("M-1") == phased and revised("M-2") == phased
        assert revised("M-4") == [Decimal("100.00")] * 12
