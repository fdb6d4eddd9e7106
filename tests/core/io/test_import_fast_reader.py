"""The fast reader (calamine) reads what the openpyxl reader reads, and only ever sees a file the pre-check bounded.

Each awkward workbook is read twice through the same pipeline: as it comes (a plain file goes to calamine) and
with the fast reader's cell budget set to nothing (so openpyxl reads it); the tables must be the same.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from core.io.imports import ImportRejected, calamine_reader
from core.io.imports.pipeline import read_for_import
from core.io.imports.precheck import DEFAULT_LIMITS, ImportLimits, precheck_xlsx
from core.io.imports.reader import FORMULA_WITHOUT_VALUE, Problem, WorkbookRead
from tests.core.io.hostile import (
    CONTENT_TYPES,
    ROOT_RELS,
    WORKBOOK,
    inline,
    raw_xlsx,
    sheet_xml,
    workbook,
)
from tests.core.io.test_import_reader import PeopleImporter

OPENPYXL_ONLY = ImportLimits(fast_reader_max_cells=0)


def read(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> WorkbookRead:
    return read_for_import(path, PeopleImporter(), limits=limits)[0]


def as_seen(result: WorkbookRead) -> object:
    """What a user of the import sees of a read: every table's rows, values, problems and the notes."""
    return (
        {
            title: (t.sheet, t.header_row, dict(t.columns), [(r.number, dict(r.cells)) for r in t.rows], t.problems)
            for title, t in result.tables.items()
        },
        result.warnings,
        dict(result.metadata),
    )


@pytest.fixture
def fast_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files calamine was given."""
    given: list[Path] = []
    real = calamine_reader.read_workbook_fast

    def spy(report, *args, **kwargs):  # type: ignore[no-untyped-def]
        given.append(report.path)
        return real(report, *args, **kwargs)

    monkeypatch.setattr(calamine_reader, "read_workbook_fast", spy)
    return given


def test_an_awkward_but_plain_workbook_reads_the_same_through_calamine_and_openpyxl(
    tmp_path: Path, fast_reads: list[Path]
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    decoy = wb.active
    decoy.title = "Decoy"
    decoy.append(["Name", "Born", "Count"])
    decoy.append(["Not me", "2020-01-01", 1])
    decoy.sheet_state = "hidden"
    ws = wb.create_sheet("Real")
    wb.active = 1
    ws["C1"] = "A title above the table"
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = "  FULL   name ", "Born", "count:", "Colour"
    rows = [
        ("Alpha", date(2024, 3, 1), 7, "red"),
        ("  Béatrice  ", datetime(2024, 3, 1, 0, 0), 7.0, " GREEN "),
        (None, None, None, None),  # a blank row between rows of data
        ("Gamma", "2024-02-30", 2.5, "Blue"),
        ("Delta", datetime(2024, 3, 1, 10, 30), "12", None),
        ("مكتب السفير", 45352, True, None),
        ("Epsilon", "01/03/2024", "   ", None),
        ("Zeta", None, 0.1, None),
    ]
    for number, row in enumerate(rows, start=4):
        for column, value in zip("CDEF", row, strict=True):
            if value is not None:
                ws[f"{column}{number}"] = value
    ws.merge_cells("C13:C14")
    ws["C13"] = "Merged"
    wb.save(tmp_path / "awkward.xlsx")
    path = tmp_path / "awkward.xlsx"

    assert precheck_xlsx(path).fast_reader_fits(DEFAULT_LIMITS)
    fast = read(path)
    assert fast_reads == [path]
    slow = read(path, OPENPYXL_ONLY)
    assert fast_reads == [path]  # the second read went to openpyxl
    assert as_seen(fast) == as_seen(slow)
    table = fast.tables["People"]
    assert (table.sheet, table.header_row, dict(table.columns)) == (
        "Real",
        3,
        {"name": "C", "born": "D", "count": "E", "colour": "F"},
    )
    assert [(r.number, r.value("name"), r.value("born"), r.value("count"), r.value("colour")) for r in table.rows] == [
        (4, "Alpha", date(2024, 3, 1), 7, "R"),
        (5, "Béatrice", date(2024, 3, 1), 7, "G"),
        (7, "Gamma", None, None, None),
        (8, "Delta", date(2024, 3, 1), 12, None),
        (9, "مكتب السفير", None, None, None),
        (10, "Epsilon", None, None, None),
        (11, "Zeta", None, None, None),
        (13, "Merged", None, None, None),
    ]
    messages = [str(p) for p in table.problems]
    assert "Real, row 7, Born: Enter a date (a date cell or YYYY-MM-DD), not '2024-02-30'." in messages
    assert "Real, row 7, Count: Enter a whole number, not 2.5." in messages
    assert "Real, row 7, Colour: Choose one of Red, Green; 'Blue' is not one of them." in messages
    assert any(m.startswith("Real, row 9, Born: Enter a date") for m in messages)
    assert any(m.startswith("Real, row 9, Count: Enter a whole number") for m in messages)
    assert any("row 10, Born: Write the date as a date cell or as YYYY-MM-DD" in m for m in messages)
    assert "Real, row 11, Count: Enter a whole number, not 0.1." in messages
    assert Problem("Real", 13, None, "Cells C13:C14 are merged; unmerge them and fill in every row.") in table.problems
    assert fast.warnings == ("Hidden sheets were not read: Decoy.",)


def _no_fast_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("calamine must not see this file")

    monkeypatch.setattr(calamine_reader, "read_workbook_fast", refuse)


def _row(number: int, *cells: str) -> str:
    return f"<row r='{number}'>{''.join(cells)}</row>"


HEADER = _row(1, inline("A1", "Name"), inline("B1", "Born"))


def test_an_error_cell_goes_to_openpyxl_and_is_reported_with_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = HEADER + _row(2, inline("A2", "Alpha"), '<c r="B2" t="e"><v>#N/A</v></c>')
    path = raw_xlsx(tmp_path / "error.xlsx", sheet_xml(body))
    assert not precheck_xlsx(path).fast_reader_fits(DEFAULT_LIMITS)
    _no_fast_reader(monkeypatch)
    assert [str(p) for p in read(path).problems] == [
        "Sheet1, row 2, Born: The cell shows the Excel error #N/A; correct it and save the file again."
    ]


def test_a_formula_goes_to_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(tmp_path / "formula.xlsx", [["Name", "Born", "Count"], ["Alpha", None, "=1+1"]], title="People")
    assert not precheck_xlsx(path).fast_reader_fits(DEFAULT_LIMITS)
    _no_fast_reader(monkeypatch)
    assert read(path).problems == (Problem("People", 2, "Count", FORMULA_WITHOUT_VALUE),)


@pytest.mark.parametrize(
    "cell",
    [
        '<c t="inlineStr"><is><t>placed by position</t></is></c>',  # no reference: the scan cannot bound it
        '<c s="0" r="B2" t="inlineStr"><is><t>reference later</t></is></c>',
    ],
)
def test_a_cell_without_its_reference_first_goes_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    path = raw_xlsx(tmp_path / "unreferenced.xlsx", sheet_xml(HEADER + _row(2, inline("A2", "Alpha"), cell)))
    assert not precheck_xlsx(path).fast_reader_fits(DEFAULT_LIMITS)
    _no_fast_reader(monkeypatch)
    assert [r.value("name") for r in read(path).tables["People"].rows] == ["Alpha"]


def test_a_grid_over_the_fast_readers_budget_goes_to_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = HEADER + _row(2, inline("A2", "Alpha")) + _row(9000, inline("IV9000", "far but allowed"))
    path = raw_xlsx(tmp_path / "wide.xlsx", sheet_xml(body))
    report = precheck_xlsx(path)
    assert report.row_bound >= 9000 and report.column_bound >= 256
    assert not report.fast_reader_fits(ImportLimits(fast_reader_max_cells=1_000_000))
    _no_fast_reader(monkeypatch)
    assert [
        r.value("name") for r in read(path, ImportLimits(fast_reader_max_cells=1_000_000)).tables["People"].rows
    ] == ["Alpha"]


def test_a_sheet_stored_where_the_scan_does_not_look_goes_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="data/sheet1.xml"/></Relationships>'
    )
    path = tmp_path / "elsewhere.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.replace("/xl/worksheets/sheet1.xml", "/xl/data/sheet1.xml"))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/data/sheet1.xml", sheet_xml(HEADER + _row(2, inline("A2", "Alpha"))))
        # A decoy in the usual place, so the workbook passes the check that it has worksheets at all.
        z.writestr("xl/worksheets/sheet9.xml", sheet_xml(HEADER))
    report = precheck_xlsx(path)
    assert not report.sheets_scanned and not report.fast_reader_fits(DEFAULT_LIMITS)
    _no_fast_reader(monkeypatch)
    assert [r.value("name") for r in read(path).tables["People"].rows] == ["Alpha"]


def test_a_table_far_down_keeps_its_row_numbers(tmp_path: Path, fast_reads: list[Path]) -> None:
    body = _row(40, inline("D40", "Name"), inline("E40", "Born")) + _row(42, inline("D42", "Alpha"))
    path = raw_xlsx(tmp_path / "low.xlsx", sheet_xml(body))
    table = read(path).tables["People"]
    assert fast_reads == [path]
    assert (table.header_row, dict(table.columns)) == (40, {"name": "D", "born": "E"})
    assert [(r.number, r.value("name")) for r in table.rows] == [(42, "Alpha")]


def test_a_reference_past_four_letters_never_reaches_calamine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan bounds references of up to four letters; a longer one (column 12 million) must not size a grid."""
    cell = '<c r="AAAAA2" t="inlineStr"><is><t>far</t></is></c>'
    path = raw_xlsx(tmp_path / "letters.xlsx", sheet_xml(HEADER + _row(2, inline("A2", "Alpha"), cell)))
    assert not precheck_xlsx(path).fast_reader_fits(DEFAULT_LIMITS)
    _no_fast_reader(monkeypatch)
    with pytest.raises(ImportRejected, match=r"letters\.xlsx: it is not a valid Excel workbook"):
        read(path)
