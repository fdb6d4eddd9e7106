"""A cheaper row conversion for large write-only sheets whose rows carry ready-made (styled) cells.

openpyxl's write-only sheet turns each appended value into a cell in `WriteOnlyWorksheet._values_to_row` by
assigning it to a spare cell and, when that raises ValueError, checking whether the value was a cell after all.
A styled cell therefore costs a raised and caught exception whose message formats the cell's repr: on the budget
workbook's Lines sheet (3.2 million styled cells) that is a sixth of the export. `fast_rows` gives one sheet a
conversion that recognises a cell first and builds no spare cell after each styled one; the file's bytes do not
change (tests/core/io/test_xlsx_rows.py compares them). `_values_to_row` is private: pyproject.toml pins openpyxl to the
versions it was read in, and a sheet whose openpyxl lacks it keeps the stock conversion (correct, only slower).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from types import MethodType
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["fast_rows"]

_HOOK = "_values_to_row"


def _values_to_row(ws: Any, values: Iterable[Any], row_idx: int) -> Iterator[Any]:
    # openpyxl 3.1's WriteOnlyWorksheet._values_to_row, with `isinstance(value, Cell)` tested before the
    # assignment instead of after the ValueError it raises. Plain values go through one spare cell, renewed
    # when a value gave it a style (a date its number format), as openpyxl renews its own. openpyxl also takes a
    # caller's cell without style as its spare, so the next value overwrites that cell; here a caller's cell is
    # only ever read. The bytes are the same, each cell being written before the next value is looked at (save a
    # comment on such a cell, which openpyxl would repeat on the next value; no sheet here has comments), and a
    # caller can refill the same styled cells row after row without a new spare after each.
    spare = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            cell = value
        else:
            spare.value = value
            cell = spare
        cell.column = col_idx
        cell.row = row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell
        if cell is spare and (spare.has_style or spare.hyperlink):
            spare = WriteOnlyCell(ws)


def fast_rows(ws: Any) -> bool:
    """Give the write-only sheet `ws` the cheaper row conversion; False (and `ws` unchanged) when its openpyxl
    does not convert rows through the method this replaces."""
    stock = getattr(type(ws), _HOOK, None)
    if not isinstance(ws, WriteOnlyWorksheet) or not callable(stock):
        return False
    if list(inspect.signature(stock).parameters) != ["self", "values", "row_idx"]:
        return False
    setattr(ws, _HOOK, MethodType(_values_to_row, ws))
    return True
