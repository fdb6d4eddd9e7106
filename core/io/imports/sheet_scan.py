"""The pre-check's streamed scan of a worksheet's XML: how far its cells reach, and what the fast reader must not see.

A sheet holds about a million cells, so the scan keeps the per-cell work in C: literal searches and counts, and
regular expressions that begin with a literal (which `re` finds by a fast search) and that only capture the few
references long enough to break a limit. A reference shorter than that is within the limit by its length alone,
so the bounds below are exact where a limit is at stake and an upper bound otherwise.

A worksheet written with a namespace prefix on its elements (`<x:c>`) is legal but rare; its windows are scanned
by slower, general expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["FarCell", "SheetScan", "TooManyRows", "column_letters", "column_number"]

_PREFIX: Final = rb"(?:[A-Za-z_][\w.-]*:)"
_FORMULA_TAGS: Final = re.compile(rb"<f[\s>/]")
_PREFIXED_FORMULA_TAGS: Final = re.compile(rb":f[\s>/]")
# An error cell is t="e"; so is any other attribute valued e, and text "e" in quotes: those only cost speed.
_ERROR_TYPES: Final = (b'"e"', b"'e'")
# A cell tag whose first attribute is not its reference: a cell placed by its position, whose column this scan
# cannot bound (calamine would size its grid by it), or a reference written later in the tag; or a reference
# that is not one of up to four letters and nine digits (`AAAAA1`), which the expressions below never match.
# (A tag cut at the end of the window is left to the next one, which holds it whole.)
_UNREFERENCED_CELL: Final = re.compile(
    rb"<c(?:[>/\t\n\r]| (?!r=[\"'])(?=[^<>]*>)| r=[\"'](?!\$?[A-Za-z]{1,4}\$?[0-9]{1,9}[\"'])(?=[^<>]*>))"
)
_PREFIXED_CELL: Final = re.compile(rb":c[\s>/]")
_PREFIXED_ROW: Final = re.compile(rb":row[\s>/]")
_ROW_TAG: Final = re.compile(rb"<row[\s>/]")
_ANY_ROW_TAG: Final = re.compile(rb"<" + _PREFIX + rb"?row[\s>/]")
_ANY_ROW_REF: Final = re.compile(rb"<" + _PREFIX + rb"?row\s[^>]*?\br\s*=\s*[\"']([0-9]{1,9})[\"']")
_ANY_CELL_REF: Final = re.compile(rb"<" + _PREFIX + rb"?c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,9})[\"']")


def column_number(letters: str | bytes) -> int:
    """`A` → 1, `XFD` → 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ((ch if isinstance(ch, int) else ord(ch)) - 64)
    return number


def column_letters(number: int) -> str:
    """1 → `A`, 16384 → `XFD`."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class FarCell(Exception):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


class TooManyRows(Exception):
    pass


@dataclass
class SheetScan:
    """What the scan of every worksheet found, window by window (a window is the tail of the previous chunk and
    the next chunk; `overlap` is the length of that tail)."""

    max_row_number: int
    max_columns: int
    formulas: bool = False
    error_cells: bool = False
    unreferenced_cells: bool = False
    row_tags: int = 0
    row_bound: int = 0  # no row number or cell reference is beyond it
    column_bound: int = 0

    def __post_init__(self) -> None:
        # Only references with at least this many digits (letters) can break the row (column) limit.
        digits = len(str(self.max_row_number))
        letters = len(column_letters(self.max_columns))
        self._short_rows = 10 ** (digits - 1) - 1
        self._short_columns = column_number("Z" * (letters - 1)) if letters > 1 else 0
        self._long_row_ref = re.compile(rb"<row\s[^>]*?\br\s*=\s*[\"']([0-9]{%d,9})[\"']" % digits)
        # Cells as every writer spells them, reference first; a window with any other cell tag is scanned by
        # the general expression instead.
        self._long_cell_ref = re.compile(
            rb"<c r=[\"']\$?(?=[A-Za-z]{%d}|[A-Za-z]{1,4}\$?[0-9]{%d})([A-Za-z]{1,4})\$?([0-9]{1,9})"
            % (letters, digits)
        )

    def window(self, window: bytes, overlap: int) -> None:
        """Scan one window; FarCell or TooManyRows when it breaks a limit."""
        prefixed = bool(_PREFIXED_CELL.search(window) or _PREFIXED_ROW.search(window))
        if not self.formulas:
            self.formulas = bool(_FORMULA_TAGS.search(window) or _PREFIXED_FORMULA_TAGS.search(window))
        if not self.error_cells:
            self.error_cells = any(value in window for value in _ERROR_TYPES)
        odd_cells = prefixed or bool(_UNREFERENCED_CELL.search(window))
        self.unreferenced_cells = self.unreferenced_cells or odd_cells
        # Row tags are counted once: only those that start after the overlap carried from the previous chunk.
        if prefixed:
            self.row_tags += len(_ANY_ROW_TAG.findall(window, overlap))
        else:
            self.row_tags += len(_ROW_TAG.findall(window, overlap))
        if self.row_tags > self.max_row_number:
            raise TooManyRows
        row_refs = (_ANY_ROW_REF if prefixed else self._long_row_ref).findall(window)
        cell_refs = (_ANY_CELL_REF if odd_cells else self._long_cell_ref).findall(window)
        rows = max(map(int, row_refs), default=0)
        columns = 0
        if cell_refs:
            letters, digits = zip(*cell_refs, strict=True)
            columns = max(map(column_number, set(letters)))
            if columns > self.max_columns:
                far = next((a, d) for a, d in cell_refs if column_number(a) > self.max_columns)
                raise FarCell(f"{far[0].decode('ascii').upper()}{int(far[1])}")
            rows = max(rows, *map(int, digits))
        self.row_bound = max(self.row_bound, self._short_rows, rows)
        self.column_bound = max(self.column_bound, self._short_columns, columns)
        if rows > self.max_row_number:
            raise TooManyRows
