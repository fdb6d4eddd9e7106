"""Exports never inject: every writer, fed an office whose every user text field is a formula payload.

To cover a new writer (budget workbook, calendar .ics, coverage xlsx, dashboard PNG, ...) add one `Writer` to
`WRITERS`; its file is checked by the checker registered in `CHECKERS` for its suffix. A suffix without a checker
fails the test, so a new format cannot slip through unexamined: write its checker (what "the payload is plain text"
means for that format) next to the others.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from openpyxl.cell.cell import ERROR_CODES

from core.db.engine import Database, open_database
from core.domain.organisations import Organisation, OrgType
from core.io.action_updates import export_action_updates
from core.io.cells import TRIGGERS
from core.io.pack_export import export_pack
from core.io.table_export import export_list
from core.reports.lists import LIST_ENTITIES
from tests.hardening.hostile_office import AT_SUM, HYPERLINK, PAYLOADS, fill_with_payloads, user_text_columns

AS_AT = date(2025, 8, 15)

# The only formulas the program writes are arithmetic over cell references (the pack's variance and totals):
# no string literals, no lower case, at least one cell reference. "=1+1" or a HYPERLINK fails all three.
# The program's own formulas: cell and sheet references, functions, operators and the only string literals the
# program writes ("" and the RAG words), so no text a user typed (it would need other quoted text) can pass for one.
_APP_FORMULA = re.compile(r'=(?=.*[A-Z]+\$?[0-9])(?:[A-Za-z0-9_$:!.+\-*/(), =<>&]|"(?:Red|Amber|Green)?")*')
_CSV_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Writer:
    """One export: `write(db, folder)` writes its file into `folder` and returns the path."""

    name: str
    write: Callable[[Database, Path], Path]
    needs_qt: bool = False


def _list(entity: str, suffix: str) -> Callable[[Database, Path], Path]:
    def write(db: Database, folder: Path) -> Path:
        target = folder / f"{entity}{suffix}"
        export_list(db, entity, target, as_at=AS_AT)
        return target

    return write


def _pack(meeting: str, suffix: str) -> Callable[[Database, Path], Path]:
    def write(db: Database, folder: Path) -> Path:
        if suffix == ".pdf":
            from desktop.renderers import install_renderers

            install_renderers()
        target = folder / f"pack-{meeting}{suffix}"
        export_pack(db, meeting, target, as_at=AS_AT)
        return target

    return write


def _action_updates(db: Database, folder: Path) -> Path:
    with db.read() as session:
        # The agency with the most actions, so that the workbook has rows; its code is itself a payload.
        code = session.scalars(
            sa.select(Organisation.code)
            .where(Organisation.org_type == OrgType.AGENCY, Organisation.code.is_not(None))
            .order_by(Organisation.id)
        ).first()
    assert code is not None
    target = folder / "action-updates.xlsx"
    export_action_updates(db, code, target, as_at=AS_AT)
    return target


def _fiscal_year(db: Database) -> int:
    from core.services.office import load_settings

    with db.read() as session:
        return load_settings(session).calendar.fiscal_year_of(AS_AT)


def _budget(db: Database, folder: Path) -> Path:
    from core.io.budget_xlsx import export_budget

    target = folder / "budget.xlsx"
    export_budget(db, _fiscal_year(db), target, as_at=AS_AT)
    return target


def _coverage(db: Database, folder: Path) -> Path:
    from core.io.coverage_xlsx import export_coverage

    target = folder / "coverage.xlsx"
    export_coverage(db, _fiscal_year(db), target, as_at=AS_AT)
    return target


def _calendar(db: Database, folder: Path) -> Path:
    from core.io.ics import export_calendar

    target = folder / "calendar.ics"
    export_calendar(db, target, as_at=AS_AT)
    return target


WRITERS: list[Writer] = [
    *(
        Writer(f"list-{entity}{suffix}", _list(entity, suffix))
        for entity in LIST_ENTITIES
        for suffix in (".xlsx", ".csv")
    ),
    Writer("pack-next.xlsx", _pack("next", ".xlsx")),
    Writer("pack-next.pdf", _pack("next", ".pdf"), needs_qt=True),
    Writer("action-updates.xlsx", _action_updates),
    Writer("budget.xlsx", _budget),
    Writer("coverage.xlsx", _coverage),
    Writer("calendar.ics", _calendar),
]


# ----------------------------------------------------------------------------------------------------
# What "plain text" means per format


def _looks_like_a_formula(text: str) -> bool:
    return text.startswith(TRIGGERS) or text in ERROR_CODES


def check_xlsx(path: Path) -> set[str]:
    """No formula but the program's own, no error cell, every trigger-led text quote-prefixed; the text seen."""
    seen: set[str] = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert 't="e"' not in xml, f"{path.name} {name}: an error cell"
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name} {ws.title}!{cell.coordinate}"
                assert cell.data_type != "e", f"{where}: error cell {cell.value!r}"
                if cell.data_type == "f":
                    assert _APP_FORMULA.fullmatch(str(cell.value)), f"{where}: formula {cell.value!r}"
                    continue
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", where
                    if _looks_like_a_formula(cell.value):
                        assert cell.quotePrefix, f"{where}: {cell.value!r} without the quote prefix"
                    seen.add(cell.value)
    return seen


def check_csv(path: Path) -> set[str]:
    """Every field quoted, every trigger-led field neutralised with an apostrophe; the fields, apostrophe removed."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    seen: set[str] = set()
    # QUOTE_ALL: a strict reader that refuses any unquoted field would fail on the first one.
    rows = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_ALL, strict=True))
    assert text.startswith('"')
    for number, row in enumerate(rows, 1):
        for field in row:
            if _CSV_NUMBER.fullmatch(field):
                seen.add(field)  # an amount the program wrote (a negative one starts with "-")
                continue
            assert not field.startswith(TRIGGERS), f"{path.name} row {number}: {field!r} not neutralised"
            if field.startswith("'") and field[1:].startswith(TRIGGERS):
                seen.add(field[1:])
            else:
                seen.add(field)
    # Every field of the header and of each row is quoted, empty ones included.
    for line in text.split("\r\n")[:1]:
        assert re.fullmatch(r'"[^"]*"(,"[^"]*")*', line), line
    return seen


def check_pdf(path: Path) -> set[str]:
    """The PDF holds text, never a link: no annotation (a URI action would make the HYPERLINK payload live).

    Qt writes an empty /Annots array on every page; any entry in it fails."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = []
    for page in reader.pages:
        annotations = page.get("/Annots")
        assert not (annotations.get_object() if annotations is not None else []), f"{path.name}: a link"
        text.append(page.extract_text())
    # Line breaks fall where a table cell wraps, so the text is compared with all white space removed.
    return {"".join("".join(text).split())}


def check_ics(path: Path) -> set[str]:
    """A calendar runs no formulas, but its text must come back as typed through an independent parser (escaped
    commas, semicolons and line breaks, folded lines): the text values seen."""
    import icalendar

    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    seen: set[str] = set()
    for event in calendar.walk("VEVENT"):
        for key in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            if key in event:
                seen.add(str(event[key]))
                seen.update(str(event[key]).splitlines())
    return seen


CHECKERS: dict[str, Callable[[Path], set[str]]] = {
    ".xlsx": check_xlsx,
    ".csv": check_csv,
    ".pdf": check_pdf,
    ".ics": check_ics,
}


# ----------------------------------------------------------------------------------------------------
# The office


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from core.demo import build_demo

    db = open_database(tmp_path_factory.mktemp("hostile") / "hostile.cyberdesk", create=True)
    build_demo(db, as_at=AS_AT)
    assert fill_with_payloads(db) > 1000
    yield db
    db.close()


def test_the_payload_office_covers_every_text_field_of_every_entity(hostile_db: Database) -> None:
    """Guards the test itself: if the models gain a text column, it is filled too (found from the models)."""
    columns = user_text_columns()
    assert {"organisation", "person", "forum", "meeting", "action", "decision", "budget_line"} <= set(columns)
    with hostile_db.read() as session:
        for table_name, table_columns in columns.items():
            table = sa.table(table_name, *(sa.column(c.key) for c in table_columns))
            for column in table_columns:
                values = set(session.scalars(sa.select(table.c[column.key])).all())
                # Unique columns carry " <n>" after the payload; every other value is a payload exactly.
                assert all(v is None or v in PAYLOADS or v.rsplit(" ", 1)[0] in PAYLOADS for v in values), (
                    table_name,
                    column.key,
                )


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.name)
def test_every_writer_keeps_every_payload_plain_text(
    writer: Writer, hostile_db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if writer.needs_qt:
        request.getfixturevalue("qapp")
    path = writer.write(hostile_db, tmp_path)
    checker = CHECKERS.get(path.suffix.lower())
    assert checker is not None, f"no injection checker for {path.suffix} files: add one to CHECKERS"
    seen = checker(path)
    if path.suffix == ".pdf":
        (text,) = seen
        for payload in (HYPERLINK, AT_SUM, "\uff20SUM(1+1)", "#DIV/0!", "=cmd|' /C calc'!A0"):
            assert "".join(payload.split()) in text, f"{writer.name}: {payload!r} not printed as written"
        return
    # A name from issue 9, shown as typed: the first organisation and the audit actor carry it.
    assert HYPERLINK in seen, f"{writer.name}: {HYPERLINK} not shown as written"
    if writer.name.startswith("list-audit"):
        # The audit trail shows a change as text around the values: the new value is inside it, as typed.
        assert any(AT_SUM in value for value in seen), f"{writer.name}: the audited change is not shown"
    else:
        # Exact round trip: more payloads than that one come back cell for cell as they were typed.
        assert seen & set(PAYLOADS) - {HYPERLINK}, f"{writer.name}: no other payload came back verbatim"


def test_every_payload_round_trips_exactly_through_xlsx_and_csv(hostile_db: Database, tmp_path: Path) -> None:
    """Across the list exports each payload, tab and carriage return included, reads back unchanged."""
    for suffix in (".xlsx", ".csv"):
        seen: set[str] = set()
        for entity in ("organisations", "people", "forums", "actions"):
            path = _list(entity, suffix)(hostile_db, tmp_path)
            seen |= CHECKERS[suffix](path)
        assert set(PAYLOADS) <= seen, (suffix, set(PAYLOADS) - seen)
