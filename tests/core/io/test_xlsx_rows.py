"""The cheaper write-only row conversion writes exactly the file openpyxl's own conversion writes."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

import core.io.xlsx_rows
from core.db.engine import open_database
from core.io.budget_xlsx import export_budget
from core.io.cells import row_value, value_cell
from core.io.xlsx_rows import fast_rows
from tests.core.io.budget_office import *  # noqa: F403  (the demo office fixtures)
from tests.core.io.budget_office import AS_AT, HYPERLINK

GENERATED = datetime(2025, 8, 15, 9, 30, tzinfo=UTC)


def parts(path: Path) -> dict[str, bytes]:
    # docProps/core.xml carries the time of saving, which differs between any two saves.
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def write_mixed_sheet(target: Path, *, fast: bool) -> bool:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Mixed")
    installed = fast_rows(ws) if fast else False
    money = WriteOnlyCell(ws)
    money.number_format = "#,##0.00"
    reused = WriteOnlyCell(ws)
    reused._style = money._style
    bold = WriteOnlyCell(ws, "Total")
    bold.font = Font(bold=True)
    for r in range(1, 6):
        reused.value = r * 1.25
        unstyled = WriteOnlyCell(ws, f"plain cell {r}")  # a cell without a style, which openpyxl reuses
        ws.append(
            [
                r,
                None,
                f"text {r}",
                row_value(ws, "=1+1"),  # user text that looks like a formula: quote-prefixed text
                value_cell(ws, date(2025, 1, r)),
                reused,
                WriteOnlyCell(ws, f"=SUM(F1:F{r})"),
                unstyled,
                0.5 * r,
                None,
                bold,
                datetime(2025, 2, r, 9, 30),
                True,
                "#N/A",
                date(2025, 3, r),  # a plain date gives the spare cell a number format: the next value must not
                "after a date",
            ]
        )
    wb.save(target)
    return installed


def test_fast_rows_writes_the_same_bytes_as_openpyxls_conversion(tmp_path: Path) -> None:
    assert write_mixed_sheet(tmp_path / "fast.xlsx", fast=True)
    write_mixed_sheet(tmp_path / "stock.xlsx", fast=False)
    assert parts(tmp_path / "fast.xlsx") == parts(tmp_path / "stock.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["Mixed"]
    assert ws["C3"].value == "text 3"
    assert ws["D1"].value == "=1+1"
    assert ws["D1"].data_type == "s"
    assert ws["D1"].quotePrefix
    assert ws["F2"].value == 2.5
    assert ws["F2"].number_format == "#,##0.00"
    assert ws["G4"].value == "=SUM(F1:F4)"
    assert ws["H5"].value == "plain cell 5"
    assert ws["K1"].font.bold
    assert ws["B1"].value is None
    assert ws["O2"].is_date
    assert ws["P2"].value == "after a date"
    assert ws["P2"].number_format == "General"


def test_fast_rows_still_refuses_what_openpyxl_cannot_store(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Bad")
    assert fast_rows(ws)
    with pytest.raises(ValueError):
        ws.append([1, object()])


def test_an_openpyxl_without_the_hook_keeps_its_own_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    def renamed(self: Any, values: Any, row_idx: int, extra: Any = None) -> Any:
        raise AssertionError("never called here")

    monkeypatch.setattr(WriteOnlyWorksheet, "_values_to_row", renamed)
    ws = Workbook(write_only=True).create_sheet("Other")
    assert not fast_rows(ws)
    assert "_values_to_row" not in vars(ws)
    monkeypatch.delattr(WriteOnlyWorksheet, "_values_to_row")
    assert not fast_rows(ws)
    assert not fast_rows(Workbook().active)  # a normal sheet has no row conversion to replace


def test_budget_workbook_is_the_same_with_and_without_the_fast_path(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_database(demo_file, readonly=True) as db:
        export_budget(db, "2024–25", tmp_path / "fast.xlsx", as_at=AS_AT, generated_at=GENERATED)
        monkeypatch.setattr(core.io.xlsx_rows, "fast_rows", lambda ws: False)
        export_budget(db, "2024–25", tmp_path / "stock.xlsx", as_at=AS_AT, generated_at=GENERATED)
    fast, stock = parts(tmp_path / "fast.xlsx"), parts(tmp_path / "stock.xlsx")
    assert fast == stock
    lines = openpyxl.load_workbook(tmp_path / "fast.xlsx")["Lines"]
    descriptions = [row[7] for row in lines.iter_rows(values_only=True)]
    assert HYPERLINK in descriptions  # the demo's hostile line is there, as text
    revised = [row[10] for row in lines.iter_rows(values_only=True)]
    assert sum(1 for cell in revised if isinstance(cell, str) and cell.startswith("=SUM(")) > 1
