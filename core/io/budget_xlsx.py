"""The budget workbook (DESIGN.md §7): every sheet totals the Lines sheet with live SUMIFS that carry their values.

Lines is written first, streamed from one query in openpyxl's write-only mode (100,000 lines stay under 200 MB);
as the rows pass, `BudgetTally` sums them, and the other sheets are written from those sums. Every total is a
formula over the cells of Lines, so a manager who changes a monthly amount sees every sheet follow; each formula's
value is stored beside it (core.io.formula_values), so viewers that never calculate show the same figures.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from core.db.engine import Database
from core.domain.money import excel_number_format
from core.io.errors import ExportError
from core.io.progress import CancelToken, ExportCancelled, ProgressSink
from core.reports.budget import (
    MONTHS,
    BudgetScope,
    BudgetTally,
    BudgetWorkbookFigures,
    budget_workbook_figures,
    iter_budget_lines,
    overcommitted_warning,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "BUDGET_SHEETS",
    "KEY_COLUMNS",
    "LINES_COLUMNS",
    "SIGN_CONVENTION",
    "BudgetExportResult",
    "budget_marking",
    "export_budget",
    "write_budget_workbook",
]

BUDGET_SHEETS = (
    "Summary",
    "Lines",
    "By_Quarter",
    "By_Month",
    "By_Category",
    "Staff_Time",
    "Travel",
    "Variance_Notes",
    "Revisions",
    "Parameters",
)
SIGN_CONVENTION = (
    "Under/(over) and variance = budget − forecast outturn (or − actual): positive is an underspend, "
    "(negative, in brackets) an overspend. Forecast outturn = actual + committed not yet paid + forecast."
)
_PCT = "0.0%"
_FTE = "0.00"
_DAYS = "#,##0.00"

# The Lines sheet: (header, width); amounts from J, months from U. Other sheets refer to these letters.
LINES_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Line id", 9),
    ("Fiscal year", 10),
    ("Forum type", 20),
    ("Forum", 22),
    ("Priority", 9),
    ("Category", 26),
    ("Cost centre", 12),
    ("Description", 44),
    ("Links", 30),
    ("Original", 15),
    ("Revised", 15),
    ("Committed", 15),
    ("Actual", 15),
    ("Forecast", 15),
    ("Forecast outturn", 15),
    ("Under/(over)", 15),
    ("% spent", 9),
    ("Owner", 20),
    ("Notes", 30),
    ("Warning", 30),
)
_ORIGINAL, _REVISED, _COMMITTED, _ACTUAL, _FORECAST, _OUTTURN, _UNDER, _SPENT = "JKLMNOPQ"
_FIRST_MONTH_COLUMN = len(LINES_COLUMNS) + 1  # U: revised month 1 .. AF, then actual month 1 .. AR
# After the months (AS, AT): the ids every SUMIFS matches on. Excel reads a text criterion as a pattern, not as the
# text it holds (`*`, `?` and `~` are wildcards, a leading `<`, `>` or `=` an operator, case and numeric-looking text
# are folded), and two forums may share an acronym; so matching on the Forum and Category labels would total other
# forums' lines once Excel recalculates. A number criterion only equals numbers, and these columns hold nothing else.
KEY_COLUMNS: tuple[tuple[str, float], ...] = (("Forum id", 10), ("Category id", 11))
OFFICE_WIDE_KEY = 0  # forum ids start at 1


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(index)
    return letter


def _revised_month(m: int) -> str:
    return _letter(_FIRST_MONTH_COLUMN + m - 1)


def _actual_month(m: int) -> str:
    return _letter(_FIRST_MONTH_COLUMN + MONTHS + m - 1)


def _key_column(index: int) -> str:
    return _letter(_FIRST_MONTH_COLUMN + 2 * MONTHS + index)


_FORUM_KEY, _CATEGORY_KEY = _key_column(0), _key_column(1)


def forum_key(forum_id: int | None) -> int:
    """The Lines sheet's Forum id of a forum's lines (or of the office-wide lines), the criterion its totals match."""
    return OFFICE_WIDE_KEY if forum_id is None else forum_id


def _amount(cents: int) -> float:
    # Integer cents over 100 is the double nearest the exact amount, as float(Decimal) would give.
    return cents / 100


@dataclass(frozen=True)
class BudgetExportResult:
    path: Path
    fiscal_year: str
    lines: int
    marking: str | None
    left_out: int
    ceiling: str | None
    overcommitted: int

    def summary(self) -> str:
        facts = [f"{self.lines:,} line{'s' if self.lines != 1 else ''}"]
        facts.append(f"marking {self.marking}" if self.marking else "no marking")
        if self.left_out:
            facts.append(f"{self.left_out:,} line{'s' if self.left_out != 1 else ''} above {self.ceiling} left out")
        if self.overcommitted:
            facts.append(f"{self.overcommitted:,} forum(s) with committed + actual over the revised budget")
        return f"Wrote the budget workbook for {self.fiscal_year} to {self.path.name} ({'; '.join(facts)})."


class _Sheet:
    """One write-only sheet, tracking the row each appended line lands on, and its formulas' values."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.ws = book.wb.create_sheet(name)
        self.name = name
        self.row = 0
        self.values: dict[str, Any] = {}
        self.filter: str | None = None

    def layout(self, widths: Sequence[float], header_row: int | None, title: str) -> None:
        from core.io.workbook_style import set_header_footer, set_print_layout

        book = self.book
        set_print_layout(self.ws, paper_size=book.paper_size, widths=widths, header_row=header_row)
        set_header_footer(
            self.ws,
            office=book.office,
            marking=book.marking,
            demo=book.demo,
            header_right=f"Budget {book.fy_label}",
            footer_left=f"Budget {book.fy_label} — {title}",
        )

    def append(self, cells: Sequence[Any]) -> int:
        self.ws.append(list(cells))
        self.row += 1
        return self.row

    def text(self, value: str, style: str | None = None) -> Any:
        from core.io.cells import value_cell

        return value_cell(self.ws, value, style=style) if value else None

    def value(self, value: object, number_format: str | None = None, style: str | None = None) -> Any:
        from core.io.cells import row_value

        if value is None or value == "":
            return None
        return row_value(self.ws, value, style=style, number_format=number_format)

    def money(self, value: Decimal | int | None) -> Any:
        """A money cell; an int is cents."""
        if value is None:
            return None
        amount = _amount(value) if isinstance(value, int) else value
        return self.value(amount, self.book.money_format)

    def formula(
        self, col: str, formula: str, value: object, number_format: str | None = None, *, bold: bool = False
    ) -> Any:
        """A formula in column `col` of the row about to be appended, with the value it computes."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws, formula)
        if cell.data_type != "f":
            raise ValueError(f"Not a formula: {formula!r}")
        if number_format is not None:
            cell.number_format = number_format
        if bold:
            cell.font = self.book.bold
        self.values[f"{col}{self.row + 1}"] = "" if value is None else value
        return cell

    def banner(self, heading: str, notes: Sequence[str] = ()) -> None:
        from core.io.workbook_style import DEMO_LINE

        book = self.book
        marking = book.marking or "No marking"
        self.append([self.text(f"{marking} — {book.office} — Budget {book.fy_label} — {heading}", "cd_title")])
        if book.demo:
            self.append([self.text(DEMO_LINE, "cd_warning")])
        if book.left_out_line:
            self.append([self.text(book.left_out_line, "cd_warning")])
        for note in notes:
            self.append([self.text(note)])

    def banner_rows(self, notes: int = 0) -> int:
        return 1 + int(self.book.demo) + int(bool(self.book.left_out_line)) + notes

    def header(self, headers: Sequence[str]) -> int:
        return self.append([self.text(h, "cd_header") for h in headers])

    def set_filter(self, header: int, last: int, columns: int) -> None:
        if last > header:
            self.filter = f"A{header}:{_letter(columns)}{last}"

    def close(self) -> None:
        from core.io.formula_values import fill_write_only_sheet

        if self.filter:
            self.ws.auto_filter.ref = self.filter
        fill_write_only_sheet(self.ws, self.lookup)

    def lookup(self, ref: str) -> Any:
        return self.values.get(ref)


class _LinesSheet(_Sheet):
    """Lines: 100,000 rows; cells built from templates sharing one style each, and formula values kept compactly."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book, "Lines")
        self.first = 0
        self.last = 0
        # Per data row: revised, actual, outturn, under/(over), % spent (NaN when nothing is budgeted).
        self.figures = array("d")

    _SLOTS: ClassVar[dict[str, int]] = {_REVISED: 0, _ACTUAL: 1, _OUTTURN: 2, _UNDER: 3, _SPENT: 4}

    def lookup(self, ref: str) -> Any:
        column = ref.rstrip("0123456789")
        index = int(ref[len(column) :]) - self.first
        slot = self._SLOTS.get(column)
        if slot is None or not 0 <= index < len(self.figures) // 5:
            return None
        value = self.figures[index * 5 + slot]
        return "" if value != value else value  # NaN: % spent of a line with no budget is left blank


def _file_marking(scope: BudgetScope) -> str | None:
    return scope.highest_marking() or scope.settings.default_marking


def budget_marking(session: Session, fiscal_year: int, *, max_marking: str | None = None) -> str | None:
    """The marking every header of the year's budget workbook carries (the highest of the lines included, else the
    office default), known before anything is written: the GUI's suggested file name starts with it."""
    return _file_marking(BudgetScope(session, fiscal_year, max_marking=max_marking))


def _category_keys(scope: BudgetScope) -> dict[str, int]:
    """Cost category label -> its id; labels are unique (their normalised key is)."""
    import sqlalchemy as sa

    from core.domain.reference import CostCategory

    rows = scope.session.execute(sa.select(CostCategory.id, CostCategory.label))
    return {label: category_id for category_id, label in rows}


class _Book:
    def __init__(self, scope: BudgetScope, as_at: date) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        from core.io.workbook_style import register_styles

        settings = scope.settings
        self.scope = scope
        self.wb = Workbook(write_only=True)
        register_styles(self.wb)
        self.office = settings.name
        self.paper_size = settings.paper_size
        self.demo = settings.is_demo
        self.fy_label = scope.calendar.label(scope.fy)
        self.money_format = excel_number_format(settings.currency)
        self.bold = Font(bold=True)
        self.as_at = as_at
        # Known before any row is written (headers carry it): the highest marking of the lines included.
        self.marking = _file_marking(scope)
        left_out = scope.left_out()
        self.left_out = left_out
        self.left_out_line = (
            f"{left_out:,} budget line{'s' if left_out != 1 else ''} marked above "
            f"{scope.ceiling[0]} left out of every sheet."
            if left_out and scope.ceiling
            else ""
        )
        self.category_keys = _category_keys(scope)
        self.sheets: dict[str, _Sheet] = {}
        for name in BUDGET_SHEETS:
            self.sheets[name] = _LinesSheet(self) if name == "Lines" else _Sheet(self, name)

    @property
    def lines(self) -> _LinesSheet:
        sheet = self.sheets["Lines"]
        assert isinstance(sheet, _LinesSheet)
        return sheet

    def lines_range(self, col: str) -> str:
        lines = self.lines
        return f"Lines!${col}${lines.first}:${col}${max(lines.last, lines.first)}"

    def sumifs(self, col: str, forum_id: int | None, category: str | None = None) -> str:
        """Column `col` of Lines summed over one forum's lines (and one category's), matched by their keys."""
        criteria = [(_FORUM_KEY, forum_key(forum_id))]
        if category is not None:
            criteria.append((_CATEGORY_KEY, self.category_keys[category]))
        conditions = ",".join(f"{self.lines_range(c)},{key}" for c, key in criteria)
        return f"SUMIFS({self.lines_range(col)},{conditions})"

    def discard(self) -> None:
        # A write-only sheet streams into a temporary file: close it and delete the file, or it stays behind.
        for sheet in self.sheets.values():
            with contextlib.suppress(Exception):
                if not sheet.ws.closed:
                    sheet.ws.close()
                sheet.ws._writer.cleanup()


# ----------------------------------------------------------------------------------------------------
# Lines


def _write_lines(book: _Book, tally: BudgetTally, cancel: Callable[[], None]) -> None:
    from openpyxl.cell import WriteOnlyCell

    from core.io.cells import row_value
    from core.io.xlsx_rows import fast_rows

    s = book.lines
    calendar, fy = book.scope.calendar, book.scope.fy
    months = [calendar.month_label(fy, m) for m in range(1, MONTHS + 1)]
    headers = [h for h, _ in LINES_COLUMNS] + [f"Revised {m}" for m in months] + [f"Actual {m}" for m in months]
    headers += [h for h, _ in KEY_COLUMNS]
    widths = [w for _, w in LINES_COLUMNS] + [13] * (2 * MONTHS) + [w for _, w in KEY_COLUMNS]
    notes = [
        "One row per budget line; every other sheet totals these rows by their Forum id and Category id "
        "(the last two columns). " + SIGN_CONVENTION
    ]
    s.layout(widths, s.banner_rows(len(notes)) + 1, "Lines")
    s.banner("Budget lines", notes)
    header = s.header(headers)
    s.first = header + 1
    ws, fy_label = s.ws, book.fy_label

    # One template cell per style: every amount cell of the sheet shares its style array, as Excel's own files
    # do, instead of looking the number format up again for each of millions of cells.
    def template(number_format: str) -> Any:
        cell = WriteOnlyCell(ws)
        cell.number_format = number_format
        return cell._style

    money_style, pct_style = template(book.money_format), template(_PCT)

    def styled(style: Any) -> Any:
        cell = WriteOnlyCell(ws)
        cell._style = style
        return cell

    # One row of styled cells, refilled for every line: openpyxl writes a row out before `append` returns, so
    # these 38 cells serve every line instead of 3.8 million cell objects being built and thrown away.
    amount_cells = [styled(money_style) for _ in range(7)] + [styled(pct_style)]
    original, revised, committed, actual, forecast, outturn, under, spent_cell = amount_cells
    month_cells = [styled(money_style) for _ in range(2 * MONTHS)]
    fast_rows(ws)
    labels: dict[str, Any] = {}

    def label(text: str) -> Any:
        # Forums, categories, priorities, cost centres and owners repeat on thousands of lines: check each once.
        value = labels.get(text)
        if value is None:
            value = row_value(ws, text)
            if len(labels) < 10_000:
                labels[text] = value
        return value

    rev_first, rev_last = _revised_month(1), _revised_month(MONTHS)
    act_first, act_last = _actual_month(1), _actual_month(MONTHS)
    figures = s.figures
    nan = float("nan")
    category_keys = book.category_keys
    for index, line in enumerate(tally.track(iter_budget_lines(book.scope))):
        if index % 2000 == 0:
            cancel()
        r = s.row + 1
        amounts = line.amounts
        spent = amounts.pct_spent
        figures.extend(
            (
                _amount(amounts.revised),
                _amount(amounts.actual),
                _amount(amounts.outturn),
                _amount(amounts.under_over),
                nan if spent is None else spent,
            )
        )
        original.value = _amount(line.original)
        revised.value = f"=SUM({rev_first}{r}:{rev_last}{r})"
        committed.value = _amount(line.committed)
        actual.value = f"=SUM({act_first}{r}:{act_last}{r})"
        forecast.value = _amount(line.forecast)
        outturn.value = f"={_ACTUAL}{r}+{_COMMITTED}{r}+{_FORECAST}{r}"
        under.value = f"={_REVISED}{r}-{_OUTTURN}{r}"
        spent_cell.value = f'=IF({_REVISED}{r}=0,"",{_ACTUAL}{r}/{_REVISED}{r})'
        for cell, cents in zip(month_cells, line.revised_by_month + line.actual_by_month, strict=True):
            cell.value = _amount(cents)
        ws.append(
            [
                line.line_id,
                fy_label,
                label(line.forum_type) if line.forum_type else None,
                label(line.forum),
                label(line.priority) if line.priority else None,
                label(line.category),
                label(line.cost_centre) if line.cost_centre else None,
                row_value(ws, line.description),
                row_value(ws, line.links) if line.links else None,
                *amount_cells,
                label(line.owner) if line.owner else None,
                row_value(ws, line.notes) if line.notes else None,
                row_value(ws, overcommitted_warning(amounts)) if amounts.overcommitted else None,
                *month_cells,
                forum_key(line.forum_id),
                category_keys[line.category],
            ]
        )
        s.row = r
    s.last = s.row if s.row >= s.first else s.first
    if s.row < s.first:
        s.append([s.text("No budget lines in this fiscal year.")])
    s.set_filter(header, s.row, len(headers))


# ----------------------------------------------------------------------------------------------------
# Summary and the sheets that total Lines


def _summary(book: _Book, figures: BudgetWorkbookFigures, threshold_ref: str) -> None:
    from openpyxl.chart import BarChart, Reference

    s = book.sheets["Summary"]
    headers = (
        "Forum type",
        "Forum",
        "Priority",
        "Original",
        "Revised",
        "Committed",
        "Actual",
        "Under/(over)",
        "% spent",
        "Forecast outturn",
        "RAG",
        "Share of budget",
        "Staff days",
        "Share of staff time",
        "Priority check",
    )
    notes = [
        f"Amounts in {figures.currency}. {SIGN_CONVENTION}",
        f"RAG: Red when under/(over) is beyond {figures.variance_threshold_pct}% of the revised budget either "
        "way, Amber beyond half of that, else Green.",
    ]
    s.layout([20, 24, 9, 15, 15, 15, 15, 15, 9, 15, 8, 10, 10, 10, 50], s.banner_rows(len(notes)) + 1, "Summary")
    s.banner("Summary by forum", notes)
    header = s.header(headers)
    first = header + 1
    money = book.money_format
    flags: dict[str, list[str]] = {}
    for flag in figures.priority_flags:
        flags.setdefault(flag.low, []).append(flag.sentence())
    total = figures.total
    total_days = sum((f.staff_days for f in figures.forums), Decimal(0))
    last = first + len(figures.forums) - 1
    total_row = last + 1
    for forum in figures.forums:
        r = s.row + 1
        a = forum.amounts
        cells = [
            s.value(forum.forum_type),
            s.value(forum.forum),
            s.value(forum.priority),
            s.formula("D", "=" + book.sumifs(_ORIGINAL, forum.forum_id), _amount(a.original), money),
            s.formula("E", "=" + book.sumifs(_REVISED, forum.forum_id), _amount(a.revised), money),
            s.formula("F", "=" + book.sumifs(_COMMITTED, forum.forum_id), _amount(a.committed), money),
            s.formula("G", "=" + book.sumifs(_ACTUAL, forum.forum_id), _amount(a.actual), money),
            s.formula("H", f"=E{r}-J{r}", _amount(a.under_over), money),
            s.formula("I", f'=IF(E{r}=0,"",G{r}/E{r})', a.pct_spent, _PCT),
            s.formula("J", "=" + book.sumifs(_OUTTURN, forum.forum_id), _amount(a.outturn), money),
            s.formula(
                "K",
                f'=IF(E{r}=0,"",IF(ABS(H{r})>E{r}*{threshold_ref}/100,"Red",'
                f'IF(ABS(H{r})>E{r}*{threshold_ref}/200,"Amber","Green")))',
                forum.rag,
            ),
            s.formula(
                "L",
                f'=IF($E${total_row}=0,"",E{r}/$E${total_row})',
                a.revised / total.revised if total.revised else None,
                _PCT,
            ),
            s.value(forum.staff_days, _DAYS),
            s.formula(
                "N",
                f'=IF($M${total_row}=0,"",M{r}/$M${total_row})',
                float(forum.staff_days / total_days) if total_days else None,
                _PCT,
            ),
            s.value("; ".join(flags.get(forum.forum, []))),
        ]
        if forum.rag:
            cells[10].style = f"cd_rag_{forum.rag}"
        s.append(cells)
    if not figures.forums:
        s.append([s.text("No budget lines in this fiscal year.")])
        return
    cells = [s.text("Total", "cd_label"), None, None]
    for col, value in (
        ("D", total.original),
        ("E", total.revised),
        ("F", total.committed),
        ("G", total.actual),
        ("H", total.under_over),
    ):
        cells.append(s.formula(col, f"=SUM({col}{first}:{col}{last})", _amount(value), money, bold=True))
    cells.append(s.formula("I", f'=IF(E{total_row}=0,"",G{total_row}/E{total_row})', total.pct_spent, _PCT, bold=True))
    cells.append(s.formula("J", f"=SUM(J{first}:J{last})", _amount(total.outturn), money, bold=True))
    cells += [None, None, s.formula("M", f"=SUM(M{first}:M{last})", float(total_days), _DAYS, bold=True)]
    s.append(cells)
    s.set_filter(header, last, len(headers))
    if figures.priority_flags:
        s.append([])
        s.append([s.text("Priorities against resources", "cd_title")])
        for flag in figures.priority_flags:
            s.append([s.text(flag.sentence(), "cd_warning")])

    chart = BarChart()
    chart.type = "bar"
    chart.title = f"Revised budget and actual by forum, {figures.fiscal_year_label}"
    chart.y_axis.title = figures.currency
    chart.height = max(8.0, 0.6 * len(figures.forums) + 3)
    chart.width = 22
    for column in (5, 7):  # E revised, G actual: the header cell names each series
        chart.add_data(Reference(s.ws, min_col=column, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=2, min_row=first, max_row=last))
    s.ws.add_chart(chart, f"Q{header}")


def _by_quarter(book: _Book, figures: BudgetWorkbookFigures) -> None:
    s = book.sheets["By_Quarter"]
    headers = ["Forum"]
    for q in range(1, 5):
        headers += [f"Q{q} budget", f"Q{q} actual", f"Q{q} variance"]
    headers += ["Year budget", "Year actual", "Year variance"]
    notes = [f"Budget = revised budget phased by month. {SIGN_CONVENTION}"]
    s.layout([24] + [14] * 15, s.banner_rows(len(notes)) + 1, "By quarter")
    s.banner("By quarter", notes)
    header = s.header(headers)
    first = header + 1
    money = book.money_format
    for forum in figures.forums:
        r = s.row + 1
        cells = [s.value(forum.forum)]
        budget_cols, actual_cols = [], []
        for q in range(1, 5):
            budget, actual = forum.quarter(q)
            b, a, v = _letter(3 * q - 1), _letter(3 * q), _letter(3 * q + 1)
            months = range(3 * q - 2, 3 * q + 1)
            budget_f = "+".join(book.sumifs(_revised_month(m), forum.forum_id) for m in months)
            actual_f = "+".join(book.sumifs(_actual_month(m), forum.forum_id) for m in months)
            cells += [
                s.formula(b, "=" + budget_f, _amount(budget), money),
                s.formula(a, "=" + actual_f, _amount(actual), money),
                s.formula(v, f"={b}{r}-{a}{r}", _amount(budget - actual), money),
            ]
            budget_cols.append(b)
            actual_cols.append(a)
        year_budget, year_actual = forum.amounts.revised, forum.amounts.actual
        cells += [
            s.formula("N", "=" + "+".join(f"{c}{r}" for c in budget_cols), _amount(year_budget), money),
            s.formula("O", "=" + "+".join(f"{c}{r}" for c in actual_cols), _amount(year_actual), money),
            s.formula("P", f"=N{r}-O{r}", _amount(year_budget - year_actual), money),
        ]
        s.append(cells)
    last = s.row
    if not figures.forums:
        s.append([s.text("No budget lines in this fiscal year.")])
        return
    _totals_row(s, first, last, range(2, 17), _column_totals(figures, quarterly=True), money)
    s.set_filter(header, last, len(headers))


def _column_totals(figures: BudgetWorkbookFigures, *, quarterly: bool) -> list[int]:
    totals: list[int] = []
    if quarterly:
        for q in range(1, 5):
            budget = sum(f.quarter(q)[0] for f in figures.forums)
            actual = sum(f.quarter(q)[1] for f in figures.forums)
            totals += [budget, actual, budget - actual]
        total = figures.total
        totals += [total.revised, total.actual, total.revised - total.actual]
        return totals
    for m in range(MONTHS):
        totals += [
            sum(f.revised_by_month[m] for f in figures.forums),
            sum(f.actual_by_month[m] for f in figures.forums),
        ]
    return totals


def _totals_row(s: _Sheet, first: int, last: int, columns: range, totals: Sequence[int], money: str) -> None:
    cells: list[Any] = [s.text("Total", "cd_label")]
    for col_index, value in zip(columns, totals, strict=True):
        col = _letter(col_index)
        cells.append(s.formula(col, f"=SUM({col}{first}:{col}{last})", _amount(value), money, bold=True))
    s.append(cells)


def _by_month(book: _Book, figures: BudgetWorkbookFigures) -> None:
    s = book.sheets["By_Month"]
    headers = ["Forum"]
    for label in figures.month_labels:
        headers += [f"Planned {label}", f"Actual {label}"]
    notes = ["Planned = the revised budget phased by month; actual = paid or accrued in the month."]
    s.layout([24] + [13] * (2 * MONTHS), s.banner_rows(len(notes)) + 1, "By month")
    s.banner("By month: planned against actual", notes)
    header = s.header(headers)
    first = header + 1
    money = book.money_format
    for forum in figures.forums:
        cells = [s.value(forum.forum)]
        for m in range(1, MONTHS + 1):
            planned, actual = _letter(2 * m), _letter(2 * m + 1)
            planned_f = "=" + book.sumifs(_revised_month(m), forum.forum_id)
            actual_f = "=" + book.sumifs(_actual_month(m), forum.forum_id)
            cells += [
                s.formula(planned, planned_f, _amount(forum.revised_by_month[m - 1]), money),
                s.formula(actual, actual_f, _amount(forum.actual_by_month[m - 1]), money),
            ]
        s.append(cells)
    last = s.row
    if not figures.forums:
        s.append([s.text("No budget lines in this fiscal year.")])
        return
    _totals_row(s, first, last, range(2, 2 + 2 * MONTHS), _column_totals(figures, quarterly=False), money)
    s.set_filter(header, last, len(headers))


def _by_category(book: _Book, figures: BudgetWorkbookFigures) -> None:
    s = book.sheets["By_Category"]
    categories = figures.categories
    headers = ["Forum", *categories, "Total"]
    notes = [f"Revised budget in {figures.currency}, by forum and cost category."]
    s.layout([24] + [14] * (len(categories) + 1), s.banner_rows(len(notes)) + 1, "By category")
    s.banner("By cost category: revised budget", notes)
    header = s.header(headers)
    first = header + 1
    money = book.money_format
    total_col = _letter(len(categories) + 2)
    for forum in figures.forums:
        r = s.row + 1
        cells = [s.value(forum.forum)]
        for index, category in enumerate(categories, start=2):
            col = _letter(index)
            value = forum.by_category.get(category, (0, 0))[0]
            formula = "=" + book.sumifs(_REVISED, forum.forum_id, category)
            cells.append(s.formula(col, formula, _amount(value), money))
        cells.append(
            s.formula(total_col, f"=SUM(B{r}:{_letter(len(categories) + 1)}{r})", _amount(forum.amounts.revised), money)
        )
        s.append(cells)
    last = s.row
    if not figures.forums:
        s.append([s.text("No budget lines in this fiscal year.")])
        return
    totals = [sum(f.by_category.get(c, (0, 0))[0] for f in figures.forums) for c in categories]
    _totals_row(s, first, last, range(2, len(categories) + 3), [*totals, figures.total.revised], money)
    s.set_filter(header, last, len(headers))


def _staff_time(book: _Book, figures: BudgetWorkbookFigures, rate_ref: str) -> None:
    s = book.sheets["Staff_Time"]
    headers = ("Person", "Forum", "FTE (year average)", "Days", "Staff cost", "Over-allocation")
    rate = (
        f"Staff cost = days × the office's staff day rate ({figures.staff_day_rate:,} {figures.currency})."
        if figures.staff_day_rate is not None
        else "No staff day rate is set in the office's settings, so no staff cost is shown."
    )
    notes = ["Person × forum from the staff allocations: days are FTE × working days inside the fiscal year.", rate]
    s.layout([26, 24, 12, 12, 16, 40], s.banner_rows(len(notes)) + 1, "Staff time")
    s.banner("Staff time", notes)
    header = s.header(headers)
    first = header + 1
    money = book.money_format
    for row in figures.staff:
        r = s.row + 1
        over = f"Over 1.0 FTE from {row.over_allocated_on.isoformat()}" if row.over_allocated_on else ""
        cost = s.formula("E", f"=D{r}*{rate_ref}", row.cost, money) if row.cost is not None else None
        s.append(
            [
                s.value(row.person),
                s.value(row.forum),
                s.value(row.fte, _FTE),
                s.value(row.days, _DAYS),
                cost,
                s.text(over, "cd_warning") if over else None,
            ]
        )
    last = s.row
    if not figures.staff:
        s.append([s.text("No staff time is allocated in this fiscal year.")])
        return
    days = sum((row.days for row in figures.staff), Decimal(0))
    cells = [s.text("Total", "cd_label"), None, None, s.formula("D", f"=SUM(D{first}:D{last})", days, _DAYS, bold=True)]
    if figures.staff_day_rate is not None:
        cost = sum((row.cost or Decimal(0) for row in figures.staff), Decimal(0))
        cells.append(s.formula("E", f"=SUM(E{first}:E{last})", cost, money, bold=True))
    s.append(cells)
    s.set_filter(header, last, len(headers))


def _travel(book: _Book, figures: BudgetWorkbookFigures) -> None:
    s = book.sheets["Travel"]
    headers = (
        "Forum",
        "Event",
        "Starts",
        "Ends",
        "Location",
        "Travellers",
        "Estimated cost",
        "Actual cost",
        "Under/(over)",
    )
    notes = ["Forum events starting in the fiscal year with the delegation; under/(over) = estimated − actual."]
    s.layout([18, 40, 11, 11, 18, 44, 15, 15, 15], s.banner_rows(len(notes)) + 1, "Travel")
    s.banner("Travel", notes)
    header = s.header(headers)
    first = header + 1
    money = book.money_format
    for t in figures.travel:
        r = s.row + 1
        diff = (
            s.formula("I", f"=G{r}-H{r}", t.estimated - t.actual, money)
            if t.estimated is not None and t.actual is not None
            else None
        )
        s.append(
            [
                s.value(t.forum),
                s.value(t.event),
                s.value(t.start),
                s.value(t.end),
                s.value(t.location),
                s.value(t.travellers),
                s.money(t.estimated),
                s.money(t.actual),
                diff,
            ]
        )
    last = s.row
    if not figures.travel:
        s.append([s.text("No forum events in this fiscal year.")])
        return
    estimated = sum((t.estimated or Decimal(0) for t in figures.travel), Decimal(0))
    actual = sum((t.actual or Decimal(0) for t in figures.travel), Decimal(0))
    s.append(
        [
            s.text("Total", "cd_label"),
            *([None] * 5),
            s.formula("G", f"=SUM(G{first}:G{last})", estimated, money, bold=True),
            s.formula("H", f"=SUM(H{first}:H{last})", actual, money, bold=True),
        ]
    )
    s.set_filter(header, last, len(headers))


def _variance_notes(book: _Book, figures: BudgetWorkbookFigures) -> None:
    s = book.sheets["Variance_Notes"]
    headers = (
        "Line id",
        "Forum",
        "Category",
        "Description",
        "Revised",
        "Forecast outturn",
        "Under/(over)",
        "Variance %",
        "Reason recorded",
    )
    notes = [
        f"Lines whose under/(over) is beyond {figures.variance_threshold_pct}% of their revised budget. "
        + SIGN_CONVENTION
    ]
    s.layout([9, 20, 24, 44, 15, 15, 15, 10, 60], s.banner_rows(len(notes)) + 1, "Variance notes")
    s.banner("Variance notes", notes)
    header = s.header(headers)
    money = book.money_format
    for line in figures.variance_lines:
        r = s.row + 1
        a = line.amounts
        s.append(
            [
                line.line_id,
                s.value(line.forum),
                s.value(line.category),
                s.value(line.description),
                s.money(a.revised),
                s.money(a.outturn),
                s.formula("G", f"=E{r}-F{r}", _amount(a.under_over), money),
                s.formula("H", f'=IF(E{r}=0,"",G{r}/E{r})', a.under_over / a.revised if a.revised else None, _PCT),
                s.text(line.variance_reason or "No reason recorded", None if line.variance_reason else "cd_warning"),
            ]
        )
    if not figures.variance_lines:
        s.append([s.text("No line is beyond the variance threshold.")])
        return
    s.set_filter(header, s.row, len(headers))


def _revisions(book: _Book, figures: BudgetWorkbookFigures) -> None:
    s = book.sheets["Revisions"]
    headers = ("Line id", "Line", "Month", "Measure", "Old", "New", "Change", "Reason", "Who", "When (UTC)")
    s.layout([9, 44, 12, 11, 15, 15, 15, 50, 22, 17], s.banner_rows() + 1, "Revisions")
    s.banner("Every revision of a budget amount")
    header = s.header(headers)
    money = book.money_format
    for rev in figures.revisions:
        r = s.row + 1
        s.append(
            [
                rev.line_id,
                s.value(rev.line),
                s.value(rev.month),
                s.value(rev.measure),
                s.money(rev.old),
                s.money(rev.new),
                s.formula("G", f"=F{r}-E{r}", rev.new - rev.old, money),
                s.value(rev.reason),
                s.value(rev.who),
                s.value(rev.when),
            ]
        )
    if not figures.revisions:
        s.append([s.text("No budget amount has been revised in this fiscal year.")])
        return
    s.set_filter(header, s.row, len(headers))


def _parameter_rows(figures: BudgetWorkbookFigures) -> list[tuple[str, object]]:
    return [
        ("Fiscal year", figures.fiscal_year_label),
        ("Currency", figures.currency),
        ("Variance threshold (%)", figures.variance_threshold_pct),
        ("Staff day rate", figures.staff_day_rate if figures.staff_day_rate is not None else "Not set"),
        ("Sign convention", SIGN_CONVENTION),
        ("Marking", figures.marking or "No marking"),
        ("Highest marking included", figures.ceiling or "All"),
        ("Lines included", figures.line_count),
        ("Lines left out (marked above the ceiling)", figures.left_out),
        ("Data as at", figures.as_at),
        ("Generated at (UTC)", figures.generated_at),
        ("Office", figures.office),
    ]


def _parameters(book: _Book, figures: BudgetWorkbookFigures, rows: list[tuple[str, object]]) -> None:
    s = book.sheets["Parameters"]
    s.layout([40, 90], s.banner_rows() + 1, "Parameters")
    s.banner("Parameters")
    s.header(("Parameter", "Value"))
    for label, value in rows:
        number_format = book.money_format if label == "Staff day rate" and isinstance(value, Decimal) else None
        s.append(
            [s.text(label, "cd_label"), s.value(value, number_format, "cd_left" if number_format is None else None)]
        )


def _parameter_ref(book: _Book, rows: list[tuple[str, object]], label: str) -> str:
    row = book.sheets["Parameters"].banner_rows() + 1 + 1 + [r[0] for r in rows].index(label)
    return f"Parameters!$B${row}"


# ----------------------------------------------------------------------------------------------------


def write_budget_workbook(
    scope: BudgetScope,
    target: Path,
    *,
    as_at: date,
    generated_at: datetime | None = None,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> BudgetWorkbookFigures:
    """Write the budget workbook of the scope's year to `target` atomically and return the figures it shows."""
    from core.io.cells import atomic_write

    def check() -> None:
        if cancel is not None and cancel.cancelled:
            raise ExportCancelled(target)

    book = _Book(scope, as_at)
    try:
        tally = BudgetTally(scope)
        _write_lines(book, tally, check)
        if progress is not None:
            progress.report(1, 3)
        figures = budget_workbook_figures(scope, tally, as_at=as_at, generated_at=generated_at)
        rows = _parameter_rows(figures)
        _summary(book, figures, _parameter_ref(book, rows, "Variance threshold (%)"))
        _by_quarter(book, figures)
        _by_month(book, figures)
        _by_category(book, figures)
        _staff_time(book, figures, _parameter_ref(book, rows, "Staff day rate"))
        _travel(book, figures)
        _variance_notes(book, figures)
        _revisions(book, figures)
        _parameters(book, figures, rows)
        check()
        for sheet in book.sheets.values():
            sheet.close()
        if progress is not None:
            progress.report(2, 3)
        from core.io.workbook_style import set_document_properties

        set_document_properties(
            book.wb, title=f"Budget {figures.fiscal_year_label} — {figures.office}", marking=book.marking, as_at=as_at
        )
        book.wb.calculation.fullCalcOnLoad = True
        atomic_write(target, book.wb.save)
    except BaseException:
        book.discard()
        raise
    if progress is not None:
        progress.report(3, 3)
    return figures


def export_budget(
    db: Database,
    fiscal_year: str | int,
    target: Path,
    *,
    as_at: date | None = None,
    max_marking: str | None = None,
    generated_at: datetime | None = None,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> BudgetExportResult:
    """`export budget --fy YEAR -o FILE.xlsx`: the year as `2025`, `FY2025`, `2024-25` or `2024–25`.

    Raises ExportError (a one-line reason naming the file), FiscalYearError for a year it cannot read, or
    ExportCancelled; a failed export never leaves a partial file and never harms an existing one."""
    from core.io.cells import check_target_writable
    from core.reports.lists import UnknownMarking
    from core.services.office import load_settings

    if target.suffix.lower() != ".xlsx":
        raise ExportError(
            f"Cannot export the budget workbook to {target.name}: the file name must end in .xlsx.", target
        )
    check_target_writable(target)
    with db.read() as session:
        calendar = load_settings(session).calendar
        fy = fiscal_year if isinstance(fiscal_year, int) else calendar.parse_fy(fiscal_year)
        try:
            scope = BudgetScope(session, fy, max_marking=max_marking)
        except UnknownMarking as exc:
            raise ExportError(str(exc), target) from exc
        try:
            figures = write_budget_workbook(
                scope, target, as_at=as_at or date.today(), generated_at=generated_at, progress=progress, cancel=cancel
            )
        except ValueError as exc:
            raise ExportError(f"Cannot write {target.name}: {exc}", target) from exc
    return BudgetExportResult(
        path=target,
        fiscal_year=figures.fiscal_year_label,
        lines=figures.line_count,
        marking=figures.marking,
        left_out=figures.left_out,
        ceiling=figures.ceiling,
        overcommitted=figures.overcommitted_forums,
    )


def export_budget_template(db: Database, target: Path) -> int:
    """`export budget-template -o FILE.xlsx`: the sheet `import budget` reads, with its headers and the office's
    valid forums and cost categories beside it; returns the number of columns. Any workbook with these headers,
    wherever its table starts, imports the same way."""
    import sqlalchemy as sa
    from openpyxl import Workbook

    from core.domain.forums import Forum
    from core.domain.reference import CostCategory
    from core.io.cells import atomic_write, write_cell
    from core.io.imports.budget import BUDGET_IMPORT_COLUMNS, BUDGET_IMPORT_SHEET, MONTH_COLUMNS
    from core.io.workbook_style import register_styles, set_document_properties, set_print_layout
    from core.reports.budget import NO_FORUM
    from core.services.office import load_settings

    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"Cannot write the budget template to {target.name}: the name must end in .xlsx.", target)
    with db.read() as session:
        settings = load_settings(session)
        forums = [
            (acronym or name, name)
            for acronym, name in session.execute(
                sa.select(Forum.acronym, Forum.full_name).where(Forum.archived.is_(False)).order_by(Forum.full_name)
            )
        ]
        categories = list(
            session.execute(sa.select(CostCategory.code, CostCategory.label).order_by(CostCategory.sort_order))
        )
    wb = Workbook()
    register_styles(wb)
    ws = wb.active
    ws.title = BUDGET_IMPORT_SHEET
    # The month columns last and in fiscal order, as the office reads its year.
    months = [MONTH_COLUMNS[settings.calendar.calendar_month(2025, m)[1] - 1] for m in range(1, 13)]
    columns = [c for c in BUDGET_IMPORT_COLUMNS if c not in MONTH_COLUMNS] + months
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(1, index)
        write_cell(cell, column.header)
        cell.style = "cd_header"
    set_print_layout(ws, paper_size=settings.paper_size, widths=[16] * len(BUDGET_IMPORT_COLUMNS), header_row=1)
    help_ws = wb.create_sheet("How_to_fill_in")
    notes = [
        "One row per budget line on the Budget_Import sheet; the headers may start anywhere on the sheet.",
        "Reference: your own unique reference for the line. Importing the file again updates the lines "
        "with the same reference and fiscal year instead of adding them twice.",
        f"Fiscal year: 2025, FY2025 or {settings.calendar.label(2025)}. Amounts in {settings.currency}, whole-year "
        "figures, phased evenly by month on import.",
        "Month columns (optional): the revised budget of each month; fill them in instead of Revised, or both if "
        "the months add up to it. Leave every month blank to phase Revised evenly.",
        f"Forum: an acronym or full name below, or blank (or {NO_FORUM!r}) for office-wide lines.",
        "Category: a cost category label or code below. Funding type: Departmental or Administered. "
        "ODA eligible: Yes or No.",
        "Run `cyberdesk import budget FILE --dry-run` first: it lists every problem by row and column, and "
        "nothing is imported while any remains.",
    ]
    for r, note in enumerate(notes, start=1):
        write_cell(help_ws.cell(r, 1), note)
    row = len(notes) + 2
    write_cell(help_ws.cell(row, 1), "Forums (acronym, full name)")
    help_ws.cell(row, 1).style = "cd_header"
    for offset, (short, name) in enumerate(forums, start=1):
        write_cell(help_ws.cell(row + offset, 1), short)
        write_cell(help_ws.cell(row + offset, 2), name)
    write_cell(help_ws.cell(row, 4), "Cost categories (code, label)")
    help_ws.cell(row, 4).style = "cd_header"
    for offset, (code, label) in enumerate(categories, start=1):
        write_cell(help_ws.cell(row + offset, 4), code)
        write_cell(help_ws.cell(row + offset, 5), label)
    help_ws.column_dimensions["A"].width = 30
    help_ws.column_dimensions["B"].width = 50
    help_ws.column_dimensions["E"].width = 40
    set_document_properties(wb, title="Budget import template", marking=settings.default_marking, as_at=date.today())
    atomic_write(target, wb.save)
    return len(BUDGET_IMPORT_COLUMNS)
