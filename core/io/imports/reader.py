"""Reading a pre-checked workbook: the sheet, the header row wherever it is, and each data row's typed values.

openpyxl reads in read-only, data-only mode with the dimensions reset (a lying `<dimension>` must not make it pad
16,384 columns) and at most as many columns as the header spans. Every problem a cell has is collected as
(sheet, row, column, message) for the dry run; only a file that cannot be read at all raises ImportRejected.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final, Literal

from core.domain.text import name_key
from core.io.imports.errors import ImportRejected
from core.io.imports.precheck import (
    DEFAULT_LIMITS,
    HEADER_SEARCH_ROWS,
    ImportLimits,
    PrecheckReport,
    column_letters,
)
from core.io.progress import ExportCancelled

__all__ = [
    "FORMULA_WITHOUT_VALUE",
    "Cell",
    "ColumnSpec",
    "Problem",
    "SheetSpec",
    "SourceRow",
    "Table",
    "WorkbookRead",
    "header_key",
    "read_workbook",
]

ColumnKind = Literal["text", "int", "date", "choice"]

FORMULA_WITHOUT_VALUE = (
    "This cell holds a formula whose result was never saved; open the file in Excel, save it, and import it again."
)
AMBIGUOUS_DATE = "Write the date as a date cell or as YYYY-MM-DD ({0!r} could be read two ways)."
NOT_A_DATE = "Enter a date (a date cell or YYYY-MM-DD), not {0!r}."
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLASHED_DATE_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file, as the dry run lists it."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ColumnSpec:
    """One column an importer reads: matched by its header or an alias (case, spaces and Unicode form ignored)."""

    key: str
    header: str
    kind: ColumnKind = "text"
    aliases: tuple[str, ...] = ()
    required: bool = True  # the header must be present (a value may still be blank)
    choices: Mapping[str, object] | None = None  # for "choice": shown label -> value


@dataclass(frozen=True)
class SheetSpec:
    """Where a table lives: the sheet names to look for (else the first visible sheet) and its columns."""

    title: str
    columns: tuple[ColumnSpec, ...]
    sheet_names: tuple[str, ...] = ()
    required: bool = True
    first_visible_fallback: bool = True


@dataclass(frozen=True)
class Cell:
    value: object
    problem: str | None = None


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number Excel shows
    cells: Mapping[str, Cell]

    def value(self, key: str) -> object:
        cell = self.cells.get(key)
        return None if cell is None else cell.value


@dataclass(frozen=True)
class Table:
    sheet: str
    header_row: int
    columns: Mapping[str, str]  # column key -> the letter it was found in
    rows: tuple[SourceRow, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class WorkbookRead:
    path: Path
    tables: Mapping[str, Table]  # SheetSpec.title -> table
    warnings: tuple[str, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for table in self.tables.values() for p in table.problems)


def header_key(text: str) -> str:
    """Headers compare by this key: NFKC, spaces collapsed, case folded, trailing punctuation dropped."""
    return name_key(unicodedata.normalize("NFKC", text)).rstrip(" :*")


# ----------------------------------------------------------------------------------------------------
# Values


def _text(value: object) -> Cell:
    if value is None:
        return Cell(None)
    if isinstance(value, datetime):
        return Cell(value.date().isoformat() if value.time() == time() else value.isoformat(sep=" "))
    if isinstance(value, date):
        return Cell(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return Cell(str(int(value)))
    text = str(value).strip()
    return Cell(text or None)


def _int(value: object) -> Cell:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Cell(None)
    if isinstance(value, bool):
        return Cell(None, f"Enter a whole number, not {value!r}.")
    if isinstance(value, int):
        return Cell(value)
    if isinstance(value, float) and value.is_integer():
        return Cell(int(value))
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return Cell(int(value.strip()))
    return Cell(None, f"Enter a whole number, not {value!r}.")


def _date(value: object) -> Cell:
    if value is None:
        return Cell(None)
    if isinstance(value, datetime):
        return Cell(value.date())
    if isinstance(value, date):
        return Cell(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return Cell(None)
        if _ISO_DATE_RE.match(text):
            try:
                return Cell(date.fromisoformat(text))
            except ValueError:
                return Cell(None, NOT_A_DATE.format(text))
        if _SLASHED_DATE_RE.match(text):
            return Cell(None, AMBIGUOUS_DATE.format(text))
        return Cell(None, NOT_A_DATE.format(text))
    # A bare number in a date column is a serial whose cell lost its date format: ambiguous to the user too.
    return Cell(None, NOT_A_DATE.format(value))


def _choice(value: object, choices: Mapping[str, object]) -> Cell:
    cell = _text(value)
    if cell.value is None:
        return cell
    wanted = header_key(str(cell.value))
    for label, chosen in choices.items():
        if header_key(label) == wanted:
            return Cell(chosen)
    listed = ", ".join(choices)
    return Cell(None, f"Choose one of {listed}; {cell.value!r} is not one of them.")


_BLANK: Final = Cell(None)
_EXACT_INTS: Final = 2**53


def _converter(spec: ColumnSpec) -> Callable[[object], Cell]:
    """The conversion of one column's cells, chosen once per column: a sheet has about a million cells, most of
    them text or blank, and those take the short way."""
    kind = spec.kind
    choices = spec.choices or {}
    convert: Callable[[object], Cell] = (
        _int
        if kind == "int"
        else _date
        if kind == "date"
        else (lambda v: _choice(v, choices))
        if kind == "choice"
        else _text
    )

    def run(value: object) -> Cell:
        if value is None:
            return _BLANK
        if value.__class__ is str:
            text = value.strip()
            if not text:
                return _BLANK
            if text in _EXCEL_ERRORS:
                return Cell(None, f"The cell shows the Excel error {text}; correct it and save the file again.")
            if convert is _text:
                return Cell(text)
        elif value.__class__ is float and value.is_integer() and abs(value) < _EXACT_INTS:
            # calamine gives every number as a float; openpyxl gives a whole number as an int. Alike, a message
            # shows 45352, never 45352.0.
            value = int(value)
        return convert(value)

    return run


# ----------------------------------------------------------------------------------------------------
# Sheets and headers


def choose_sheet(sheets: Sequence[Any], spec: SheetSpec, path: Path) -> tuple[Any, list[str]] | None:
    """The sheet `spec` reads among `sheets` (each with `title` and `sheet_state`, as openpyxl has them)."""
    notes: list[str] = []
    wanted = [header_key(name) for name in spec.sheet_names]
    for want in wanted:
        named = [ws for ws in sheets if header_key(ws.title) == want]
        visible = [ws for ws in named if ws.sheet_state == "visible"]
        if visible:
            return visible[0], notes
        if named:
            notes.append(f"The sheet {named[0].title!r} is hidden; it was read because of its name.")
            return named[0], notes
    if spec.first_visible_fallback:
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        if visible:
            hidden = [ws.title for ws in sheets if ws.sheet_state != "visible"]
            if hidden:
                notes.append(f"Hidden sheets were not read: {', '.join(hidden)}.")
            return visible[0], notes
    if spec.required:
        names = " or ".join(repr(n) for n in spec.sheet_names) or "a visible sheet"
        raise ImportRejected(f"Cannot import {path.name}: it has no sheet {names}.", path)
    return None


def _find_header(rows: list[tuple[object, ...]], spec: SheetSpec) -> tuple[int, dict[str, int], list[str]] | None:
    """(index of the header row in `rows`, column key -> 0-based column index, duplicate notes) or None."""
    names: dict[str, str] = {}
    for column in spec.columns:
        for label in (column.header, *column.aliases):
            names[header_key(label)] = column.key
    required = {c.key for c in spec.columns if c.required}
    for index, row in enumerate(rows):
        found: dict[str, int] = {}
        duplicates: list[str] = []
        for position, value in enumerate(row):
            if not isinstance(value, str):
                continue
            key = names.get(header_key(value))
            if key is None:
                continue
            if key in found:
                first, again = column_letters(found[key] + 1), column_letters(position + 1)
                duplicates.append(f"{value!r} appears twice (columns {first} and {again})")
                continue
            found[key] = position
        if required <= set(found):
            return index, found, duplicates
    return None


def _missing_header_message(rows: list[tuple[object, ...]], spec: SheetSpec, sheet: str, path: Path) -> str:
    names = {header_key(label): c for c in spec.columns for label in (c.header, *c.aliases)}
    best: set[str] = set()
    for row in rows:
        seen = {names[header_key(v)].key for v in row if isinstance(v, str) and header_key(v) in names}
        if len(seen) > len(best):
            best = seen
    missing = [c.header for c in spec.columns if c.required and c.key not in best]
    return (
        f"Cannot import {path.name}: no header row with the columns {', '.join(missing)} was found in the first "
        f"{HEADER_SEARCH_ROWS} rows of sheet {sheet!r}."
    )


_MERGE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")


def _merged_ranges(ws: Any) -> list[str]:
    """Read-only sheets do not parse merged cells, so scan the sheet's XML (already pre-checked) for them."""
    found: list[str] = []
    with ws._get_source() as stream:
        tail = b""
        while chunk := stream.read(1024 * 1024):
            window = tail + chunk
            found.extend(m.group(1).decode("ascii").replace("$", "").upper() for m in _MERGE_RE.finditer(window))
            tail = window[-512:]
    return sorted(set(found))


def merged_problems(ranges: list[str], sheet: str, header_row: int, columns: Mapping[str, int]) -> list[Problem]:
    """Merged ranges in the data area: only the top-left cell holds the value, so the other rows would be blank."""
    from openpyxl.worksheet.cell_range import CellRange

    used = set(columns.values())
    problems: list[Problem] = []
    for ref in ranges:
        try:
            merged = CellRange(ref)
        except (ValueError, TypeError):
            continue
        if merged.max_row <= header_row or not any(merged.min_col - 1 <= c <= merged.max_col - 1 for c in used):
            continue
        first = max(merged.min_row, header_row + 1)
        problems.append(
            Problem(sheet, first, None, f"Cells {merged.coord} are merged; unmerge them and fill in every row.")
        )
    return problems


# ----------------------------------------------------------------------------------------------------
# The table


def locate_header(
    head: list[tuple[object, ...]], spec: SheetSpec, sheet: str, path: Path
) -> tuple[int, dict[str, int], list[Problem]]:
    """(header row number, column key -> 0-based position, problems with the header) from the first rows."""
    found = _find_header(head, spec)
    if found is None:
        raise ImportRejected(_missing_header_message(head, spec, sheet, path), path)
    index, positions, duplicates = found
    header_row = index + 1
    return header_row, positions, [Problem(sheet, header_row, None, f"The header {d}; keep one.") for d in duplicates]


# (row number, values by position, positions whose cell holds a formula with no saved value)
RawRow = tuple[int, Sequence[object], frozenset[int]]


def collect_rows(
    sheet: str,
    spec: SheetSpec,
    header_row: int,
    positions: Mapping[str, int],
    raw_rows: Iterable[RawRow],
    problems: list[Problem],
    *,
    path: Path,
    limits: ImportLimits,
    check_cancel: Callable[[], None],
) -> Table:
    """Typed rows below the header, skipping blank ones; every cell's problem goes to `problems`."""
    by_key = {c.key: c for c in spec.columns}
    converters = [(key, pos, _converter(by_key[key])) for key, pos in positions.items()]
    rows: list[SourceRow] = []
    for seen, (number, values, formulas) in enumerate(raw_rows):
        if seen % 1000 == 0:
            check_cancel()
        width = len(values)
        cells = {key: convert(values[pos]) if pos < width else _BLANK for key, pos, convert in converters}
        if all(cell is _BLANK for cell in cells.values()):  # blank values only (an unsaved formula included)
            continue
        if len(rows) >= limits.max_data_rows:
            raise ImportRejected(
                f"Cannot import {path.name}: sheet {sheet!r} has more than {limits.max_data_rows:,} rows of data, "
                "the most one import takes; split the file.",
                path,
            )
        if formulas:
            for key, pos, _ in converters:
                if pos in formulas and (pos >= width or values[pos] is None):
                    cells[key] = Cell(None, FORMULA_WITHOUT_VALUE)
        rows.append(SourceRow(number, cells))
        problems.extend(
            Problem(sheet, number, by_key[key].header, cell.problem) for key, cell in cells.items() if cell.problem
        )
    letters = {k: column_letters(p + 1) for k, p in positions.items()}
    return Table(sheet, header_row, letters, tuple(rows), tuple(problems))


def _read_table(
    wb_values: Any,
    wb_formulas: Any | None,
    spec: SheetSpec,
    path: Path,
    limits: ImportLimits,
    check_cancel: Callable[[], None],
) -> tuple[Table | None, list[str]]:
    chosen = choose_sheet(wb_values.worksheets, spec, path)
    if chosen is None:
        return None, []
    ws, notes = chosen
    ws.reset_dimensions()
    width = min(limits.max_columns, max(64, len(spec.columns) * 4))
    head = [tuple(r) for r in ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=width, values_only=True)]
    header_row, positions, problems = locate_header(head, spec, ws.title, path)
    problems.extend(merged_problems(_merged_ranges(ws), ws.title, header_row, positions))
    max_col = max(positions.values()) + 1

    formula_rows: Iterator[tuple[Any, ...]] | None = None
    if wb_formulas is not None:
        fws = wb_formulas[ws.title]
        fws.reset_dimensions()
        formula_rows = fws.iter_rows(min_row=header_row + 1, max_col=max_col)

    def raw_rows() -> Iterator[RawRow]:
        values_rows = ws.iter_rows(min_row=header_row + 1, max_col=max_col, values_only=True)
        for number, values in enumerate(values_rows, header_row + 1):
            raw = next(formula_rows, ()) if formula_rows is not None else ()
            formulas = frozenset(i for i, c in enumerate(raw) if getattr(c, "data_type", None) == "f")
            yield number, values, formulas

    table = collect_rows(
        ws.title, spec, header_row, positions, raw_rows(), problems, path=path, limits=limits, check_cancel=check_cancel
    )
    return table, notes


def not_a_workbook(path: Path, exc: Exception) -> ImportRejected:
    return ImportRejected(f"Cannot import {path.name}: it is not a valid Excel workbook ({type(exc).__name__}).", path)


def _load(path: Path, *, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (data validation, conditional formats); irrelevant here.
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=data_only, keep_vba=False, keep_links=False)
    except Exception as exc:  # the pre-check passed, so this is a malformed part openpyxl could not parse
        raise not_a_workbook(path, exc) from exc


def _read_metadata(wb: Any, sheet_name: str) -> dict[str, str]:
    matches = [ws for ws in wb.worksheets if ws.title == sheet_name]
    if not matches:
        return {}
    ws = matches[0]
    ws.reset_dimensions()
    meta: dict[str, str] = {}
    for key, value in ws.iter_rows(min_row=1, max_row=100, max_col=2, values_only=True):
        if isinstance(key, str) and value is not None:
            meta[key] = str(value)
    return meta


def read_workbook(
    report: PrecheckReport,
    sheets: tuple[SheetSpec, ...],
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
    metadata_sheet: str | None = None,
    check_cancel: Callable[[], None] = lambda: None,
) -> WorkbookRead:
    """Read the tables `sheets` describe from a workbook that passed `precheck_xlsx`."""
    if report.fast_reader_fits(limits):
        from core.io.imports.calamine_reader import read_workbook_fast

        return read_workbook_fast(
            report, sheets, limits=limits, metadata_sheet=metadata_sheet, check_cancel=check_cancel
        )
    path = report.path
    wb = _load(path, data_only=True)
    # A second, formula-text pass only when the pre-check saw formulas: it tells a formula whose result was
    # never saved (blank in the first pass) from a cell that is really empty.
    wb_formulas = _load(path, data_only=False) if report.has_formulas else None
    notes: list[str] = list(report.warnings)
    tables: dict[str, Table] = {}
    try:
        for spec in sheets:
            table, sheet_notes = _read_table(wb, wb_formulas, spec, path, limits, check_cancel)
            notes.extend(sheet_notes)
            if table is not None:
                tables[spec.title] = table
        metadata = _read_metadata(wb, metadata_sheet) if metadata_sheet else {}
    except (ImportRejected, ExportCancelled):  # a cancel while reading is the user's, not the file's fault
        raise
    except Exception as exc:  # a part openpyxl cannot parse while streaming rows
        raise not_a_workbook(path, exc) from exc
    finally:
        wb.close()
        if wb_formulas is not None:
            wb_formulas.close()
    return WorkbookRead(path, tables, tuple(dict.fromkeys(notes)), metadata)
