"""Tests for list exports: reopen every file and check what a user would see in Excel or a csv reader."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from core.domain.money import excel_number_format
from core.domain.organisations import Organisation, OrgType
from core.domain.reference import Office, PaperSize
from core.io.cells import ExportError
from core.io.progress import ExportCancelled
from core.io.table_export import DEMO_LINE, PERSONAL_DATA_LINE, ExportResult, export_list, list_export_marking
from core.reports.list_filters import ListFilter
from core.reports.lists import LIST_ENTITIES, LIST_SPECS, ListQuery
from tests.core.reports.test_lists import AS_AT, HYPERLINK, Office_, build_office


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office_]:
    built = build_office(tmp_path / "t.cyberdesk")
    yield built
    built.db.close()


def export(office: Office_, entity: str, target: Path, **kwargs: object) -> ExportResult:
    return export_list(office.db, entity, target, as_at=AS_AT, **kwargs)  # type: ignore[arg-type]


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def table(path: Path) -> tuple[Any, int, dict[str, int]]:
    """The sheet, its header row number and each header's column number."""
    ws = openpyxl.load_workbook(path).active
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).font.b and ws.cell(r, 1).fill.fill_type == "solid")
    columns = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}
    return ws, header_row, columns


def data_row(ws: Any, header_row: int, columns: dict[str, int], key_header: str, key: str) -> dict[str, Any]:
    """The cells of the data row whose `key_header` column holds `key`, by header."""
    for r in range(header_row + 1, ws.max_row + 1):
        if ws.cell(r, columns[key_header]).value == key:
            return {h: ws.cell(r, c) for h, c in columns.items()}
    raise AssertionError(f"no row with {key_header} = {key}")


def test_actions_xlsx_shows_names_dates_rag_and_counts(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "actions.xlsx"
    result = export(office, "actions", target)
    assert result.rows == 3 and result.left_out == 0
    assert result.summary() == "Wrote 3 actions to actions.xlsx (marking OFFICIAL: Sensitive)."
    ws, header_row, columns = table(target)
    overdue = data_row(ws, header_row, columns, "Ref", "A-1")
    assert overdue["Owner agency"].value == "MFA"
    assert overdue["Owner"].value == "Alex Citizen"
    assert overdue["RAG"].value == "Red"
    assert overdue["RAG"].fill.fgColor.rgb.endswith("FFC7CE")
    assert overdue["Open for N meetings"].value == 2
    assert overdue["Due"].is_date and overdue["Due"].value == datetime(2025, 6, 30)
    assert overdue["Blocked"].value is False
    complete = data_row(ws, header_row, columns, "Ref", "A-2")
    assert complete["RAG"].value == "Blue"
    assert complete["Status"].value == "Complete"


def test_xlsx_layout_title_freeze_filter_print_setup_and_properties(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "actions.xlsx"
    export(office, "actions", target)
    wb = openpyxl.load_workbook(target)
    ws, header_row, columns = table(target)
    assert ws.title == "Action log"
    assert header_row == 2  # title line, then the header (a real, not demo, office; no personal data)
    assert ws["A1"].value.startswith("Action log — Smith & Jones Cyber Office — OFFICIAL: Sensitive")
    assert ws.freeze_panes == f"A{header_row + 1}"
    last_column = openpyxl.utils.get_column_letter(len(columns))
    assert ws.auto_filter.ref == f"A{header_row}:{last_column}{header_row + 3}"
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["E"].width == 50  # the action's text
    assert wb.properties.creator == "Cyber Affairs Desk"
    assert wb.properties.subject == "OFFICIAL: Sensitive"
    assert wb.properties.title == "Action log — Smith & Jones Cyber Office"
    xml = sheet_xml(target)
    header = re.search(r"<oddHeader>(.*?)</oddHeader>", xml)
    footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml)
    assert header and footer
    assert "Smith &amp;&amp; Jones Cyber Office" in header.group(1)  # "&&" once the XML escape is undone
    assert "OFFICIAL: Sensitive" in header.group(1) and "OFFICIAL: Sensitive" in footer.group(1)
    assert "Page &amp;P of &amp;N" in footer.group(1)


def test_money_and_fte_cells_are_numbers_with_formats(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "budget.xlsx"
    export(office, "budget", target)
    ws, header_row, columns = table(target)
    line = data_row(ws, header_row, columns, "Description", "Overspent line")
    assert line["Under/(over)"].value == -150
    assert line["Under/(over)"].number_format == excel_number_format("AUD")
    assert "(" in line["Under/(over)"].number_format.split(";")[1]
    assert line["Fiscal year"].value == "2025–26"
    export(office, "allocations", tmp_path / "allocations.xlsx")
    ws, header_row, columns = table(tmp_path / "allocations.xlsx")
    fte = ws.cell(header_row + 1, columns["FTE"])
    assert (fte.value, fte.number_format) == (0.25, "0.00")


def test_user_text_stays_text_in_xlsx(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "organisations.xlsx"
    export(office, "organisations", target)
    xml = sheet_xml(target)
    assert "<f>" not in xml and 't="e"' not in xml
    ws, header_row, columns = table(target)
    names = [ws.cell(r, columns["Name"]).value for r in range(header_row + 1, ws.max_row + 1)]
    assert HYPERLINK in names and "#N/A" in names and "+61 Partners" in names


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel detects the encoding
    text = raw[3:].decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF and only CRLF
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_csv_is_a_clean_table_with_bom_crlf_and_neutralised_triggers(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "organisations.csv"
    result = export(office, "organisations", target)
    header, *rows = read_csv(target)
    assert header[:4] == ["Name", "Short name", "Code", "Type"]  # the header comes first, nothing above it
    assert len(rows) == result.rows
    names = {row[0] for row in rows}
    assert "'" + HYPERLINK in names and "'+61 Partners" in names
    assert "#N/A" in names  # not a formula trigger in csv: kept as typed
    assert all(not name.startswith(("=", "+", "-", "@")) for name in names)


def test_csv_semicolon_and_values(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "budget.csv"
    export(office, "budget", target, delimiter=";")
    assert target.read_text(encoding="utf-8-sig").startswith('"ID";"Fiscal year";"Forum"')
    header, *rows = read_csv(target, delimiter=";")
    lines = [dict(zip(header, row, strict=True)) for row in rows]
    line = next(line for line in lines if line["Description"] == "Travel to UN")
    assert line["Fiscal year"] == "2025–26"
    assert line["Revised"] == "2000.00" and line["Under/(over)"] == "899.50"
    assert line["ODA eligible"] == "FALSE"


def test_marking_ceiling_leaves_rows_out_and_says_so(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "actions.xlsx"
    result = export(office, "actions", target, max_marking="OFFICIAL")
    assert (result.rows, result.left_out, result.marking) == (2, 1, "OFFICIAL")
    assert result.summary() == "Wrote 2 actions to actions.xlsx (marking OFFICIAL; 1 row above OFFICIAL left out)."
    ws, header_row, columns = table(target)
    refs = {ws.cell(r, columns["Ref"]).value for r in range(header_row + 1, ws.max_row + 1)}
    assert refs == {"A-1", "A-2"}
    assert openpyxl.load_workbook(target).properties.subject == "OFFICIAL"


def test_demo_and_personal_data_lines(office: Office_, tmp_path: Path) -> None:
    with office.db.write() as s:
        row = s.get_one(Office, 1)
        row.is_demo = True
        row.paper_size = PaperSize.LETTER
    target = tmp_path / "people.xlsx"
    export(office, "people", target)
    ws, header_row, _ = table(target)
    assert [ws.cell(r, 1).value for r in (2, 3)] == [DEMO_LINE, PERSONAL_DATA_LINE]
    assert header_row == 4 and ws.freeze_panes == "A5"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_LETTER)
    assert "DEMO DATA" in sheet_xml(target).split("<oddHeader>")[1]
    export(office, "people", tmp_path / "people.csv")
    assert read_csv(tmp_path / "people.csv")[0][:2] == ["Name", "Organisation"]


def test_header_and_footer_stay_within_excel_limits(tmp_path: Path) -> None:
    built = build_office(tmp_path / "long.cyberdesk", office_name="R&D " * 50)
    try:
        target = tmp_path / "forums.xlsx"
        export(built, "forums", target)
    finally:
        built.db.close()
    xml = sheet_xml(target)
    for part in ("oddHeader", "oddFooter"):
        found = re.search(rf"<{part}>(.*?)</{part}>", xml)
        assert found
        text = html.unescape(found.group(1))
        assert len(text) <= 255
        # With every "&&" (a literal ampersand) removed, each "&" left must be a code: &L, &C, &R, &P, &N, &"font".
        assert re.fullmatch(r'(?:[^&]|&[LCRPN"])*', text.replace("&&", "")), text
    assert "R&amp;&amp;D R&amp;&amp;D" in xml


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("actions.txt", {}, "must end in .xlsx or .csv"),
        ("actions.csv", {"delimiter": "|"}, "with a comma or a semicolon"),
        ("actions.xlsx", {"max_marking": "TOP SECRET"}, "use one of: OFFICIAL, OFFICIAL: Sensitive"),
    ],
)
def test_bad_suffix_and_unknown_marking_are_one_line_errors(
    office: Office_, tmp_path: Path, name: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ExportError, match=re.escape(message)) as caught:
        export(office, "actions", tmp_path / name, **kwargs)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / name).exists()


def test_failed_export_leaves_the_previous_file_intact(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "organisations.xlsx"
    export(office, "organisations", target)
    before = target.read_bytes()
    with office.db.write() as s:
        s.add(Organisation(name="Long notes", name_key="long notes", org_type=OrgType.FIRM, notes="x" * 40_000))
    with pytest.raises(ExportError, match=r"row \d+ of Organisations: Text of 40,000 characters"):
        export(office, "organisations", target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".~")) == []


class Cancel:
    def __init__(self, after: int) -> None:
        self.after = after
        self.reports: list[tuple[int, int]] = []

    def report(self, done: int, total: int) -> None:
        self.reports.append((done, total))

    @property
    def cancelled(self) -> bool:
        return bool(self.reports) and self.reports[-1][0] >= self.after


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_cancelled_export_writes_nothing(office: Office_, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"actions{suffix}"
    target.write_bytes(b"previous")
    token = Cancel(after=0)
    with pytest.raises(ExportCancelled):
        export(office, "actions", target, progress=token, cancel=token)
    assert target.read_bytes() == b"previous"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")]  # no temporary file left


def test_progress_reaches_the_row_count(office: Office_, tmp_path: Path) -> None:
    sink = Cancel(after=10**9)
    result = export(office, "actions", tmp_path / "actions.csv", progress=sink, cancel=sink)
    assert sink.reports[0] == (0, 3) and sink.reports[-1] == (3, 3)
    assert result.summary().startswith("Wrote 3 actions to actions.csv")


def test_as_at_defaults_to_today(office: Office_, tmp_path: Path) -> None:
    result = export_list(office.db, "actions", tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(result.path).active
    assert ws["A1"].value.endswith(f"as at {date.today().isoformat()}")


@pytest.mark.slow
def test_every_list_of_the_demo_office_exports_and_reopens(tmp_path: Path) -> None:
    build_demo = getattr(pytest.importorskip("core.demo"), "build_demo", None)
    if build_demo is None:
        pytest.skip("core.demo has no build_demo yet")
    from core.db.engine import open_database

    db = open_database(tmp_path / "demo.cyberdesk", create=True)
    with db:
        build_demo(db, as_at=AS_AT)
        for entity in LIST_ENTITIES:
            for suffix in (".xlsx", ".csv"):
                target = tmp_path / f"{entity}{suffix}"
                result = export_list(db, entity, target, as_at=AS_AT)
                assert result.path == target and target.exists()
            ws = openpyxl.load_workbook(tmp_path / f"{entity}.xlsx").active
            assert ws.cell(2, 1).value == DEMO_LINE
            header_row = 3 + LIST_SPECS[entity].personal_data
            assert ws.max_row == header_row + result.rows
            assert "<f>" not in sheet_xml(tmp_path / f"{entity}.xlsx")
        with db.read() as s:
            assert s.scalar(sa.select(Office.is_demo))


# ----------------------------------------------------------------------------------------------------
# Exporting what a list view shows: its filter, search, archived choice, sort and columns


def mfa_id(office: Office_) -> int:
    with office.db.read() as s:
        return int(s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA")))


def overdue_mfa(office: Office_) -> ListQuery:
    """The dashboard's "Overdue, owner MFA" bar, searched, with archived rows, newest ref first, four columns."""
    preset = ListFilter("Overdue, owner MFA", (("open", True), ("overdue_at", AS_AT), ("owner_agency", mfa_id(office))))
    return ListQuery(
        search="action a",
        preset=preset,
        include_archived=True,
        sort=("ref", True),
        columns=("ref", "status", "due", "owner_agency"),
    )


def test_filtered_xlsx_holds_the_views_rows_columns_order_and_says_how_it_was_filtered(
    office: Office_, tmp_path: Path
) -> None:
    target = tmp_path / "actions.xlsx"
    result = export(office, "actions", target, query=overdue_mfa(office))
    ws, header_row, columns = table(target)
    assert list(columns) == ["Ref", "Status", "Due", "Owner agency"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row + 1)]
    # A-1 is overdue and open; A-4 too but archived (shown because the view shows archived rows); A-2 is complete
    # and A-3 not yet due.
    assert body == [["A-4", "Open", datetime(2025, 3, 1), "MFA"], ["A-1", "Open", datetime(2025, 6, 30), "MFA"]]
    line = "Filter: Overdue, owner MFA; search 'action a'; archived records included"
    assert [ws.cell(r, 1).value for r in range(1, header_row)][1:] == [line]
    assert ws.auto_filter.ref == f"A{header_row}:D{header_row + 2}"
    assert result.summary() == f"Wrote 2 actions to actions.xlsx (marking OFFICIAL). {line}."  # A-3 is not in it


def test_filtered_csv_holds_the_views_rows_and_header_and_nothing_above(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "actions.csv"
    result = export(office, "actions", target, query=overdue_mfa(office))
    assert read_csv(target) == [
        ["Ref", "Status", "Due", "Owner agency"],
        ["A-4", "Open", "2025-03-01", "MFA"],
        ["A-1", "Open", "2025-06-30", "MFA"],
    ]
    assert result.filter_line == "Filter: Overdue, owner MFA; search 'action a'; archived records included"


def test_hidden_marking_column_still_marks_the_file(office: Office_, tmp_path: Path) -> None:
    target = tmp_path / "actions.xlsx"
    result = export(office, "actions", target, query=ListQuery(columns=("description", "ref")))
    ws, header_row, columns = table(target)
    assert list(columns) == ["Action", "Ref"]
    assert [ws.cell(r, 2).value for r in range(header_row + 1, ws.max_row + 1)] == ["A-1", "A-2", "A-3"]
    assert header_row == 2  # no filter line: every row of the list is there
    assert result.marking == "OFFICIAL: Sensitive"  # A-3's marking, though its column is not exported
    assert openpyxl.load_workbook(target).properties.subject == "OFFICIAL: Sensitive"


def test_formula_looking_search_stays_plain_text(office: Office_, tmp_path: Path) -> None:
    query = ListQuery(search=HYPERLINK, columns=("name",))
    target = tmp_path / "organisations.xlsx"
    export(office, "organisations", target, query=query)
    xml = sheet_xml(target)
    assert "<f>" not in xml and 't="e"' not in xml
    ws, header_row, _ = table(target)
    assert ws.cell(2, 1).value == f"Filter: search '{HYPERLINK}'" and ws.cell(2, 1).data_type == "s"
    assert [ws.cell(r, 1).value for r in range(header_row + 1, ws.max_row + 1)] == [HYPERLINK]
    export(office, "organisations", tmp_path / "organisations.csv", query=query)
    assert read_csv(tmp_path / "organisations.csv") == [["Name"], ["'" + HYPERLINK]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (ListQuery(columns=("ref", "colour")), "Action log has no column 'colour'; use one of: ref, group,"),
        (ListQuery(sort=("colour", False)), "Action log has no column 'colour'"),
        (ListQuery(columns=()), "Cannot export Action log without any column."),
        (ListQuery(preset=ListFilter("Odd", (("colour", "red"),))), "The list 'actions' has no filter 'colour'."),
    ],
)
def test_a_query_the_list_cannot_answer_is_a_one_line_error(
    office: Office_, tmp_path: Path, query: ListQuery, message: str
) -> None:
    target = tmp_path / "actions.xlsx"
    with pytest.raises(ExportError, match=re.escape(message)) as caught:
        export(office, "actions", target, query=query)
    assert "\n" not in str(caught.value)
    assert not target.exists()


@pytest.mark.parametrize(
    "query",
    [
        None,
        ListQuery(search="sensitive"),
        ListQuery(search="no row has this text"),
        ListQuery(include_archived=True),
        ListQuery(preset=ListFilter("Overdue", (("open", True), ("overdue_at", AS_AT)))),
    ],
    ids=["all", "search", "no rows", "archived", "preset"],
)
def test_the_marking_known_before_writing_is_the_one_the_file_is_stamped_with(
    office: Office_, tmp_path: Path, query: ListQuery | None
) -> None:
    # The GUI names the file from list_export_marking before anything is written; the header must agree.
    entities = ("actions",) if query is not None and query.preset is not None else LIST_ENTITIES
    with office.db.read() as session:
        before = {entity: list_export_marking(session, entity, query) for entity in entities}
    if query is None:
        assert before["actions"] == "OFFICIAL: Sensitive"  # the office's one sensitive action raises the list's
    for entity in entities:
        target = tmp_path / f"{entity}.xlsx"
        result = export(office, entity, target, query=query)
        assert before[entity] == result.marking, entity
        header = openpyxl.load_workbook(target).active.oddHeader.center.text
        assert header.startswith(result.marking or ""), (entity, header)
