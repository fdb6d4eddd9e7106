"""The meeting pack workbook (DESIGN.md §7): one sheet per section, marked, print-ready, totals as live formulas."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from core.domain.money import excel_number_format
from core.reports.meeting_pack import (
    ACTION_COLUMNS,
    DECISION_COLUMNS,
    SECTIONS,
    ActionRow,
    DecisionRow,
    MeetingPack,
    row_values,
)
from core.services.rag import Rag

__all__ = ["write_pack_xlsx"]

_TIME_FORMAT = "hh:mm"
_MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class _Col:
    header: str
    width: float
    kind: str = "text"  # text, int, date, time, money, rag


def _cols(*spec: tuple[str, float] | tuple[str, float, str]) -> tuple[_Col, ...]:
    return tuple(_Col(*s) for s in spec)


_AGENDA = _cols(
    ("Item", 6, "int"),
    ("Title", 44),
    ("Purpose", 16),
    ("Lead agency", 12),
    ("Presenter", 22),
    ("Paper ref", 16),
    ("Minutes", 9, "int"),
    ("Starts", 8, "time"),
    ("Over time", 10),
    ("Marking", 20),
)
_ATTENDANCE = _cols(("Agency", 12), ("Name", 26), ("Role", 22), ("Status", 30))
_WIDTHS = {"Ref": 9, "Raised at": 26, "Meeting": 26, "Action": 50, "Decision": 60, "Owner": 22, "Latest update": 40}
_WIDTHS |= {"Concurring": 20, "Dissenting": 18, "Forum": 14, "Commitment": 28, "Marking": 20, "Status": 12}
_DATES = {"Raised on", "Date", "Due", "Closed on"}


def _columns_of(columns: Sequence[tuple[str, str]]) -> tuple[_Col, ...]:
    kinds = {"RAG": "rag", "Open for N meetings": "int"}
    return tuple(
        _Col(
            header,
            11 if header in _DATES else _WIDTHS.get(header, 10),
            "date" if header in _DATES else kinds.get(header, "text"),
        )
        for header, _ in columns
    )


_DECISIONS = _columns_of(DECISION_COLUMNS)
_ACTIONS = (*_columns_of(ACTION_COLUMNS), *_cols(("New since last meeting", 11), ("Overdue", 9)))
_COMMITMENTS = _cols(
    ("Due", 11, "date"),
    ("Commitment", 44),
    ("What", 11),
    ("Item", 36),
    ("Agency", 10),
    ("Status", 18),
    ("RAG", 10, "rag"),
    ("Overdue", 9),
    ("Marking", 20),
)
_CALENDAR = _cols(
    ("Starts", 11, "date"),
    ("Ends", 11, "date"),
    ("Dates", 16),
    ("Forum", 14),
    ("Event", 44),
    ("Location", 18),
    ("Lead agency", 10),
    ("Delegation", 40),
    ("Briefing due", 11, "date"),
    ("Status", 12),
    ("Marking", 20),
)
_SECONDMENTS = _cols(
    ("Person", 24),
    ("Direction", 10),
    ("Type", 20),
    ("Home organisation", 24),
    ("Host unit", 30),
    ("Role", 30),
    ("Starts", 11, "date"),
    ("Ends", 11, "date"),
    ("Status", 11),
    ("Alert", 18),
)
_BUDGET = _cols(
    ("Forum type", 22),
    ("Forum", 30),
    ("Revised budget", 18, "money"),
    ("Planned to date", 18, "money"),
    ("Actual to date", 18, "money"),
    ("Variance (planned − actual)", 20, "money"),
)
_PAPERS = _cols(("Paper ref", 16), ("Title", 56), ("Owning agency", 12), ("Marking", 20), ("Where it is kept", 44))


def _day_fraction(t: time) -> float:
    # Excel keeps a time of day as a fraction of a day; the hh:mm format shows it as 10:05.
    return (t.hour * 60 + t.minute) / _MINUTES_PER_DAY


def _yes(flag: bool) -> str:
    return "Yes" if flag else ""


class _SheetWriter:
    """One write-only sheet: banner lines, then tables, tracking the row number every cell lands on."""

    def __init__(self, book: _PackBook, name: str) -> None:
        self.book = book
        self.pack = book.pack
        self.ws = book.wb.create_sheet(name)
        self.name = name
        self.row = 0
        self.filter: str | None = None

    def layout(self, widths: Sequence[float], header_row: int | None) -> None:
        from core.io.workbook_style import set_header_footer, set_print_layout

        pack = self.pack
        set_print_layout(self.ws, paper_size=pack.paper_size, widths=widths, header_row=header_row)
        set_header_footer(
            self.ws,
            office=pack.cover.office,
            marking=pack.marking,
            demo=pack.demo,
            header_right=pack.cover.group,
            footer_left=f"{pack.cover.title} — {self.name.replace('_', ' ')}",
        )
        # Smaller side sections keep a long office or group name clear of the marking in the middle.
        for side in (self.ws.oddHeader.left, self.ws.oddHeader.right, self.ws.oddFooter.left, self.ws.oddFooter.right):
            side.size = 8

    def append(self, cells: Sequence[Any]) -> int:
        self.ws.append(list(cells))
        self.row += 1
        return self.row

    def text(self, value: str, style: str | None = None) -> Any:
        from core.io.cells import value_cell

        return value_cell(self.ws, value, style=style) if value else None

    def value(
        self, value: object, style: str | None = None, number_format: str | None = None, *, cell: bool = False
    ) -> Any:
        """What to append for `value`: nothing for a blank, a cell object when `cell` (to style it further)."""
        from core.io.cells import row_value, value_cell

        if value is None or value == "":
            return None
        if cell:
            return value_cell(self.ws, value, style=style, number_format=number_format)
        return row_value(self.ws, value, style=style, number_format=number_format)

    def banner(self, heading: str, *, personal: bool = False) -> None:
        """The first rows of every sheet: marking, group, meeting and section; demo and personal-data warnings."""
        pack = self.pack
        marking = pack.marking or "No marking"
        self.append([self.text(f"{marking} — {pack.cover.group} — {pack.cover.title} — {heading}", "cd_title")])
        if pack.demo:
            from core.io.workbook_style import DEMO_LINE

            self.append([self.text(DEMO_LINE, "cd_warning")])
        if personal:
            from core.io.workbook_style import PERSONAL_DATA_LINE

            self.append([self.text(PERSONAL_DATA_LINE, "cd_warning")])
        if pack.left_out_line:
            self.append([self.text(pack.left_out_line, "cd_warning")])

    def banner_rows(self, *, personal: bool = False) -> int:
        pack = self.pack
        return 1 + int(pack.demo) + int(personal) + int(bool(pack.left_out_line))

    def header(self, columns: Sequence[_Col]) -> int:
        return self.append([self.text(c.header, "cd_header") for c in columns])

    def cells(self, columns: Sequence[_Col], values: Sequence[object], font: Any = None) -> list[Any]:
        cells = []
        styled = font is not None
        for column, value in zip(columns, values, strict=True):
            if column.kind == "rag" and isinstance(value, Rag):
                cell = self.value(value.value, style=f"cd_rag_{value.value}", cell=styled)
            elif column.kind == "time" and isinstance(value, time):
                cell = self.value(_day_fraction(value), number_format=_TIME_FORMAT, cell=styled)
            elif column.kind == "money":
                cell = self.value(value, number_format=self.book.money_format, cell=styled)
            else:
                cell = self.value(value, cell=styled)
            if cell is not None and font is not None:
                cell.font = font
            cells.append(cell)
        return cells

    def table(
        self,
        columns: Sequence[_Col],
        rows: Sequence[Sequence[object]],
        fonts: Sequence[Any] | None = None,
        *,
        empty: str,
    ) -> tuple[int, int]:
        """Header and rows; returns (header row, last data row). An empty table says so in one line."""
        header = self.header(columns)
        for index, values in enumerate(rows):
            self.append(self.cells(columns, values, fonts[index] if fonts else None))
        if not rows:
            self.append([self.text(empty)])
            return header, header
        return header, self.row

    def set_filter(self, header: int, last: int, columns: int) -> None:
        from openpyxl.utils import get_column_letter

        if last > header:
            self.filter = f"A{header}:{get_column_letter(columns)}{last}"

    def close(self) -> None:
        if self.filter:
            # The filter goes at the sheet's end in the file, so it can be set once the row count is known.
            self.ws.auto_filter.ref = self.filter


class _PackBook:
    def __init__(self, pack: MeetingPack) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        from core.io.formula_values import CachedFormulas
        from core.io.workbook_style import WARNING_COLOUR, register_styles, set_document_properties

        self.pack = pack
        self.wb = Workbook(write_only=True)
        register_styles(self.wb)
        set_document_properties(
            self.wb,
            title=f"Meeting pack — {pack.cover.group} — {pack.cover.title}",
            marking=pack.marking,
            as_at=pack.as_at,
        )
        self.cached = CachedFormulas()
        self.money_format = excel_number_format(pack.currency)
        self.bold = Font(bold=True)
        self.red = Font(color=WARNING_COLOUR)
        self.bold_red = Font(bold=True, color=WARNING_COLOUR)
        self.sheets: list[_SheetWriter] = []

    def sheet(self, name: str) -> _SheetWriter:
        writer = _SheetWriter(self, name)
        self.sheets.append(writer)
        return writer

    def discard(self) -> None:
        # A write-only sheet streams into a temporary file: close it and delete the file, or it stays behind.
        for sheet in self.sheets:
            with contextlib.suppress(Exception):
                if not sheet.ws.closed:
                    sheet.ws.close()
                sheet.ws._writer.cleanup()


# ----------------------------------------------------------------------------------------------------
# Sheets


def _cover(book: _PackBook) -> None:
    pack = book.pack
    s = book.sheet("Cover")
    s.layout([24, 90], None)
    s.banner("Meeting pack", personal=pack.personal_data)
    for label, value in pack.cover_facts:
        # Left-aligned like the text beside them: a date or number on the right edge reads as a different column.
        s.append([s.text(label, "cd_label"), s.value(value, style="cd_left")])
    s.append([])
    s.append([s.text("Contents", "cd_title")])
    s.header(_cols(("Sheet", 24), ("What it holds", 90)))
    for name, description in SECTIONS:
        s.append([s.text(name), s.text(description)])


def _agenda(book: _PackBook) -> None:
    s = book.sheet("Agenda")
    s.layout([c.width for c in _AGENDA], s.banner_rows() + 1)
    s.banner("Agenda")
    rows = [
        (
            a.position,
            a.title,
            a.purpose,
            a.lead_agency,
            a.presenter,
            a.paper_ref,
            a.minutes,
            a.start,
            _yes(a.over_time),
            a.marking,
        )
        for a in book.pack.agenda
    ]
    fonts = [book.red if a.over_time else None for a in book.pack.agenda]
    header, last = s.table(_AGENDA, rows, fonts, empty="The agenda has no items yet.")
    s.set_filter(header, last, len(_AGENDA))


def _attendance(book: _PackBook) -> None:
    pack = book.pack
    matrix = pack.matrix
    s = book.sheet("Attendance")
    widths = [max(c.width, 14) for c in _ATTENDANCE] + [14] * max(0, len(matrix.meetings) - 3)
    s.layout(widths, s.banner_rows() + 1)
    s.banner("Attendance")
    rows = [(a.agency, a.name, a.role, a.status) for a in pack.attendance]
    header, last = s.table(_ATTENDANCE, rows, empty="No attendance is recorded for this meeting yet.")
    s.set_filter(header, last, len(_ATTENDANCE))
    s.append([])
    s.append([s.text(f"Attendance by agency, fiscal year {pack.cover.fiscal_year_label}", "cd_title")])
    columns = _cols(("Agency", 14), *((f"Meeting {number}", 14) for number, _, _ in matrix.meetings))
    s.header(columns)
    s.append([s.text("Date", "cd_label"), *(s.value(d) for _, _, d in matrix.meetings)])
    for agency, cells in matrix.rows:
        s.append([s.text(agency), *(s.text(cell) for cell in cells)])
    s.append([s.text("— not a member of the group at that date; blank: nothing recorded yet.")])


def _decision_values(d: DecisionRow) -> tuple[object, ...]:
    return row_values(d, DECISION_COLUMNS)


def _action_values(a: ActionRow) -> tuple[object, ...]:
    return (*row_values(a, ACTION_COLUMNS), _yes(a.raised_since_previous), _yes(a.overdue))


def _action_font(book: _PackBook, a: ActionRow) -> Any:
    if a.raised_since_previous and a.overdue:
        return book.bold_red
    if a.raised_since_previous:
        return book.bold
    return book.red if a.overdue else None


def _previous(book: _PackBook) -> None:
    previous = book.pack.previous
    s = book.sheet("Previous_Outcomes")
    s.layout([c.width for c in _ACTIONS], s.banner_rows())
    s.banner("Previous meeting's outcomes")
    if previous.title is None:
        s.append([s.text("This is the group's first meeting: there is no previous meeting.")])
        return
    for label, value in (
        ("Previous meeting", previous.title),
        ("Date", previous.meeting_date),
        ("Minutes", previous.minutes_status),
        ("Minutes confirmed at", previous.minutes_confirmed_at or "Not yet confirmed"),
    ):
        s.append([s.text(label, "cd_label"), s.value(value)])
    s.append([])
    s.append([s.text("Decisions", "cd_title")])
    s.table(_DECISIONS, [_decision_values(d) for d in previous.decisions], empty="No decisions were recorded.")
    s.append([])
    s.append([s.text("Actions raised", "cd_title")])
    header, last = s.table(
        _ACTIONS,
        [_action_values(a) for a in previous.actions],
        [_action_font(book, a) for a in previous.actions],
        empty="No actions were raised.",
    )
    s.set_filter(header, last, len(_ACTIONS))


def _decisions(book: _PackBook) -> None:
    s = book.sheet("Decisions")
    s.layout([c.width for c in _DECISIONS], s.banner_rows() + 1)
    s.banner(f"Decisions register, fiscal year {book.pack.cover.fiscal_year_label}")
    header, last = s.table(
        _DECISIONS, [_decision_values(d) for d in book.pack.decisions], empty="No decisions this fiscal year yet."
    )
    s.set_filter(header, last, len(_DECISIONS))


def _action_log(book: _PackBook) -> None:
    actions = book.pack.actions
    s = book.sheet("Action_Log")
    s.layout([c.width for c in _ACTIONS], s.banner_rows() + 1)
    s.banner("Action log: bold = raised at or since the previous meeting; red = overdue")
    header, last = s.table(
        _ACTIONS,
        [_action_values(a) for a in actions],
        [_action_font(book, a) for a in actions],
        empty="No actions are open or were closed since the previous meeting.",
    )
    s.set_filter(header, last, len(_ACTIONS))


def _simple(
    book: _PackBook,
    name: str,
    heading: str,
    columns: Sequence[_Col],
    rows: list[tuple[object, ...]],
    *,
    empty: str,
    fonts: Sequence[Any] | None = None,
    personal: bool = False,
) -> None:
    s = book.sheet(name)
    s.layout([c.width for c in columns], s.banner_rows(personal=personal) + 1)
    s.banner(heading, personal=personal)
    header, last = s.table(columns, rows, fonts, empty=empty)
    s.set_filter(header, last, len(columns))


def _budget(book: _PackBook) -> None:
    from core.io.formula_values import formula_cell

    budget = book.pack.budget
    s = book.sheet("Budget_Snapshot")
    notes = 2
    s.layout([c.width for c in _BUDGET], s.banner_rows() + notes + 1)
    s.banner(f"Budget, fiscal year {budget.fiscal_year_label} to date")
    if budget.months_elapsed:
        months = f"the first {budget.months_elapsed} month{'s' if budget.months_elapsed != 1 else ''} of the year"
    else:
        months = "no month yet (the year has not begun)"
    s.append([s.text(f"To date = {months}, as at {budget.as_at.isoformat()}; amounts in {budget.currency}.")])
    s.append([s.text("Variance = planned to date − actual to date: positive is an underspend, (negative) overspend.")])
    header = s.header(_BUDGET)
    first = header + 1
    money = book.money_format
    for row in budget.rows:
        r = s.row + 1
        values = (row.forum_type, row.forum, row.revised, row.planned_to_date, row.actual_to_date)
        variance = formula_cell(s.ws, f"=D{r}-E{r}", row.variance, book.cached, f"F{r}", number_format=money)
        s.append([*s.cells(_BUDGET[:5], values), variance])
    last = s.row
    if not budget.rows:
        s.append([s.text("No budget lines in this fiscal year.")])
        return
    s.set_filter(header, last, len(_BUDGET))
    total = s.row + 1
    cells = [s.text("Total", "cd_label"), None]
    for letter, value in (
        ("C", budget.revised),
        ("D", budget.planned_to_date),
        ("E", budget.actual_to_date),
        ("F", budget.variance),
    ):
        cell = formula_cell(
            s.ws, f"=SUM({letter}{first}:{letter}{last})", value, book.cached, f"{letter}{total}", number_format=money
        )
        cell.font = book.bold
        cells.append(cell)
    s.append(cells)


def write_pack_xlsx(pack: MeetingPack, target: Path) -> None:
    """Write `pack` to `target` (.xlsx) atomically: never a partial file, an existing one untouched on failure."""
    from core.io.formula_values import save_with_cached_values

    book = _PackBook(pack)
    try:
        _cover(book)
        _agenda(book)
        _attendance(book)
        _previous(book)
        _decisions(book)
        _action_log(book)
        _simple(
            book,
            "Commitments_Due",
            "Commitments and milestones overdue or due in the next two quarters (red = overdue)",
            _COMMITMENTS,
            [
                (c.due, c.commitment, c.kind, c.item, c.agency, c.status, c.rag, _yes(c.overdue), c.marking)
                for c in pack.commitments
            ],
            fonts=[book.red if c.overdue else None for c in pack.commitments],
            empty="Nothing is overdue or due in the next two quarters.",
        )
        _simple(
            book,
            "Forward_Calendar",
            "Forum events in the next six months",
            _CALENDAR,
            [
                (
                    e.start,
                    e.end,
                    e.dates,
                    e.forum,
                    e.event,
                    e.location,
                    e.lead_agency,
                    e.delegation,
                    e.briefing_due,
                    e.status,
                    e.marking,
                )
                for e in pack.calendar
            ],
            empty="No forum events in the next six months.",
        )
        _simple(
            book,
            "Secondments",
            "Secondments: active, and starting or ending within the alert window",
            _SECONDMENTS,
            [
                (x.person, x.direction, x.kind, x.home, x.host_unit, x.role, x.start, x.end, x.status, x.alert)
                for x in pack.secondments
            ],
            empty="No secondments are active, starting or ending within the alert window.",
            personal=pack.personal_data,
        )
        _budget(book)
        _simple(
            book,
            "Papers",
            "Papers for the meeting",
            _PAPERS,
            [(p.ref, p.title, p.owning_agency, p.marking, p.location) for p in pack.papers],
            empty="No papers are listed for this meeting.",
        )
        for sheet in book.sheets:
            sheet.close()
        save_with_cached_values(book.wb, target, book.cached)
    except BaseException:
        book.discard()
        raise
