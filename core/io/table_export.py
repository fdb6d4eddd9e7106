"""Any list of the app written to .xlsx or .csv: `cyberdesk export list` and the GUI's Export command."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from core.db.engine import Database
from core.domain.money import excel_number_format
from core.io.errors import ExportError
from core.io.progress import CancelToken, ProgressSink, track
from core.io.workbook_style import CREATOR, DEMO_LINE, PERSONAL_DATA_LINE, RAG_FILLS
from core.reports.list_filters import UnknownFilter
from core.reports.lists import (
    ColumnKind,
    ListColumn,
    ListPage,
    ListQuery,
    ListSpec,
    UnknownList,
    UnknownMarking,
    list_marking,
    list_spec,
    resolve_marking,
)
from core.services.office import OfficeSettings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "CREATOR",
    "DEMO_LINE",
    "PERSONAL_DATA_LINE",
    "SUFFIXES",
    "ExportResult",
    "TableLayout",
    "describe_query",
    "export_list",
    "list_export_marking",
    "write_tables_xlsx",
]

SUFFIXES = (".xlsx", ".csv")
FTE_FORMAT = "0.00"

# Widths in characters by kind; free-text columns may ask for more through ListColumn.width.
_KIND_WIDTHS: dict[ColumnKind, int] = {
    "text": 16,
    "int": 9,
    "date": 11,
    "datetime": 17,
    "money": 17,
    "bool": 9,
    "fte": 7,
    "rag": 10,
}
_MAX_HEADER_DRIVEN_WIDTH = 24  # longer headers wrap instead of widening the column
_MAX_SEARCH_SHOWN = 200  # characters of the search text the filter line repeats


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    left_out: int
    marking: str | None
    ceiling: str | None = None
    item: tuple[str, str] = ("row", "rows")
    filter_line: str | None = None  # "Filter: Overdue, owner DFAT; search 'contact'", when the view was filtered

    def summary(self) -> str:
        """One line for the command line or status bar: what was written and what was left out."""
        noun = self.item[0] if self.rows == 1 else self.item[1]
        facts = [f"marking {self.marking}" if self.marking else "no marking"]
        if self.left_out:
            rows = "row" if self.left_out == 1 else "rows"
            facts.append(f"{self.left_out:,} {rows} above {self.ceiling} left out")
        written = f"Wrote {self.rows:,} {noun} to {self.path.name} ({'; '.join(facts)})."
        return f"{written} {self.filter_line}." if self.filter_line else written


class TableLayout(Protocol):
    """What a sheet needs to know of its table: a list's ListSpec, or a report's own columns."""

    @property
    def title(self) -> str: ...
    @property
    def columns(self) -> Sequence[ListColumn]: ...
    @property
    def headers(self) -> tuple[str, ...]: ...
    @property
    def personal_data(self) -> bool: ...


@dataclass(frozen=True)
class _Document:
    """What every export of a list shows around its table."""

    spec: TableLayout
    page: ListPage | None
    settings: OfficeSettings
    marking: str | None
    as_at: date
    filter_line: str | None = None

    @property
    def banner(self) -> list[tuple[str, str]]:
        """(style, text) of each line above the table: the title line, what the rows were filtered by (if they
        were), then the demo and personal-data lines."""
        title = f"{self.spec.title} — {self.settings.name} — {self.marking or 'no marking'}"
        lines = [("cd_title", f"{title} — as at {self.as_at.isoformat()}")]
        if self.filter_line:
            lines.append(("cd_label", self.filter_line))
        if self.settings.is_demo:
            lines.append(("cd_warning", DEMO_LINE))
        if self.spec.personal_data:
            lines.append(("cd_warning", PERSONAL_DATA_LINE))
        return lines


@dataclass(frozen=True)
class _ShownColumns:
    """A list's layout cut to the columns its view shows, in the view's order."""

    title: str
    columns: tuple[ListColumn, ...]
    personal_data: bool  # the list's, whichever columns show: the sheet is still about people

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def describe_query(query: ListQuery) -> str | None:
    """The filter line of an export ("Filter: Overdue, owner DFAT; search 'contact'"), or None for the whole list."""
    parts = [query.preset.label] if query.preset is not None and query.preset.conditions else []
    search = (query.search or "").strip()
    if search:
        shown = search if len(search) <= _MAX_SEARCH_SHOWN else search[: _MAX_SEARCH_SHOWN - 1] + "…"
        parts.append(f"search '{shown}'")
    if query.include_archived:
        parts.append("archived records included")
    return f"Filter: {'; '.join(parts)}" if parts else None


def _shown_indexes(spec: ListSpec, query: ListQuery, target: Path) -> tuple[int, ...]:
    """Where each shown column is in the list's rows; a key the list does not have is a one-line error."""
    keys = [c.key for c in spec.columns]
    wanted = list(query.columns or keys)
    wanted += [query.sort[0]] if query.sort is not None else []
    unknown = [k for k in wanted if k not in keys]
    if unknown:
        raise _error(f"{spec.title} has no column {unknown[0]!r}; use one of: {', '.join(keys)}.", target)
    if query.columns is not None and not query.columns:
        raise _error(f"Cannot export {spec.title} without any column.", target)
    return tuple(keys.index(k) for k in (query.columns or keys))


def _error(message: str, target: Path) -> ExportError:
    return ExportError(message, target)


def _cell_error(doc: _Document, row_number: int, exc: ValueError, target: Path) -> ExportError:
    return _error(f"Cannot export row {row_number:,} of {doc.spec.title}: {exc}", target)


def list_export_marking(session: Session, entity: str, query: ListQuery | None = None) -> str | None:
    """The marking `export_list` stamps on the list's file (the highest of its rows, else the office default),
    found by one aggregate before any row is fetched: the GUI's suggested file name starts with it."""
    return list_marking(session, entity, query) or load_settings(session).default_marking


def export_list(
    db: Database,
    entity: str,
    target: Path,
    *,
    delimiter: str = ",",
    as_at: date | None = None,
    max_marking: str | None = None,
    query: ListQuery | None = None,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the list `entity` to `target` exactly (.xlsx or .csv by suffix), leaving out rows marked above
    `max_marking`. With `query` (what a list view shows) only its rows and columns, in its order, and the
    workbook says what they were filtered by. Raises ExportError with a one-line message, or ExportCancelled; a
    failed or cancelled export never leaves a partial file and never harms an existing one."""
    from core.io.cells import CSV_DELIMITERS, check_target_writable

    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise _error(f"Cannot export to {target.name}: the file name must end in .xlsx or .csv.", target)
    if suffix == ".csv" and delimiter not in CSV_DELIMITERS:
        raise _error(f"Cannot export to {target.name}: separate csv fields with a comma or a semicolon.", target)
    try:
        spec = list_spec(entity)
    except UnknownList as exc:
        raise _error(str(exc), target) from exc
    query = query or ListQuery()
    if spec.archived is None:  # nothing to include: the filter line must not say archived records are in
        query = replace(query, include_archived=False)
    shown = _shown_indexes(spec, query, target)
    check_target_writable(target)
    as_at = as_at or date.today()

    with db.read() as session:
        settings = load_settings(session)
        try:
            ceiling = resolve_marking(session, max_marking) if max_marking is not None else None
        except UnknownMarking as exc:
            raise _error(str(exc), target) from exc
        try:
            page = query.fetch(session, entity, as_at=as_at, max_marking_rank=ceiling[1] if ceiling else None)
        except UnknownFilter as exc:
            raise _error(str(exc), target) from exc

    # Stamp the highest marking in the file, hidden marking column or not; a list without markings (or with no
    # rows) carries the default.
    layout = _ShownColumns(spec.title, tuple(spec.columns[i] for i in shown), spec.personal_data)
    filter_line = describe_query(query)
    doc = _Document(layout, page, settings, page.highest_marking or settings.default_marking, as_at, filter_line)
    tracked = track(page.rows, len(page.rows), target, progress=progress, cancel=cancel)
    rows = (tuple(row[i] for i in shown) for row in tracked)
    if suffix == ".csv":
        _write_csv(doc, rows, target, delimiter)
    else:
        _write_xlsx(doc, rows, target)
    return ExportResult(
        path=target,
        rows=len(page.rows),
        left_out=page.left_out_by_marking,
        marking=doc.marking,
        ceiling=ceiling[0] if ceiling else None,
        item=spec.item,
        filter_line=filter_line,
    )


# ----------------------------------------------------------------------------------------------------
# CSV


def _write_csv(doc: _Document, rows: Iterator[tuple[object, ...]], target: Path, delimiter: str) -> None:
    from core.io.cells import write_csv

    # Header and rows only, nothing above: a csv export must import back cleanly.
    written = 0

    def counted() -> Iterator[tuple[object, ...]]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    try:
        write_csv(target, doc.spec.headers, counted(), delimiter=delimiter)
    except ValueError as exc:
        raise _cell_error(doc, written, exc, target) from exc


# ----------------------------------------------------------------------------------------------------
# XLSX


def _column_width(column: ListColumn) -> int:
    return max(column.width or _KIND_WIDTHS[column.kind], min(len(column.header), _MAX_HEADER_DRIVEN_WIDTH) + 2)


def _number_format(kind: ColumnKind, currency: str) -> str | None:
    # Dates and date-times get their formats from the cell writer itself.
    if kind == "money":
        return excel_number_format(currency)
    return FTE_FORMAT if kind == "fte" else None


def _prepare_sheet(ws: Any, doc: _Document, header_row: int) -> None:
    """Layout that a write-only sheet emits before its first row: widths, frozen panes, page properties."""
    from core.io.workbook_style import set_header_footer, set_print_layout

    widths = [_column_width(column) for column in doc.spec.columns]
    set_print_layout(ws, paper_size=doc.settings.paper_size, widths=widths, header_row=header_row)
    set_header_footer(
        ws,
        office=doc.settings.name,
        marking=doc.marking,
        demo=doc.settings.is_demo,
        header_right=doc.spec.title,
        footer_left=doc.spec.title,
    )


def _data_cells(
    ws: Any, row: Sequence[object], kinds: Sequence[ColumnKind], formats: Sequence[str | None]
) -> list[Any]:
    from core.io.cells import value_cell

    cells: list[Any] = []
    for value, kind, number_format in zip(row, kinds, formats, strict=True):
        if value is None or value == "":
            # A blank cell, not an empty string: smaller files, and the filter lists one "(Blanks)".
            cells.append(None)
            continue
        style = f"cd_rag_{value}" if kind == "rag" and value in RAG_FILLS else None
        cells.append(value_cell(ws, value, style=style, number_format=number_format))
    return cells


def _fill_sheet(ws: Any, doc: _Document, rows: Iterator[tuple[object, ...]], target: Path) -> None:
    from openpyxl.utils import get_column_letter

    from core.io.cells import text_cell

    banner = doc.banner
    header_row = len(banner) + 1
    _prepare_sheet(ws, doc, header_row)
    for style, text in banner:
        ws.append([text_cell(ws, text, style=style)])
    ws.append([text_cell(ws, header, style="cd_header") for header in doc.spec.headers])
    kinds = [c.kind for c in doc.spec.columns]
    formats = [_number_format(kind, doc.settings.currency) for kind in kinds]
    count = 0
    for row in rows:
        count += 1
        try:
            cells = _data_cells(ws, row, kinds, formats)
        except ValueError as exc:
            raise _cell_error(doc, count, exc, target) from exc
        ws.append(cells)
    # The filter goes at the sheet's end in the file, so it can be set once the row count is known.
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(doc.spec.columns))}{header_row + count}"


def _discard_sheet(ws: Any) -> None:
    # A write-only sheet streams into a temporary file: close its XML and delete the file, or lxml complains when
    # the half-written stream is collected and the file stays behind until the program exits.
    with contextlib.suppress(Exception):
        if not ws.closed:
            ws.close()
        ws._writer.cleanup()


def _write_xlsx(doc: _Document, rows: Iterator[tuple[object, ...]], target: Path) -> None:
    _write_sheets([(doc, rows)], target, doc.spec.title)


def _write_sheets(sheets: Sequence[tuple[_Document, Iterator[tuple[object, ...]]]], target: Path, title: str) -> None:
    from openpyxl import Workbook

    from core.io.cells import save_workbook
    from core.io.workbook_style import register_styles, set_document_properties

    first = sheets[0][0]
    wb = Workbook(write_only=True)
    register_styles(wb)
    set_document_properties(wb, title=f"{title} — {first.settings.name}", marking=first.marking, as_at=first.as_at)
    written: list[Any] = []
    try:
        for doc, rows in sheets:
            ws = wb.create_sheet(doc.spec.title)
            written.append(ws)
            _fill_sheet(ws, doc, rows, target)
        save_workbook(wb, target)
    except BaseException:
        for ws in written:
            _discard_sheet(ws)
        raise


def write_tables_xlsx(
    target: Path,
    title: str,
    tables: Sequence[tuple[TableLayout, Iterable[tuple[object, ...]]]],
    *,
    settings: OfficeSettings,
    marking: str | None,
    as_at: date,
) -> None:
    """A report's tables as one workbook, a sheet each, styled and stamped exactly as a list export is (title
    line, demo and personal-data lines, header row, frozen panes, filter, print setup, marked header and footer).
    Raises ExportError naming the file; the file is replaced whole or not at all."""
    from core.io.cells import check_target_writable

    check_target_writable(target)
    sheets = [(_Document(layout, None, settings, marking, as_at), iter(rows)) for layout, rows in tables]
    _write_sheets(sheets, target, title)
