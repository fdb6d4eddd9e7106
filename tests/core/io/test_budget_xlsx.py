"""The budget workbook, reopened as a manager would: sheets, SUMIFS over Lines, stored values, chart, text safety."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from core.cli import run
from core.db.engine import Database, open_database
from core.domain.forums import Forum
from core.domain.reference import Marking
from core.domain.resources import BudgetLine, BudgetMonth
from core.io.budget_xlsx import BUDGET_SHEETS, export_budget
from core.io.errors import ExportError
from core.io.progress import ExportCancelled
from core.reports.budget import NO_FORUM
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)
from tests.core.io.budget_office import AS_AT, HYPERLINK
from tests.core.io.sumifs import evaluate_sumifs

GENERATED = datetime(2025, 8, 15, 9, 30, tzinfo=UTC)
FY = "2024–25"


@pytest.fixture(scope="module")
def workbook(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Any]:
    target = tmp_path_factory.mktemp("out") / "budget.xlsx"
    with open_database(demo_file, readonly=True) as db:
        export_budget(db, FY, target, as_at=AS_AT, generated_at=GENERATED)
    return target, openpyxl.load_workbook(target), openpyxl.load_workbook(target, data_only=True)


def db_totals(db_file: Path, fy: int) -> dict[str, dict[str, Decimal]]:
    """Per forum label: the year's sums of each measure, straight from budget_month."""
    with open_database(db_file, readonly=True) as db, db.read() as session:
        rows = session.execute(
            sa.select(
                BudgetLine.forum_id,
                Forum.acronym,
                Forum.full_name,
                *(sa.func.sum(getattr(BudgetMonth, m)) for m in ("original", "revised", "committed", "actual")),
            )
            .join(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
            .outerjoin(Forum, Forum.id == BudgetLine.forum_id)
            .where(BudgetLine.fiscal_year == fy)
            .group_by(BudgetLine.forum_id, Forum.acronym, Forum.full_name)
        ).all()
    result = {}
    for forum_id, acronym, name, original, revised, committed, actual in rows:
        label = (acronym or name) if forum_id is not None else NO_FORUM
        result[label] = {"original": original, "revised": revised, "committed": committed, "actual": actual}
    return result


def header_row(ws: Any) -> int:
    return next(r for r in range(1, 12) if ws.cell(r, 1).style == "cd_header")


def columns(ws: Any) -> dict[str, int]:
    row = header_row(ws)
    return {ws.cell(row, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(row, c).value}


_RANGE = re.compile(r"Lines!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)")


def test_sheets_are_exactly_those_of_the_design_in_order(demo: Database, tmp_path: Path) -> None:
    target = tmp_path / "budget.xlsx"
    result = export_budget(demo, FY, target, as_at=AS_AT, generated_at=GENERATED)
    assert result.summary().startswith(
        "Wrote the budget workbook for 2024–25 to budget.xlsx (30 lines; marking OFFICIAL"
    )
    wb = openpyxl.load_workbook(target)
    assert (
        wb.sheetnames
        == list(BUDGET_SHEETS)
        == [
            "Summary",
            "Lines",
            "By_Quarter",
            "By_Month",
            "By_Category",
            "Staff_Time",
            "Travel",
            "Variance_Notes",
            "Revisions",
            "Parameters",
        ]
    )
    assert wb.calculation.fullCalcOnLoad is True


def test_every_sumifs_references_the_lines_table_and_recomputes_to_the_database_and_stored_value(
    workbook: tuple[Path, Any, Any], demo_file: Path
) -> None:
    _, formulas, values = workbook
    lines = formulas["Lines"]
    first = header_row(lines) + 1
    last = max(r for r in range(first, lines.max_row + 1) if lines.cell(r, 1).value is not None)
    assert last - first + 1 == 30
    checked = 0
    for name in ("Summary", "By_Quarter", "By_Month", "By_Category"):
        sheet = formulas[name]
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and "SUMIFS" in cell.value):
                    continue
                for match in _RANGE.finditer(cell.value):
                    assert (int(match[2]), int(match[4])) == (first, last), (name, cell.coordinate, cell.value)
                    assert match[1] == match[3]
                stored = values[name][cell.coordinate].value
                assert evaluate_sumifs(cell.value, sheet, values) == pytest.approx(stored, abs=0.005)
                checked += 1
    assert checked > 200
    # The Summary's stored totals are the database's, forum by forum.
    totals = db_totals(demo_file, 2025)
    summary, cols = values["Summary"], columns(formulas["Summary"])
    seen = set()
    for r in range(header_row(formulas["Summary"]) + 1, summary.max_row + 1):
        forum = summary.cell(r, cols["Forum"]).value
        if forum not in totals:
            continue
        seen.add(forum)
        for measure, header in (("original", "Original"), ("revised", "Revised"), ("actual", "Actual")):
            assert Decimal(str(summary.cell(r, cols[header]).value)) == totals[forum][measure], (forum, measure)
    assert seen == set(totals)


def test_lines_formulas_follow_their_row_and_store_their_values(workbook: tuple[Path, Any, Any]) -> None:
    _, formulas, values = workbook
    ws, vs = formulas["Lines"], values["Lines"]
    cols = columns(ws)
    first = header_row(ws) + 1
    for r in range(first, first + 30):
        assert ws.cell(r, cols["Revised"]).value == f"=SUM(U{r}:AF{r})"
        assert ws.cell(r, cols["Actual"]).value == f"=SUM(AG{r}:AR{r})"
        assert ws.cell(r, cols["Forecast outturn"]).value == f"=M{r}+L{r}+N{r}"
        assert ws.cell(r, cols["Under/(over)"]).value == f"=K{r}-O{r}"
        revised = sum(vs.cell(r, c).value for c in range(21, 33))
        actual = sum(vs.cell(r, c).value for c in range(33, 45))
        outturn = actual + vs.cell(r, cols["Committed"]).value + vs.cell(r, cols["Forecast"]).value
        assert vs.cell(r, cols["Revised"]).value == pytest.approx(revised, abs=0.005)
        assert vs.cell(r, cols["Forecast outturn"]).value == pytest.approx(outturn, abs=0.005)
        assert vs.cell(r, cols["Under/(over)"]).value == pytest.approx(revised - outturn, abs=0.005)
        assert vs.cell(r, cols["% spent"]).value == pytest.approx(actual / revised)
        assert ws.cell(r, cols["Revised"]).number_format.endswith('[Red]("XTS" #,##0.00)')


def test_summary_totals_rag_and_sign_convention(workbook: tuple[Path, Any, Any]) -> None:
    _, formulas, values = workbook
    ws, vs = formulas["Summary"], values["Summary"]
    cols = columns(ws)
    head = header_row(ws)
    total_row = next(r for r in range(head, ws.max_row + 1) if ws.cell(r, 1).value == "Total")
    assert ws.cell(total_row, cols["Revised"]).value == f"=SUM(E{head + 1}:E{total_row - 1})"
    revised = [vs.cell(r, cols["Revised"]).value for r in range(head + 1, total_row)]
    assert vs.cell(total_row, cols["Revised"]).value == pytest.approx(sum(revised))
    rags = {vs.cell(r, cols["RAG"]).value for r in range(head + 1, total_row)}
    assert rags <= {"Red", "Amber", "Green"} and rags
    text = " ".join(str(ws.cell(r, 1).value) for r in range(1, head))
    assert "positive is an underspend" in text
    assert "DEMO DATA" in text
    params = {values["Parameters"].cell(r, 1).value: values["Parameters"].cell(r, 2).value for r in range(1, 30)}
    assert params["Fiscal year"] == "2024–25"
    assert "positive is an underspend" in params["Sign convention"]
    assert params["Variance threshold (%)"] == 10
    assert ws.oddHeader.center.text.startswith("OFFICIAL")
    assert ws.oddFooter.right.text == "Page &P of &N"


def test_chart_points_at_the_summary_revised_and_actual_columns(workbook: tuple[Path, Any, Any]) -> None:
    target, formulas, _ = workbook
    ws = formulas["Summary"]
    head = header_row(ws)
    last = next(r for r in range(head, ws.max_row + 1) if ws.cell(r, 1).value == "Total") - 1
    with zipfile.ZipFile(target) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert "<barChart>" in xml
    refs = re.findall(r"<f>([^<]+)</f>", xml)
    assert f"'Summary'!$E${head + 1}:$E${last}" in refs
    assert any(ref.endswith(f"$G${head + 1}:$G${last}") for ref in refs)
    assert any(ref.endswith(f"$B${head + 1}:$B${last}") for ref in refs)


def test_user_text_that_looks_like_a_formula_stays_text(workbook: tuple[Path, Any, Any]) -> None:
    target, formulas, _ = workbook
    ws = formulas["Lines"]
    cols = columns(ws)
    found = [r for r in range(header_row(ws) + 1, ws.max_row + 1) if ws.cell(r, cols["Description"]).value == HYPERLINK]
    assert len(found) == 1
    cell = ws.cell(found[0], cols["Description"])
    assert cell.data_type == "s"
    assert ws.cell(found[0], cols["Notes"]).value == "#N/A"
    assert ws.cell(found[0], cols["Notes"]).data_type == "s"
    with zipfile.ZipFile(target) as archive:
        lines_xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>HYPERLINK" not in lines_xml
    assert 't="e"' not in lines_xml


def test_staff_time_revisions_and_variance_notes(workbook: tuple[Path, Any, Any]) -> None:
    _, formulas, values = workbook
    staff = formulas["Staff_Time"]
    cols = columns(staff)
    first = header_row(staff) + 1
    assert staff.cell(first, cols["Staff cost"]).value.startswith(f"=D{first}*Parameters!$B$")
    assert values["Staff_Time"].cell(first, cols["Staff cost"]).value == pytest.approx(
        values["Staff_Time"].cell(first, cols["Days"]).value * 850
    )
    revisions = values["Revisions"]
    rcols = columns(formulas["Revisions"])
    row = header_row(formulas["Revisions"]) + 1
    assert revisions.cell(row, rcols["Reason"]).value == "Mid-year budget review: reallocation between lines."
    notes = values["Variance_Notes"]
    ncols = columns(formulas["Variance_Notes"])
    reasons = [
        notes.cell(r, ncols["Reason recorded"]).value
        for r in range(header_row(formulas["Variance_Notes"]) + 1, notes.max_row + 1)
    ]
    assert reasons and all(reasons)


def test_max_marking_leaves_lines_out_and_says_so(demo: Database, tmp_path: Path) -> None:
    with demo.write() as session:
        secret = Marking(label="SECRET", label_key="secret", rank=99)
        session.add(secret)
        session.flush()
        line = session.scalars(sa.select(BudgetLine).where(BudgetLine.fiscal_year == 2025).limit(1)).one()
        line.marking_id = secret.id
    target = tmp_path / "budget.xlsx"
    everything = export_budget(demo, FY, target, as_at=AS_AT)
    assert everything.marking == "SECRET"
    result = export_budget(demo, FY, target, as_at=AS_AT, max_marking="official")
    assert result.lines == 29 and result.left_out == 1
    assert "1 line above OFFICIAL left out" in result.summary()
    wb = openpyxl.load_workbook(target)
    assert "1 budget line marked above OFFICIAL left out" in " ".join(
        str(wb["Summary"].cell(r, 1).value) for r in range(1, 6)
    )
    with pytest.raises(ExportError, match="Unknown marking"):
        export_budget(demo, FY, target, as_at=AS_AT, max_marking="TOP")


def test_an_empty_year_still_writes_every_sheet(demo: Database, tmp_path: Path) -> None:
    target = tmp_path / "empty.xlsx"
    result = export_budget(demo, 2031, target, as_at=AS_AT)
    assert result.lines == 0
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == list(BUDGET_SHEETS)
    assert "No budget lines" in " ".join(str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value)


def test_refusals_leave_no_file(demo: Database, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"must end in \.xlsx"):
        export_budget(demo, FY, tmp_path / "budget.csv", as_at=AS_AT)

    class Cancelled:
        cancelled = True

    target = tmp_path / "budget.xlsx"
    with pytest.raises(ExportCancelled):
        export_budget(demo, FY, target, as_at=AS_AT, cancel=Cancelled())
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("office.cyberdesk")] == []


def test_cli_export_budget_accepts_every_year_form(demo_file: Path, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "b.xlsx"
    for year in ("2025", "FY2025", "2024-25", "2024–25"):
        code = run(
            ["--db", str(demo_file), "export", "budget", "--fy", year, "-o", str(target), "--as-at", "2025-08-15"]
        )
        assert code == 0
    assert "Wrote the budget workbook for 2024–25 to b.xlsx" in capsys.readouterr().out
    assert run(["--db", str(demo_file), "export", "budget", "--fy", "25", "-o", str(target)]) == 2
    assert "fiscal year" in capsys.readouterr().err
    assert run(["--db", str(demo_file), "export", "budget", "--fy", "2025", "-o", str(tmp_path / "b.pdf")]) == 1
