"""Imports never hurt (issue 9 item 2), over every importer in IMPORTERS: each hostile file of the kinds the issue
lists ends in a one-line refusal or a correct import, the process carries on, and a refused import changes nothing
(the database's content hash is the same after).

Budget, action updates, people and forum events are in it. A new importer joins by adding an ImporterCase to
IMPORTERS: a file it imports correctly into the office built here, the sheet that holds its rows and a text column
filled in every row. Every hostile variant is then made from that file, so the importer meets them with its own
headers.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from core.db.backup import backup_to
from core.db.engine import Database, open_database
from core.io.action_updates import export_action_updates
from core.io.imports import ImportRejected
from core.io.imports.action_updates import ActionUpdatesImporter
from core.io.imports.budget import BudgetImporter
from core.io.imports.events import EventsImporter
from core.io.imports.people import PeopleImporter
from core.io.imports.pipeline import Importer, run_import
from core.io.imports.reader import SheetSpec
from tests.core.io.hostile import BILLION_LAUGHS, add_part, rewrite_part
from tests.core.reports.test_meeting_pack import AS_AT, build_pack_office


@dataclass(frozen=True)
class ImporterCase:
    importer: Callable[[], Importer]
    good_file: Callable[[Database, Path], Path]  # imported correctly into the office below, with changes
    text_column: str  # the header of a text column filled in on every data row of the good file

    @property
    def spec(self) -> SheetSpec:
        return self.importer().sheets[0]

    @property
    def accepts_csv(self) -> bool:
        return bool(getattr(self.importer(), "accepts_csv", False))

    def date_column(self) -> str | None:
        return next((c.header for c in self.spec.columns if c.kind == "date"), None)


# Every good file carries "from a colleague" in a text cell: the csv variants mangle that text.
def _budget_file(_db: Database, folder: Path) -> Path:
    path = folder / "budget.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget lines"
    ws.append(["Reference", "Fiscal year", "Category", "Description", "Revised", "Notes"])
    for i in range(3):
        ws.append([f"HOST-{i}", "2025-26", "Travel", f"Délégation travel {i}", 1200 + i, "from a colleague"])
    wb.save(path)
    return path


def _action_updates_file(db: Database, folder: Path) -> Path:
    path = folder / "MFA-updates.xlsx"
    export_action_updates(db, "MFA", path, as_at=AS_AT)
    wb = openpyxl.load_workbook(path)
    ws = wb[ActionUpdatesImporter().sheets[0].title]
    header_row, columns = _header(ws, "Progress update")
    for row in range(header_row + 1, ws.max_row + 1):
        ws.cell(row, columns["Progress update"], f"Délégation briefed, row {row}")
    wb.save(path)
    return path


def _people_file(_db: Database, folder: Path) -> Path:
    path = folder / "people.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "People"
    ws.append(["Name", "Agency", "Role", "Email", "Notes"])
    for i in range(3):
        ws.append([f"Zoë Délégué {i}", "MFA", f"Cyber officer {i}", f"zoe{i}@example.invalid", "from a colleague"])
    wb.save(path)
    return path


def _events_file(db: Database, folder: Path) -> Path:
    import sqlalchemy as sa

    from core.domain.forums import Forum

    with db.read() as session:
        forum = session.scalars(sa.select(Forum.acronym).where(Forum.acronym.is_not(None)).order_by(Forum.id)).first()
    path = folder / "events.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Events"
    ws.append(["Forum", "Title", "Start", "End", "Location", "Lead agency", "Notes"])
    for i in range(3):
        ws.append(
            [forum, f"Réunion {i}", f"2026-0{i + 3}-10", f"2026-0{i + 3}-12", "Geneva", "MFA", "from a colleague"]
        )
    wb.save(path)
    return path


IMPORTERS: dict[str, ImporterCase] = {
    "budget": ImporterCase(BudgetImporter, _budget_file, "Description"),
    "action-updates": ImporterCase(ActionUpdatesImporter, _action_updates_file, "Progress update"),
    "people": ImporterCase(PeopleImporter, _people_file, "Role"),
    "events": ImporterCase(EventsImporter, _events_file, "Title"),
}


def _header(ws: object, wanted: str) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows():  # type: ignore[attr-defined]
        headers = [c.value for c in row]
        if wanted in headers:
            return row[0].row, {h: i + 1 for i, h in enumerate(headers) if isinstance(h, str)}
    raise AssertionError(f"no header {wanted!r}")


# --- the hostile variants: (the good file, a folder, the case) -> the file to import ---------------------------

Variant = Callable[[Path, Path, ImporterCase], Path]


def _sheet_part(good: Path, case: ImporterCase) -> str:
    """The zip part of the sheet holding the rows."""
    wb = openpyxl.load_workbook(good, read_only=True)
    index = wb.sheetnames.index(_data_sheet(good, case))
    wb.close()
    return f"xl/worksheets/sheet{index + 1}.xml"


def _data_sheet(good: Path, case: ImporterCase) -> str:
    wb = openpyxl.load_workbook(good, read_only=True)
    names = wb.sheetnames
    wb.close()
    return next((n for n in case.spec.sheet_names if n in names), names[0])


def _edit(good: Path, folder: Path, case: ImporterCase, change: Callable[[object, int, dict[str, int]], None]) -> Path:
    wb = openpyxl.load_workbook(good)
    ws = wb[_data_sheet(good, case)]
    header_row, columns = _header(ws, case.text_column)
    change(ws, header_row, columns)
    path = folder / f"edited-{good.name}"
    wb.save(path)
    return path


def _in_sheet(name: str, change: Callable[[bytes], bytes]) -> Variant:
    def made(good: Path, folder: Path, case: ImporterCase) -> Path:
        return rewrite_part(good, folder / name, _sheet_part(good, case), change)

    return made


def _with_doctype(data: bytes) -> bytes:
    """The sheet with a billion-laughs DTD in front of its root element (after the XML declaration, if any)."""
    root = data.index(b"<worksheet")
    return data[:root] + BILLION_LAUGHS.encode() + data[root:]


# 30 MB of whitespace in the sheet: it deflates to about 30 KB.
zip_bomb = _in_sheet("bomb.xlsx", lambda d: d.replace(b"</sheetData>", b" " * 30_000_000 + b"</sheetData>"))
entity_bomb = _in_sheet("laughs.xlsx", _with_doctype)


_FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
far_away_cell = _in_sheet("far.xlsx", lambda d: d.replace(b"</sheetData>", _FAR))


# Far-away cells the fast reader (calamine) must never meet, because it would abort the process: written with the
# reference after another attribute, with a namespace prefix, or in a sheet the importer does not read.
_FAR_LATE_REF = b'<row r="1048576"><c s="0" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
far_cell_reference_not_first = _in_sheet("far-late.xlsx", lambda d: d.replace(b"</sheetData>", _FAR_LATE_REF))
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FAR_PREFIXED = (
    b'<x:row xmlns:x="' + _MAIN + b'" r="1048576"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is>'
    b"</x:c></x:row></sheetData>"
)
far_cell_prefixed = _in_sheet("far-prefixed.xlsx", lambda d: d.replace(b"</sheetData>", _FAR_PREFIXED))


_FAR_LONG_REF = b'<row r="9"><c r="AAAAA9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
far_cell_past_four_letters = _in_sheet("far-letters.xlsx", lambda d: d.replace(b"</sheetData>", _FAR_LONG_REF))


def far_cell_in_another_sheet(good: Path, folder: Path, _case: ImporterCase) -> Path:
    wb = openpyxl.load_workbook(good)
    wb.create_sheet("Other")["A1"] = "not imported"
    count = len(wb.sheetnames)
    step = folder / "with-other-sheet.xlsx"
    wb.save(step)
    return rewrite_part(
        step, folder / "far-other.xlsx", f"xl/worksheets/sheet{count}.xml", lambda d: d.replace(b"</sheetData>", _FAR)
    )


def shared_strings_bomb(good: Path, folder: Path, _case: ImporterCase) -> Path:
    """Millions of empty shared strings (a reader allocates one string each) that deflate to almost nothing; the
    good files keep their text inline, so the part is added (readers load it whether or not a cell uses it)."""
    assert "xl/sharedStrings.xml" not in zipfile.ZipFile(good).namelist()
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t/></si>" * 2_500_000
    return add_part(good, folder / "strings.xlsx", "xl/sharedStrings.xml", strings + b"</sst>")


def _named(name: str, data: bytes) -> Variant:
    def made(_good: Path, folder: Path, _case: ImporterCase) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return made


def truncated(good: Path, folder: Path, _case: ImporterCase) -> Path:
    path = folder / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def macro_enabled(good: Path, folder: Path, _case: ImporterCase) -> Path:
    return add_part(good, folder / "with-macros.xlsx", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(2044))


def hidden_first_sheet(good: Path, folder: Path, case: ImporterCase) -> Path:
    wb = openpyxl.load_workbook(good)
    decoy = wb.create_sheet("Decoy", 0)
    decoy.append([c.header for c in case.spec.columns])
    decoy.append(['=HYPERLINK("http://example.invalid","open")'] * len(case.spec.columns))
    decoy.sheet_state = "hidden"
    wb.active = 1
    path = folder / "hidden-first.xlsx"
    wb.save(path)
    return path


def merged_cells(good: Path, folder: Path, case: ImporterCase) -> Path:
    def merge(ws: object, header_row: int, columns: dict[str, int]) -> None:
        column = columns[case.text_column]
        ws.merge_cells(start_row=header_row + 1, start_column=column, end_row=header_row + 2, end_column=column)  # type: ignore[attr-defined]

    return _edit(good, folder, case, merge)


def formula_without_value(good: Path, folder: Path, case: ImporterCase) -> Path:
    def formula(ws: object, header_row: int, columns: dict[str, int]) -> None:
        ws.cell(header_row + 1, columns[case.text_column], '=CONCAT("a","b")')  # type: ignore[attr-defined]

    return _edit(good, folder, case, formula)


def ambiguous_date(good: Path, folder: Path, case: ImporterCase) -> Path:
    column_name = case.date_column()
    assert column_name is not None

    def date_text(ws: object, header_row: int, columns: dict[str, int]) -> None:
        ws.cell(header_row + 1, columns[column_name], "01/03/2026")  # type: ignore[attr-defined]

    return _edit(good, folder, case, date_text)


def _csv(name: str, encoding: str, delimiter: str = ",", mangle: Callable[[str], str] = lambda t: t) -> Variant:
    def made(good: Path, folder: Path, case: ImporterCase) -> Path:
        wb = openpyxl.load_workbook(good, data_only=True)
        ws = wb[_data_sheet(good, case)]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        for row in ws.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
        path = folder / name
        text = mangle(buffer.getvalue())
        data = text.encode(encoding)
        if encoding == "utf-16-le":
            data = codecs.BOM_UTF16_LE + data
        path.write_bytes(data)
        return path

    return made


def _huge_field(text: str) -> str:
    return text.replace("from a colleague", "x" * 200_000, 1)


def _unterminated(text: str) -> str:
    return text.replace("from a colleague", '"from a colleague', 1)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)


def any_importer(_case: ImporterCase) -> bool:
    return True


def csv_importers(case: ImporterCase) -> bool:
    return case.accepts_csv


def _nul(text: str) -> str:
    return text.replace("colleague", "coll\x00eague", 1)


IMPORTED = ""  # the file must import, exactly as the good file would


def has_date_column(case: ImporterCase) -> bool:
    return case.date_column() is not None


# name -> (how the file is made, what is said when it is refused (or IMPORTED), which importers it applies to)
VARIANTS: dict[str, tuple[Variant, str, Callable[[ImporterCase], bool]]] = {
    "zip bomb": (zip_bomb, "it may be a zip bomb", any_importer),
    "entity bomb": (entity_bomb, "declares a document type or entities", any_importer),
    "far-away cell": (far_away_cell, "delete the far-away cells", any_importer),
    "far-away cell, reference not first": (far_cell_reference_not_first, "delete the far-away cells", any_importer),
    "far-away cell with a namespace prefix": (far_cell_prefixed, "delete the far-away cells", any_importer),
    "far-away cell past four letters": (far_cell_past_four_letters, "not a valid Excel workbook", any_importer),
    "far-away cell in a sheet not imported": (far_cell_in_another_sheet, "delete the far-away cells", any_importer),
    "shared strings bomb": (shared_strings_bomb, "it may be a zip bomb", any_importer),
    "csv renamed .xlsx": (
        _named("renamed.xlsx", b"Reference,Description\nA,b\n"),
        "text file (perhaps CSV)",
        any_importer,
    ),
    "html renamed .xlsx": (_named("page.xlsx", b"<html><body></body></html>"), "a web page", any_importer),
    "old .xls renamed .xlsx": (_named("old.xlsx", OLE), "old Excel 97-2003 (.xls)", any_importer),
    "empty file": (_named("empty.xlsx", b""), "the file is empty", any_importer),
    "truncated": (truncated, "damaged or incomplete", any_importer),
    "macro-enabled": (macro_enabled, IMPORTED, any_importer),
    "hidden first sheet": (hidden_first_sheet, IMPORTED, any_importer),
    "merged cells": (merged_cells, "are merged; unmerge them", any_importer),
    "formula without value": (formula_without_value, "formula whose result was never saved", any_importer),
    "ambiguous date": (ambiguous_date, "could be read two ways", has_date_column),
    "csv utf-8 with BOM": (_csv("bom.csv", "utf-8-sig"), IMPORTED, csv_importers),
    "csv cp1252": (_csv("cp1252.csv", "cp1252"), IMPORTED, csv_importers),
    "csv utf-16 tabs": (_csv("unicode.txt", "utf-16-le", "\t"), IMPORTED, csv_importers),
    "csv semicolons": (_csv("semi.csv", "utf-8", ";"), IMPORTED, csv_importers),
    "csv NUL byte": (_csv("nul.csv", "utf-8", mangle=_nul), "NUL characters", csv_importers),
    "csv huge field": (_csv("huge.csv", "utf-8", mangle=_huge_field), "longer than 131,072 characters", csv_importers),
    "csv unterminated quote": (_csv("quote.csv", "utf-8", mangle=_unterminated), "is never closed", csv_importers),
}

CASES = [
    pytest.param(importer, variant, id=f"{importer}: {variant}")
    for importer, case in IMPORTERS.items()
    for variant, (_, _, applies) in VARIANTS.items()
    if applies(case)
]


def content_hash(path: Path) -> str:
    """Every row of every table (WAL included): what a failed import must leave exactly as it was."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_pack_office(tmp_path_factory.mktemp("hostile-imports") / "office.cyberdesk")
    assert built.db.path is not None
    built.db.close()
    return built.db.path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "office.cyberdesk"
    backup_to(template, path)
    database = open_database(path)
    yield database
    database.close()


@pytest.mark.parametrize(("importer", "variant"), CASES)
def test_a_hostile_file_ends_in_one_line_or_a_correct_import_and_a_refusal_changes_nothing(
    db: Database, tmp_path: Path, importer: str, variant: str
) -> None:
    case = IMPORTERS[importer]
    make, expected, _ = VARIANTS[variant]
    folder = tmp_path / "files"
    folder.mkdir()
    good = case.good_file(db, folder)
    assert db.path is not None
    expected_changes = len(run_import(db, good, case.importer(), dry_run=True, today=AS_AT).plan.changes)
    assert expected_changes > 0  # the good file really changes something, so "changes nothing" below can fail
    hostile = make(good, folder, case)
    before = content_hash(db.path)

    if expected != IMPORTED:
        with pytest.raises(ImportRejected) as refused:
            run_import(db, hostile, case.importer(), dry_run=False, today=AS_AT)
        message = str(refused.value)
        assert expected in message and "\n" not in message and len(message) < 600, message
        assert content_hash(db.path) == before
    else:
        result = run_import(db, hostile, case.importer(), dry_run=False, today=AS_AT)
        assert result.applied and not result.plan.problems
        assert len(result.plan.changes) == expected_changes
        assert content_hash(db.path) != before
    db.check_integrity()
