"""Reading awkward workbooks through the pipeline: which sheet, where the header is, and what each cell means."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.io.imports import ImportRejected
from core.io.imports.pipeline import ImportPlan, RowChange, SourceFile, plan_rows, read_for_import, run_import
from core.io.imports.precheck import ImportLimits
from core.io.imports.reader import FORMULA_WITHOUT_VALUE, ColumnSpec, Problem, SheetSpec, SourceRow, WorkbookRead
from tests.core.io.hostile import inline, raw_xlsx, rewrite_part, sheet_xml, workbook

PEOPLE = SheetSpec(
    title="People",
    sheet_names=("People",),
    columns=(
        ColumnSpec("name", "Name", aliases=("Full name",)),
        ColumnSpec("born", "Born", "date"),
        ColumnSpec("count", "Count", "int", required=False),
        ColumnSpec("colour", "Colour", "choice", required=False, choices={"Red": "R", "Green": "G"}),
    ),
)


class PeopleImporter:
    """A toy importer: what a budget importer would supply (a column spec and a row handler)."""

    kind = "people-test"
    sheets: tuple[SheetSpec, ...] = (PEOPLE,)
    metadata_sheet: str | None = None

    def plan(self, session: Session, read: WorkbookRead, source: SourceFile, today: date) -> ImportPlan:
        table = read.tables["People"]

        def handle(row: SourceRow) -> RowChange | Problem | None:
            if row.value("name") == "Nobody":
                return Problem("People", row.number, "Name", "Nobody is not a name.")
            if row.value("name") == "Skip":
                return None
            return RowChange("People", row.number, str(row.value("name")), "", (), "person", row.number, 1)

        changes, problems = plan_rows(table, handle)
        return ImportPlan(
            self.kind,
            source,
            tuple(changes),
            problems=(*read.problems, *problems),
            warnings=read.warnings,
            rows_read=len(table.rows),
        )

    def apply(self, session: Session, plan: ImportPlan, today: date) -> Mapping[str, Sequence[int]]:
        return {}


def read(path: Path, limits: ImportLimits | None = None) -> WorkbookRead:
    return read_for_import(path, PeopleImporter(), limits=limits or ImportLimits())[0]


def test_hidden_first_sheet_is_never_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    decoy = wb.active
    decoy.title = "Hidden1"
    decoy.append(["Name", "Born"])
    decoy.append(["Decoy", "2020-01-01"])
    decoy.sheet_state = "hidden"
    real = wb.create_sheet("Real")
    real.append(["Name", "Born"])
    real.append(["Alpha", date(2024, 3, 1)])
    wb.active = 1
    wb.save(tmp_path / "hidden.xlsx")
    result = read(tmp_path / "hidden.xlsx")
    table = result.tables["People"]
    assert table.sheet == "Real"
    assert [row.value("name") for row in table.rows] == ["Alpha"]
    assert table.rows[0].value("born") == date(2024, 3, 1)
    assert "Hidden sheets were not read: Hidden1." in result.warnings


def test_table_starting_at_c3_with_headers_in_other_case_and_spacing(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "People"
    ws["C1"] = "A title above the table"
    ws["C3"], ws["D3"], ws["E3"] = "  FULL   name ", "ｂｏｒｎ", "count:"
    ws["C4"], ws["D4"], ws["E4"] = "Alpha", "2024-03-01", 7.0
    ws["C6"], ws["D6"] = "Beta", date(2023, 1, 2)
    wb.save(tmp_path / "offset.xlsx")
    table = read(tmp_path / "offset.xlsx").tables["People"]
    assert table.header_row == 3 and table.columns == {"name": "C", "born": "D", "count": "E"}
    assert [(r.number, r.value("name"), r.value("born"), r.value("count")) for r in table.rows] == [
        (4, "Alpha", date(2024, 3, 1), 7),
        (6, "Beta", date(2023, 1, 2), None),
    ]
    assert table.problems == ()


def test_missing_header_names_the_missing_columns(tmp_path: Path) -> None:
    path = workbook(tmp_path / "noheader.xlsx", [["Name", "Age"], ["Alpha", 3]], title="People")
    with pytest.raises(ImportRejected, match=r"no header row with the columns Born was found"):
        read(path)


def test_a_named_sheet_that_is_missing(tmp_path: Path) -> None:
    from dataclasses import replace

    from core.io.imports.precheck import precheck_xlsx
    from core.io.imports.reader import read_workbook

    path = workbook(tmp_path / "other.xlsx", [["Name", "Born"]], title="Other")
    strict = replace(PEOPLE, first_visible_fallback=False)
    with pytest.raises(ImportRejected, match=r"other.xlsx: it has no sheet 'People'"):
        read_workbook(precheck_xlsx(path), (strict,))
    optional = replace(strict, required=False)
    assert read_workbook(precheck_xlsx(path), (optional,)).tables == {}


def test_a_hidden_sheet_named_by_the_importer_is_read_with_a_note(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Front"
    people = wb.create_sheet("People")
    people.append(["Name", "Born"])
    people.append(["Alpha", None])
    people.sheet_state = "hidden"
    wb.save(tmp_path / "named.xlsx")
    result = read(tmp_path / "named.xlsx")
    assert [r.value("name") for r in result.tables["People"].rows] == ["Alpha"]
    assert "The sheet 'People' is hidden; it was read because of its name." in result.warnings


def test_a_duplicated_header_is_a_problem(tmp_path: Path) -> None:
    path = workbook(tmp_path / "dup.xlsx", [["Name", "Born", "name"], ["Alpha", None, "Beta"]], title="People")
    assert [str(p) for p in read(path).problems] == [
        "People, row 1: The header 'name' appears twice (columns A and C); keep one."
    ]


def test_an_unreadable_part_after_the_precheck_is_one_line(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "broken.xlsx", "<worksheet><sheetData><row r='1'><c r='A1'")
    with pytest.raises(ImportRejected, match=r"broken.xlsx: it is not a valid Excel workbook"):
        read(path)


def test_merged_cells_in_the_data_are_reported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "People"
    for row in (["Name", "Born"], ["Alpha", "2024-01-01"], [None, "2024-01-02"], [None, "2024-01-03"]):
        ws.append(row)
    ws.merge_cells("A2:A4")
    wb.save(tmp_path / "merged.xlsx")
    problems = read(tmp_path / "merged.xlsx").problems
    assert Problem("People", 2, None, "Cells A2:A4 are merged; unmerge them and fill in every row.") in problems


def test_formula_without_cached_value_rejects_the_row(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "formula.xlsx", [["Name", "Born", "Count"], ["Alpha", "2024-01-01", "=1+1"]], title="People"
    )
    result = read(path)
    assert result.problems == (Problem("People", 2, "Count", FORMULA_WITHOUT_VALUE),)
    assert "open the file in Excel, save it" in str(result.problems[0])


@pytest.mark.parametrize(
    ("value", "expected", "problem"),
    [
        ("2024-03-01", date(2024, 3, 1), None),
        ("01/03/2024", None, "could be read two ways"),
        ("2024-02-30", None, "Enter a date"),
        ("next week", None, "Enter a date"),
        (45352, None, "Enter a date"),
    ],
)
def test_dates_are_date_cells_or_iso_text(
    tmp_path: Path, value: object, expected: date | None, problem: str | None
) -> None:
    path = workbook(tmp_path / "dates.xlsx", [["Name", "Born"], ["Alpha", value]], title="People")
    result = read(path)
    assert result.tables["People"].rows[0].value("born") == expected
    if problem is None:
        assert result.problems == ()
    else:
        assert len(result.problems) == 1 and problem in result.problems[0].message


@pytest.mark.parametrize(
    ("value", "expected", "problem"),
    [(3, 3, None), ("12", 12, None), (2.5, None, "whole number"), (True, None, "whole number"), ("x", None, "whole")],
)
def test_whole_numbers(tmp_path: Path, value: object, expected: int | None, problem: str | None) -> None:
    path = workbook(tmp_path / "ints.xlsx", [["Name", "Born", "Count"], ["Alpha", None, value]], title="People")
    result = read(path)
    assert result.tables["People"].rows[0].value("count") == expected
    assert (problem is None) == (result.problems == ())


def test_choices_and_error_cells(tmp_path: Path) -> None:
    path = raw_xlsx(
        tmp_path / "choices.xlsx",
        sheet_xml(
            "<row r='1'>" + inline("A1", "Name") + inline("B1", "Born") + inline("C1", "Colour") + "</row>"
            "<row r='2'>" + inline("A2", "Alpha") + inline("C2", " GREEN ") + "</row>"
            "<row r='3'>" + inline("A3", "Beta") + inline("C3", "Blue") + "</row>"
            "<row r='4'>" + inline("A4", "Gamma") + '<c r="B4" t="e"><v>#DIV/0!</v></c></row>'
        ),
    )
    result = read(path)
    rows = result.tables["Sheet1"] if "Sheet1" in result.tables else result.tables["People"]
    assert rows.rows[0].value("colour") == "G"
    messages = [str(p) for p in result.problems]
    assert any("row 3, Colour: Choose one of Red, Green" in m for m in messages)
    assert any("row 4, Born: The cell shows the Excel error #DIV/0!" in m for m in messages)


def test_lying_dimension_reads_the_real_cells(tmp_path: Path) -> None:
    src = workbook(tmp_path / "src.xlsx", [["Name", "Born"], ["Alpha", "2024-01-01"]], title="People")
    path = rewrite_part(
        src,
        tmp_path / "lying.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    assert b"XFD1048576" in __import__("zipfile").ZipFile(path).read("xl/worksheets/sheet1.xml")
    table = read(path).tables["People"]
    assert [r.value("name") for r in table.rows] == ["Alpha"]


def test_macro_enabled_workbook_reads_its_values(tmp_path: Path) -> None:
    from tests.core.io.hostile import add_part

    src = workbook(tmp_path / "src.xlsx", [["Name", "Born"], ["Alpha", "2024-01-01"]], title="People")
    path = add_part(src, tmp_path / "macro.xlsx", "xl/vbaProject.bin", b"fake")
    result = read(path)
    assert [r.value("name") for r in result.tables["People"].rows] == ["Alpha"]
    assert any("macros" in w for w in result.warnings)


def test_row_limit_has_a_clear_message(tmp_path: Path) -> None:
    rows = [["Name", "Born"], *[[f"P{i}", None] for i in range(30)]]
    path = workbook(tmp_path / "many.xlsx", rows, title="People")
    with pytest.raises(ImportRejected, match=r"more than 10 rows of data, the most one import takes"):
        read(path, ImportLimits(max_data_rows=10))


def test_dry_run_lists_every_problem_with_row_and_column(tmp_path: Path, schema_db: Database) -> None:
    rows = [["Name", "Born"], ["Alpha", "2024-01-01"], ["Nobody", None], ["Skip", None], ["Beta", "01/02/2024"]]
    path = workbook(tmp_path / "people.xlsx", rows, title="People")
    result = run_import(schema_db, path, PeopleImporter(), dry_run=True)
    assert not result.applied and [c.ref for c in result.plan.changes] == ["Alpha"]
    assert [str(p) for p in result.plan.problems] == [
        "People, row 5, Born: Write the date as a date cell or as YYYY-MM-DD ('01/02/2024' could be read two ways).",
        "People, row 3, Name: Nobody is not a name.",
    ]
    assert result.summary() == "Dry run of people.xlsx: 1 change, 2 problems in 4 rows read. Nothing was changed."


def test_apply_with_problems_changes_nothing(tmp_path: Path, schema_db: Database) -> None:
    path = workbook(tmp_path / "people.xlsx", [["Name", "Born"], ["Nobody", None]], title="People")
    with pytest.raises(ImportRejected, match=r"1 problem in the file \(first: People, row 2, Name: Nobody"):
        run_import(schema_db, path, PeopleImporter(), dry_run=False)


def test_a_far_away_cell_never_reaches_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a file the pre-check refuses")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    body = "<row r='1'>" + inline("A1", "Name") + "</row><row r='1048576'>" + inline("XFD1048576", "x") + "</row>"
    path = raw_xlsx(tmp_path / "far.xlsx", sheet_xml(body))
    with pytest.raises(ImportRejected, match="XFD1048576"):
        read(path)


class _Cancelled:
    cancelled = True


class _Progress:
    def __init__(self) -> None:
        self.reports: list[tuple[int, int]] = []

    def report(self, done: int, total: int) -> None:
        self.reports.append((done, total))


def test_cancel_and_progress(tmp_path: Path, schema_db: Database) -> None:
    from core.io.imports.pipeline import ImportCancelled

    path = workbook(tmp_path / "people.xlsx", [["Name", "Born"], ["Alpha", None]], title="People")
    with pytest.raises(ImportCancelled, match=r"Import of people\.xlsx cancelled; nothing was changed\."):
        run_import(schema_db, path, PeopleImporter(), dry_run=False, cancel=_Cancelled())
    progress = _Progress()
    result = run_import(schema_db, path, PeopleImporter(), dry_run=True, progress=progress)
    assert progress.reports == [(0, 3), (1, 3), (3, 3)] and result.plan.can_apply
    assert result.plan.lines() == ["Change Alpha: "]
