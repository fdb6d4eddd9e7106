"""`export events-template` and `export people-template`: the empty sheets `import events` / `import people` read,
with how to fill them in and the office's forums and organisations beside them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from core.db.engine import Database
from core.domain.forums import DatePrecision, EventFormat, EventLevel, EventStatus, Forum
from core.domain.organisations import Organisation
from core.io.errors import ExportError
from core.io.imports.reader import ColumnSpec

__all__ = ["export_events_template", "export_people_template"]

_KEEP = (
    "Reference: your own unique reference (optional). Importing the file again updates the record with the same "
    "reference; without one, the {key} finds it."
)
_BLANK = "A blank cell leaves what is recorded as it is; only the cells filled in and different are changed."
_DRY_RUN = (
    "Run `cyberdesk import {kind} FILE --dry-run` first: it lists every problem by row and column, and nothing "
    "is imported while any remains."
)


def _labels(enum: type[DatePrecision | EventFormat | EventLevel | EventStatus]) -> str:
    return ", ".join(member.label for member in enum)


def _write(
    db: Database,
    target: Path,
    *,
    title: str,
    sheet: str,
    columns: Sequence[ColumnSpec],
    notes: Sequence[str],
    lists: Sequence[tuple[str, Sequence[tuple[str, str]]]],
) -> int:
    from openpyxl import Workbook

    from core.io.cells import atomic_write, write_cell
    from core.io.workbook_style import register_styles, set_document_properties, set_print_layout
    from core.services.office import load_settings

    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"Cannot write the {title.lower()} to {target.name}: the name must end in .xlsx.", target)
    with db.read() as session:
        settings = load_settings(session)
    wb = Workbook()
    register_styles(wb)
    ws = wb.active
    ws.title = sheet
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(1, index)
        write_cell(cell, column.header)
        cell.style = "cd_header"
    set_print_layout(ws, paper_size=settings.paper_size, widths=[18] * len(columns), header_row=1)
    help_ws = wb.create_sheet("How_to_fill_in")
    for r, note in enumerate(notes, start=1):
        write_cell(help_ws.cell(r, 1), note)
    row = len(notes) + 2
    for offset, (heading, pairs) in enumerate(lists):
        col = 1 + offset * 3
        write_cell(help_ws.cell(row, col), heading)
        help_ws.cell(row, col).style = "cd_header"
        for r, (short, name) in enumerate(pairs, start=row + 1):
            write_cell(help_ws.cell(r, col), short)
            write_cell(help_ws.cell(r, col + 1), name)
    help_ws.column_dimensions["A"].width = 30
    help_ws.column_dimensions["B"].width = 50
    set_document_properties(wb, title=title, marking=settings.default_marking, as_at=date.today())
    atomic_write(target, wb.save)
    return len(columns)


def _organisations(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        rows = session.execute(
            sa.select(Organisation.code, Organisation.short_name, Organisation.name)
            .where(Organisation.archived.is_(False))
            .order_by(Organisation.name)
        )
        return [(code or short or "", name) for code, short, name in rows]


def export_people_template(db: Database, target: Path) -> int:
    """The People_Import sheet and its instructions; returns the number of columns."""
    from core.io.imports.people import PEOPLE_IMPORT_COLUMNS, PEOPLE_IMPORT_SHEET

    notes = [
        f"One row per person on the {PEOPLE_IMPORT_SHEET} sheet; the headers may start anywhere on the sheet.",
        _KEEP.format(key="name within the organisation"),
        "Organisation: its name, short name or code below. Office staff and Liaison: Yes or No.",
        _BLANK,
        _DRY_RUN.format(kind="people"),
    ]
    return _write(
        db,
        target,
        title="People import template",
        sheet=PEOPLE_IMPORT_SHEET,
        columns=PEOPLE_IMPORT_COLUMNS,
        notes=notes,
        lists=[("Organisations (code, name)", _organisations(db))],
    )


def export_events_template(db: Database, target: Path) -> int:
    """The Events_Import sheet and its instructions; returns the number of columns."""
    from core.io.imports.events import EVENTS_IMPORT_COLUMNS, EVENTS_IMPORT_SHEET

    with db.read() as session:
        forums = [
            (acronym or name, name)
            for acronym, name in session.execute(
                sa.select(Forum.acronym, Forum.full_name).where(Forum.archived.is_(False)).order_by(Forum.full_name)
            )
        ]
    notes = [
        f"One row per forum event on the {EVENTS_IMPORT_SHEET} sheet; the headers may start anywhere on the sheet.",
        _KEEP.format(key="forum, title and start date"),
        "Start and End: date cells or YYYY-MM-DD; a one-day event needs no End. Dates known to: "
        f"{_labels(DatePrecision)} (Month: the event shows as one item on the 1st, titled '(dates TBC)').",
        f"Format: {_labels(EventFormat)}. Level: {_labels(EventLevel)}. Status: {_labels(EventStatus)}.",
        "Forum: an acronym or full name below. Lead agency: an organisation's code or name.",
        _BLANK,
        _DRY_RUN.format(kind="events"),
    ]
    return _write(
        db,
        target,
        title="Forum events import template",
        sheet=EVENTS_IMPORT_SHEET,
        columns=EVENTS_IMPORT_COLUMNS,
        notes=notes,
        lists=[("Forums (acronym, full name)", forums), ("Organisations (code, name)", _organisations(db))],
    )
