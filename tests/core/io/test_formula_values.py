"""Formula cells keep their formulas and carry their values for viewers that do not calculate."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from core.io.cells import value_cell
from core.io.formula_values import CachedFormulas, copy_with_cached_values, formula_cell, save_with_cached_values


def test_values_of_every_kind_are_stored_beside_their_formulas(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sums & more")
    other = wb.create_sheet("Other")
    cached = CachedFormulas()
    ws.append([value_cell(ws, 2), value_cell(ws, Decimal("3.25"))])
    ws.append(
        [
            formula_cell(ws, "=A1+B1", Decimal("5.25"), cached, "A2", number_format="0.00"),
            formula_cell(ws, "=A1>1", True, cached, "B2"),
            formula_cell(ws, '="n="&A1', "n=2", cached, "C2"),
            formula_cell(ws, "=A1*3", 6, cached, "D2"),
        ]
    )
    other.append([formula_cell(other, "=1/4", 0.25, cached, "A1")])
    target = tmp_path / "sums.xlsx"
    save_with_cached_values(wb, target, cached)
    formulas = openpyxl.load_workbook(target)["Sums & more"]
    assert [c.value for c in formulas[2]] == ["=A1+B1", "=A1>1", '="n="&A1', "=A1*3"]
    assert formulas["A2"].number_format == "0.00"
    values = openpyxl.load_workbook(target, data_only=True)
    assert [c.value for c in values["Sums & more"][2]] == [5.25, True, "n=2", 6]
    assert values["Other"]["A1"].value == 0.25
    with zipfile.ZipFile(target) as z:
        assert 'fullCalcOnLoad="1"' in z.read("xl/workbook.xml").decode()


def test_mismatched_registrations_are_refused() -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    cached = CachedFormulas()
    ws.append([formula_cell(ws, "=1+1", 2, cached, "A1")])
    cached.add("S", "B7", 3)  # no formula was written there
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValueError, match="No formula was written at B7"):
        copy_with_cached_values(buffer, io.BytesIO(), cached)
    cached = CachedFormulas()
    cached.add("Missing", "A1", 1)
    buffer.seek(0)
    with pytest.raises(ValueError, match="sheets the workbook lacks: Missing"):
        copy_with_cached_values(buffer, io.BytesIO(), cached)


@pytest.mark.parametrize("value", [Decimal("NaN"), float("inf"), None])
def test_values_that_cannot_be_stored_are_refused(value: object) -> None:
    ws = Workbook(write_only=True).create_sheet("S")
    with pytest.raises(ValueError, match="Cannot store the value"):
        formula_cell(ws, "=1", value, CachedFormulas(), "A1")  # type: ignore[arg-type]


def test_only_program_formulas_are_accepted() -> None:
    ws = Workbook(write_only=True).create_sheet("S")
    with pytest.raises(ValueError, match="starts with '='"):
        formula_cell(ws, "SUM(A1)", 1, CachedFormulas(), "A1")


@pytest.mark.parametrize("value", ["plain", '=HYPERLINK("x")', "+61", "#N/A", 7, Decimal("12.50"), 2.5, True, "a\x01b"])
def test_row_values_make_the_same_cells_as_value_cells(tmp_path: Path, value: object) -> None:
    from core.io.cells import row_value

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    ws.append([row_value(ws, value), value_cell(ws, value)])
    target = tmp_path / "same.xlsx"
    wb.save(target)
    fast, slow = openpyxl.load_workbook(target)["S"][1]
    assert (fast.value, fast.data_type, fast.quotePrefix) == (slow.value, slow.data_type, slow.quotePrefix)
