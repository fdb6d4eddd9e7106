"""The meeting pack workbook, reopened as a liaison would: sheets, actions, markings, budget formulas and values."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from core.domain.meetings import Action, Paper
from core.domain.money import excel_number_format
from core.io.errors import ExportError
from core.io.pack_export import export_pack, pack_renderer, register_pack_renderer
from core.io.progress import ExportCancelled
from core.reports.budget import budget_by_forum
from core.reports.meeting_pack import SECTIONS
from tests.core.reports.test_meeting_pack import AS_AT, GENERATED, HYPERLINK, PackOffice, build_pack_office

SHEETS = [
    "Cover",
    "Agenda",
    "Attendance",
    "Previous_Outcomes",
    "Decisions",
    "Action_Log",
    "Commitments_Due",
    "Forward_Calendar",
    "Secondments",
    "Budget_Snapshot",
    "Papers",
]


@pytest.fixture
def office(tmp_path: Path) -> Iterator[PackOffice]:
    built = build_pack_office(tmp_path / "pack.cyberdesk")
    yield built
    built.db.close()


def export(office: PackOffice, target: Path, **kwargs: Any) -> Any:
    return export_pack(office.db, "next", target, as_at=AS_AT, generated_at=GENERATED, **kwargs)


def header_row(ws: Any) -> int:
    return next(r for r in range(1, 12) if ws.cell(r, 1).style == "cd_header")


def table(ws: Any) -> tuple[int, dict[str, int]]:
    row = header_row(ws)
    return row, {ws.cell(row, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(row, c).value}


def rows_by(ws: Any, key: str) -> dict[str, dict[str, Any]]:
    """The data rows of the sheet's first table by the value of column `key`: {key value: {header: cell}}."""
    head, columns = table(ws)
    found = {}
    for r in range(head + 1, ws.max_row + 1):
        value = ws.cell(r, columns[key]).value
        if value is None:
            break
        found[value] = {h: ws.cell(r, c) for h, c in columns.items()}
    return found


def test_sheets_are_exactly_those_of_the_design_in_order(office: PackOffice, tmp_path: Path) -> None:
    target = tmp_path / "pack.xlsx"
    result = export(office, target)
    assert result.summary() == "Wrote the pack for Meeting 4 — 2025–26 Q2 to pack.xlsx (marking OFFICIAL)."
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == SHEETS == [name for name, _ in SECTIONS]
    cover = {wb["Cover"].cell(r, 1).value: wb["Cover"].cell(r, 2).value for r in range(1, 40)}
    assert cover["Meeting"] == "Meeting 4 — 2025–26 Q2"
    assert cover["Chair"] == "Alex Citizen (MFA)"
    assert cover["Marking"] == "OFFICIAL"
    assert cover["Data as at"].date() == AS_AT
    assert cover["Pack status"] == "Draft"
    assert wb.properties.subject == "OFFICIAL" and wb.properties.creator == "Cyber Affairs Desk"
    assert any("personal data" in str(wb["Cover"].cell(r, 1).value) for r in range(1, 5))


def test_action_log_shows_open_for_n_meetings_bold_new_and_red_overdue(office: PackOffice, tmp_path: Path) -> None:
    target = tmp_path / "pack.xlsx"
    export(office, target)
    ws = openpyxl.load_workbook(target)["Action_Log"]
    actions = rows_by(ws, "Ref")
    assert set(actions) == {"A-1", "A-3", "A-4", "A-6"}  # A-2 was closed before the previous meeting
    overdue = actions["A-1"]
    assert overdue["Open for N meetings"].value == 2
    assert overdue["RAG"].value == "Red" and overdue["RAG"].fill.fgColor.rgb.endswith("FFC7CE")
    assert overdue["Action"].font.color.rgb.endswith("C00000") and not overdue["Action"].font.b
    assert overdue["Overdue"].value == "Yes"
    assert overdue["Due"].is_date
    new = actions["A-4"]
    assert new["Action"].font.b and new["New since last meeting"].value == "Yes"
    # User text that looks like a formula stays text.
    assert new["Action"].value == HYPERLINK and new["Action"].data_type == "s"
    assert actions["A-3"]["RAG"].value == "Blue" and actions["A-3"]["Closed on"].is_date
    head = header_row(ws)
    assert ws.freeze_panes == f"A{head + 1}"
    assert ws.auto_filter.ref == f"A{head}:O{head + 4}"
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_agenda_times_are_real_times(office: PackOffice, tmp_path: Path) -> None:
    target = tmp_path / "pack.xlsx"
    export(office, target)
    ws = openpyxl.load_workbook(target)["Agenda"]
    items = rows_by(ws, "Item")
    assert items[2]["Starts"].number_format == "hh:mm"
    assert round(items[2]["Starts"].value.hour * 60 + items[2]["Starts"].value.minute) == 10 * 60 + 5
    assert items[3]["Over time"].value == "Yes"


def headers_and_footers(path: Path) -> dict[str, tuple[str, str]]:
    """Sheet name -> (header, footer) as Excel reads them, XML escapes undone."""
    wb = openpyxl.load_workbook(path)
    found = {}
    with zipfile.ZipFile(path) as z:
        for index, name in enumerate(wb.sheetnames, 1):
            xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
            header = re.search(r"<oddHeader>(.*?)</oddHeader>", xml)
            footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml)
            assert header and footer, name
            found[name] = (header.group(1).replace("&amp;", "&"), footer.group(1).replace("&amp;", "&"))
    return found


def test_one_sensitive_paper_marks_every_sheet(office: PackOffice, tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    export(office, plain)
    assert all("OFFICIAL: Sensitive" not in h for h, _ in headers_and_footers(plain).values())
    with office.db.write() as s:
        s.execute(sa.update(Paper).values(marking_id=office.sensitive))
    target = tmp_path / "marked.xlsx"
    assert export(office, target).marking == "OFFICIAL: Sensitive"
    found = headers_and_footers(target)
    assert list(found) == SHEETS
    for name, (header, footer) in found.items():
        assert "OFFICIAL: Sensitive" in header and "OFFICIAL: Sensitive" in footer, name
        assert "Smith && Jones Cyber Office" in header  # the office's "&" escaped for Excel
        assert "Interagency Cyber Engagement Group" in header
        assert "Meeting 4" in footer and "Page &P of &N" in footer
        assert len(header) < 255 and len(footer) < 255
    wb = openpyxl.load_workbook(target)
    for ws in wb.worksheets:
        assert str(ws["A1"].value).startswith("OFFICIAL: Sensitive"), ws.title


def budget_table(path: Path, *, data_only: bool) -> tuple[Any, int, int]:
    ws = openpyxl.load_workbook(path, data_only=data_only)["Budget_Snapshot"]
    head = header_row(ws)
    total = next(r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 1).value == "Total")
    return ws, head, total


def test_budget_snapshot_formulas_recompute_to_the_database_figures(office: PackOffice, tmp_path: Path) -> None:
    target = tmp_path / "pack.xlsx"
    export(office, target)
    ws, head, total = budget_table(target, data_only=False)
    money = excel_number_format("AUD")
    with office.db.read() as session:
        expected = budget_by_forum(session, 2026, AS_AT)
    assert total - head - 1 == len(expected.rows)
    for r, row in zip(range(head + 1, total), expected.rows, strict=True):
        assert ws.cell(r, 2).value == row.forum
        revised, planned, actual = (Decimal(str(ws.cell(r, c).value)) for c in (3, 4, 5))
        assert (revised, planned, actual) == (row.revised, row.planned_to_date, row.actual_to_date)
        assert ws.cell(r, 6).value == f"=D{r}-E{r}"
        assert planned - actual == row.variance
        assert ws.cell(r, 6).number_format == money and "(" in money.split(";")[1]
    for column, figure in zip(
        "CDEF", (expected.revised, expected.planned_to_date, expected.actual_to_date, expected.variance), strict=True
    ):
        formula = ws[f"{column}{total}"].value
        assert formula == f"=SUM({column}{head + 1}:{column}{total - 1})"
        cells = [ws[f"{column}{r}"] for r in range(head + 1, total)]
        if column == "F":
            recomputed = sum(
                (Decimal(str(ws[f"D{c.row}"].value)) - Decimal(str(ws[f"E{c.row}"].value)) for c in cells), Decimal(0)
            )
        else:
            recomputed = sum((Decimal(str(c.value)) for c in cells), Decimal(0))
        assert recomputed == figure
    # Viewers that never calculate (and data_only readers) see the same figures.
    values, _, _ = budget_table(target, data_only=True)
    assert Decimal(str(values[f"F{head + 1}"].value)).quantize(Decimal("0.01")) == expected.rows[0].variance
    for column, figure in zip(
        "CDEF", (expected.revised, expected.planned_to_date, expected.actual_to_date, expected.variance), strict=True
    ):
        assert Decimal(str(values[f"{column}{total}"].value)).quantize(Decimal("0.01")) == figure
    with zipfile.ZipFile(target) as z:
        assert 'fullCalcOnLoad="1"' in z.read("xl/workbook.xml").decode()


def test_max_marking_leaves_out_and_says_so(office: PackOffice, tmp_path: Path) -> None:
    with office.db.write() as s:
        s.execute(sa.update(Action).where(Action.ref == "A-1").values(marking_id=office.sensitive))
    target = tmp_path / "pack.xlsx"
    result = export(office, target, max_marking="OFFICIAL")
    assert result.summary().endswith("(marking OFFICIAL; 1 item above OFFICIAL left out).")
    wb = openpyxl.load_workbook(target)
    assert "A-1" not in rows_by(wb["Action_Log"], "Ref")
    assert any("1 item marked above OFFICIAL left out" in str(wb["Cover"].cell(r, 1).value) for r in range(1, 6))


def test_errors_name_the_file_and_nothing_is_left_behind(office: PackOffice, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"must end in \.xlsx or \.pdf"):
        export(office, tmp_path / "pack.docx")
    with pytest.raises(ExportError, match="There is no meeting 999"):
        export_pack(office.db, "999", tmp_path / "pack.xlsx", as_at=AS_AT)
    target = tmp_path / "pack.xlsx"
    target.write_bytes(b"previous")

    class Cancelled:
        cancelled = True

    with pytest.raises(ExportCancelled):
        export(office, target, cancel=Cancelled())
    assert target.read_bytes() == b"previous"
    assert not list(tmp_path.glob("*.tmp"))


def test_pdf_needs_a_registered_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.io.pack_export as pack_export

    monkeypatch.setattr(pack_export, "_RENDERERS", dict(pack_export._RENDERERS))
    monkeypatch.delitem(pack_export._RENDERERS, ".pdf", raising=False)
    with pytest.raises(ExportError, match="PDF packs are drawn by the desktop program"):
        pack_renderer(tmp_path / "pack.pdf")
    drawn: list[Path] = []
    register_pack_renderer(".PDF", lambda pack, target: drawn.append(target))
    assert pack_renderer(tmp_path / "pack.pdf") is pack_export._RENDERERS[".pdf"]


def test_progress_reaches_the_end(office: PackOffice, tmp_path: Path) -> None:
    reports: list[tuple[int, int]] = []

    class Sink:
        def report(self, done: int, total: int) -> None:
            reports.append((done, total))

    export(office, tmp_path / "pack.xlsx", progress=Sink())
    assert reports[0][0] == 0 and reports[-1][0] == reports[-1][1]
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
