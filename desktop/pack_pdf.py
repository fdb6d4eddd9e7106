"""The meeting pack as a printable PDF, drawn by Qt: every section, the marking on top and bottom of every page.

Works without a display: the command line calls it through the renderer registered with core.io.pack_export,
and a headless machine gets Qt's offscreen platform.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from PySide6.QtCore import QBuffer, QIODevice, QLineF, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from core.domain.money import format_money
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

__all__ = ["ensure_gui_application", "pack_blocks", "render_pack_pdf"]

_HEADER_FILL = "#D9E1F2"
_RAG_COLOURS = {"Red": "#FFC7CE", "Amber": "#FFEB9C", "Green": "#C6EFCE", "Blue": "#BDD7EE", "Cancelled": "#D9D9D9"}
_WARNING = "#C00000"
_MARGIN_MM = 12.0
_BAND_MM = 9.0  # room above and below the body for the marked header and footer
_RESOLUTION = 300
_BODY_POINTS = 8

_app: Any = None  # the application this module created, kept alive for the process


def ensure_gui_application() -> None:
    """Qt draws text only inside a QGuiApplication: make one if the program has none (the command line)."""
    global _app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return
    headless = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
    if headless and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(["cyberdesk"])


# ----------------------------------------------------------------------------------------------------
# The document as Qt rich text


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y").lstrip("0")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Rag):
        return value.value
    return "" if value is None else str(value)


@dataclass(frozen=True)
class _Para:
    text: str
    size: float = _BODY_POINTS
    bold: bool = False
    colour: str | None = None
    gap: float = 0.6  # space after, in lines


@dataclass(frozen=True)
class _Break:
    """Start a new page (every section does)."""


@dataclass(frozen=True)
class _Table:
    headers: tuple[str, ...]
    widths: tuple[float, ...]  # fractions of the page width
    rows: tuple[tuple[str, ...], ...]
    styles: tuple[str, ...]  # per row: "", "bold", "red" or "bold red"
    fills: tuple[tuple[str | None, ...], ...]  # per cell background (RAG), None for none
    right: frozenset[int]
    header: bool = True
    borders: bool = True


_Block = _Para | _Break | _Table


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    styles: Sequence[str] | None = None,
    *,
    empty: str,
    right: Sequence[int] = (),
    widths: Sequence[float] = (),
) -> _Block:
    """A table whose header repeats on every page it runs onto; `widths` are percentages (even when omitted)."""
    rows = list(rows)
    if not rows:
        return _Para(empty, colour="#555555")
    shares = list(widths) if widths else [1.0] * len(headers)
    total = sum(shares)
    return _Table(
        headers=tuple(headers),
        widths=tuple(w / total for w in shares),
        rows=tuple(tuple(_text(v) for v in row) for row in rows),
        styles=tuple(styles) if styles else ("",) * len(rows),
        fills=tuple(tuple(_RAG_COLOURS[v.value] if isinstance(v, Rag) else None for v in row) for row in rows),
        right=frozenset(right),
    )


def _facts(pairs: Iterable[tuple[str, object]]) -> _Block:
    rows = [(label, _text(value)) for label, value in pairs]
    return _Table(
        headers=("", ""),
        widths=(0.2, 0.8),
        rows=tuple(rows),
        styles=("",) * len(rows),
        fills=tuple((None, None) for _ in rows),
        right=frozenset(),
        header=False,
        borders=False,
    )


def _heading(name: str) -> list[_Block]:
    description = dict(SECTIONS)[name]
    return [_Break(), _Para(name.replace("_", " "), size=14, bold=True, gap=0.3), _Para(f"{description}.")]


def _warnings(pack: MeetingPack, *, personal: bool = False) -> list[_Block]:
    from core.io.workbook_style import DEMO_LINE, PERSONAL_DATA_LINE

    lines = []
    if pack.demo:
        lines.append(DEMO_LINE)
    if personal:
        lines.append(PERSONAL_DATA_LINE)
    if pack.left_out_line:
        lines.append(pack.left_out_line)
    return [_Para(line, bold=True, colour=_WARNING) for line in lines]


def _action_style(a: ActionRow) -> str:
    return " ".join(style for style, on in (("bold", a.raised_since_previous), ("red", a.overdue)) if on)


_ACTION_WIDTHS = (5, 8, 6, 19, 5, 8, 6, 6, 5, 6, 11, 6, 9)
_DECISION_WIDTHS = (5, 10, 7, 38, 10, 8, 7, 10, 5)
_SECONDMENT_HEADERS = (
    "Person",
    "Direction",
    "Type",
    "Home organisation",
    "Host unit",
    "Role",
    "Starts",
    "Ends",
    "Status",
    "Alert",
)


def _actions_table(actions: Sequence[ActionRow], empty: str) -> _Block:
    return _table(
        [header for header, _ in ACTION_COLUMNS],
        [row_values(a, ACTION_COLUMNS) for a in actions],
        [_action_style(a) for a in actions],
        empty=empty,
        right=(9,),
        widths=_ACTION_WIDTHS,
    )


def _decisions_table(decisions: Sequence[DecisionRow], empty: str) -> _Block:
    return _table(
        [header for header, _ in DECISION_COLUMNS],
        [row_values(d, DECISION_COLUMNS) for d in decisions],
        empty=empty,
        widths=_DECISION_WIDTHS,
    )


def pack_blocks(pack: MeetingPack) -> list[_Block]:
    """The whole pack as paragraphs, tables and page breaks, in reading order (user text as it is: it is drawn,
    never interpreted)."""
    cover = pack.cover
    parts: list[_Block] = [
        _Para(cover.group, size=18, bold=True, gap=0.3),
        _Para(cover.title, size=14, bold=True),
        _Para(pack.marking or "No marking", bold=True),
        *_warnings(pack, personal=pack.personal_data),
    ]
    parts += [
        _facts(fact for fact in pack.cover_facts if fact[0] not in ("Group", "Meeting")),  # in the headings
        _Para("Contents", size=10, bold=True, gap=0.3),
        _table(("Section", "What it holds"), SECTIONS, empty="", widths=(20, 80)),
    ]

    parts.extend(_heading("Agenda"))
    parts.append(
        _table(
            ("Item", "Title", "Purpose", "Lead agency", "Presenter", "Paper ref", "Minutes", "Starts", "Marking"),
            [
                (a.position, a.title, a.purpose, a.lead_agency, a.presenter, a.paper_ref, a.minutes, a.start, a.marking)
                for a in pack.agenda
            ],
            ["red" if a.over_time else "" for a in pack.agenda],
            empty="The agenda has no items yet.",
            widths=(4, 36, 9, 7, 14, 11, 5, 5, 9),
        )
    )

    parts.extend(_heading("Attendance"))
    parts.append(
        _table(
            ("Agency", "Name", "Role", "Status"),
            [(a.agency, a.name, a.role, a.status) for a in pack.attendance],
            empty="No attendance is recorded for this meeting yet.",
        )
    )
    matrix = pack.matrix
    parts.append(_Para(f"Attendance by agency, fiscal year {cover.fiscal_year_label}", size=10, bold=True, gap=0.3))
    parts.append(
        _table(
            ("Agency", *(f"Meeting {number} ({_text(when)})" for number, _, when in matrix.meetings)),
            [(agency, *cells) for agency, cells in matrix.rows],
            empty="No meetings this fiscal year.",
        )
    )

    previous = pack.previous
    parts.extend(_heading("Previous_Outcomes"))
    if previous.title is None:
        parts.append(_Para("This is the group's first meeting: there is no previous meeting."))
    else:
        parts.append(
            _facts(
                (
                    ("Previous meeting", previous.title),
                    ("Date", previous.meeting_date),
                    ("Minutes", previous.minutes_status),
                    ("Minutes confirmed at", previous.minutes_confirmed_at or "Not yet confirmed"),
                )
            )
        )
        parts.append(_Para("Decisions", size=10, bold=True, gap=0.3))
        parts.append(_decisions_table(previous.decisions, "No decisions were recorded."))
        parts.append(_Para("Actions raised", size=10, bold=True, gap=0.3))
        parts.append(_actions_table(previous.actions, "No actions were raised."))

    parts.extend(_heading("Decisions"))
    parts.append(_decisions_table(pack.decisions, "No decisions this fiscal year yet."))

    parts.extend(_heading("Action_Log"))
    parts.append(_Para("Bold: raised at or since the previous meeting. Red: overdue."))
    parts.append(_actions_table(pack.actions, "No actions are open or were closed since the previous meeting."))

    parts.extend(_heading("Commitments_Due"))
    parts.append(
        _table(
            ("Due", "Commitment", "What", "Item", "Agency", "Status", "RAG", "Marking"),
            [(c.due, c.commitment, c.kind, c.item, c.agency, c.status, c.rag, c.marking) for c in pack.commitments],
            ["red" if c.overdue else "" for c in pack.commitments],
            empty="Nothing is overdue or due in the next two quarters.",
            widths=(7, 28, 7, 25, 6, 12, 6, 9),
        )
    )

    parts.extend(_heading("Forward_Calendar"))
    parts.append(
        _table(
            ("Dates", "Forum", "Event", "Location", "Lead agency", "Delegation", "Briefing due", "Status", "Marking"),
            [
                (
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
            widths=(10, 8, 25, 10, 6, 20, 7, 6, 8),
        )
    )

    parts.extend(_heading("Secondments"))
    parts.extend(_warnings(pack, personal=pack.personal_data))
    parts.append(
        _table(
            _SECONDMENT_HEADERS,
            [
                (x.person, x.direction, x.kind, x.home, x.host_unit, x.role, x.start, x.end, x.status, x.alert)
                for x in pack.secondments
            ],
            empty="No secondments are active, starting or ending within the alert window.",
            widths=(10, 6, 10, 12, 16, 18, 7, 7, 6, 8),
        )
    )

    budget = pack.budget
    parts.extend(_heading("Budget_Snapshot"))
    parts.append(
        _Para(
            f"Fiscal year {budget.fiscal_year_label}, the first {budget.months_elapsed} month(s), as at "
            f"{_text(budget.as_at)}; amounts in {budget.currency}. Variance = planned to date − actual to date: "
            "positive is an underspend, (negative) an overspend."
        )
    )
    money = [
        (r.forum_type, r.forum, *map(format_money, (r.revised, r.planned_to_date, r.actual_to_date, r.variance)))
        for r in budget.rows
    ]
    if budget.rows:
        totals = (budget.revised, budget.planned_to_date, budget.actual_to_date, budget.variance)
        money.append(("Total", "", *(format_money(v) for v in totals)))
    parts.append(
        _table(
            ("Forum type", "Forum", "Revised budget", "Planned to date", "Actual to date", "Variance"),
            money,
            ["bold" if row[0] == "Total" and index == len(money) - 1 else "" for index, row in enumerate(money)],
            empty="No budget lines in this fiscal year.",
            right=(2, 3, 4, 5),
        )
    )

    parts.extend(_heading("Papers"))
    parts.append(
        _table(
            ("Paper ref", "Title", "Owning agency", "Marking", "Where it is kept"),
            [(p.ref, p.title, p.owning_agency, p.marking, p.location) for p in pack.papers],
            empty="No papers are listed for this meeting.",
            widths=(12, 40, 8, 10, 30),
        )
    )
    return parts


# ----------------------------------------------------------------------------------------------------
# Pages
#
# Qt's rich-text tables lay out at about 2 ms a row, far too slow for the forward calendar of a large office, so
# the pack is laid out here: every cell is measured once (a single line unless it is wider than its column),
# rows are placed onto pages with the table header repeated, and the pages are then drawn knowing their count.

_PAD = 0.25  # cell padding, in lines
_WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignTop)

# A page's drawing operations, as tuples (made by the ten thousand on a large office):
# ("fill", QRectF, QColor) · ("rule", QLineF) under a row · ("grid", QRectF, [QLineF]) a table's frame and column
# rules on one page · ("line", QPointF, text, QFont, QColor) for one line of text at its baseline ·
# ("wrap", QRectF, text, QFont, QColor, flags) for text wrapped inside a box.
_Op = tuple[Any, ...]


class _Layout:
    """Places blocks onto pages of `width` × `height` device pixels; `pages` holds each page's drawing operations."""

    def __init__(self, device: Any, width: float, height: float) -> None:
        self.device = device
        self.width = width
        self.height = height
        self.pages: list[list[_Op]] = [[]]
        self.y = 0.0
        base = QFont()
        base.setStyleHint(QFont.StyleHint.SansSerif)
        self._base = base
        self._fonts: dict[tuple[float, bool], tuple[QFont, QFontMetricsF]] = {}
        self._advances: dict[tuple[int, str], float] = {}
        self._colours: dict[str | None, QColor] = {None: QColor("black")}

    def font(self, size: float, bold: bool) -> tuple[QFont, QFontMetricsF]:
        """(QFont, its QFontMetricsF on the PDF device), made once per size and weight."""
        key = (size, bold)
        if key not in self._fonts:
            font = QFont(self._base)
            font.setPointSizeF(size)
            font.setBold(bold)
            self._fonts[key] = (font, QFontMetricsF(font, self.device))
        return self._fonts[key]

    def colour(self, name: str | None) -> QColor:
        if name not in self._colours:
            self._colours[name] = QColor(name)
        return self._colours[name]

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])
        self.y = 0.0

    def _fits(self, height: float) -> None:
        if self.y + height > self.height and self.y > 0:
            self.new_page()

    def _advance(self, metrics: QFontMetricsF, text: str) -> float:
        # Agencies, statuses, dates and markings repeat down every column: measure each text once per font.
        key = (id(metrics), text)
        advance = self._advances.get(key)
        if advance is None:
            advance = self._advances[key] = metrics.horizontalAdvance(text)
        return advance

    def _measure(self, metrics: QFontMetricsF, text: str, width: float) -> float | None:
        """The height `text` wraps to in `width`, or None when it is one line that fits."""
        if "\n" not in text and self._advance(metrics, text) <= width:
            return None
        return float(metrics.boundingRect(QRectF(0, 0, width, 1e9), _WRAP, text).height())

    def paragraph(self, block: _Para) -> None:
        font, metrics = self.font(block.size, block.bold)
        height = self._measure(metrics, block.text, self.width) or metrics.lineSpacing()
        self._fits(height)
        rect = QRectF(0, self.y, self.width, height)
        self.pages[-1].append(("wrap", rect, block.text, font, self.colour(block.colour), _WRAP))
        self.y += height + block.gap * metrics.lineSpacing()

    def table(self, block: _Table) -> None:
        body = self.font(_BODY_POINTS, False)
        bold = self.font(_BODY_POINTS, True)
        line = body[1].lineSpacing()
        pad = _PAD * line
        widths = [share * self.width for share in block.widths]
        lefts = [sum(widths[:i]) for i in range(len(widths))]
        inner = [w - 2 * pad for w in widths]
        right = [column in block.right for column in range(len(widths))]
        black, red = self.colour(None), self.colour(_WARNING)
        header_fills = [self.colour(_HEADER_FILL)] * len(block.headers)
        header_height = 0.0

        segment_top = self.y  # where the part of the table on the current page begins

        def close_segment() -> None:
            # The outer frame and the column rules are drawn once per page the table covers, not once per row.
            if block.borders and self.y > segment_top:
                rules = [QLineF(x, segment_top, x, self.y) for x in lefts[1:]]
                self.pages[-1].append(("grid", QRectF(0, segment_top, self.width, self.y - segment_top), rules))

        def place(cells: Sequence[str], font: tuple[QFont, QFontMetricsF], colour: QColor, fills: list[Any]) -> None:
            nonlocal segment_top
            qfont, metrics = font
            wrapped = [self._measure(metrics, text, w) if text else None for text, w in zip(cells, inner, strict=True)]
            height = max((h for h in wrapped if h is not None), default=line) + 2 * pad
            # A row taller than a page is cut at the page's foot rather than looping for ever.
            height = min(height, self.height - header_height)
            if self.y + height > self.height:
                close_segment()
                self.new_page()
                segment_top = self.y
                if block.header:
                    place(block.headers, bold, black, header_fills)
            y, ops = self.y, self.pages[-1]
            for column, fill in enumerate(fills):
                if fill is not None:
                    ops.append(("fill", QRectF(lefts[column], y, widths[column], height), fill))
            if block.borders:
                ops.append(("rule", QLineF(0, y + height, self.width, y + height)))
            baseline = y + pad + metrics.ascent()
            for column, text in enumerate(cells):
                if not text:
                    continue
                if wrapped[column] is None:
                    x = lefts[column] + pad
                    if right[column]:
                        x += inner[column] - self._advance(metrics, text)
                    ops.append(("line", QPointF(x, baseline), text, qfont, colour))
                else:
                    box = QRectF(lefts[column] + pad, y + pad, inner[column], height - 2 * pad)
                    align = Qt.AlignmentFlag.AlignRight if right[column] else Qt.AlignmentFlag.AlignLeft
                    ops.append(("wrap", box, text, qfont, colour, _WRAP | int(align)))
            self.y += height

        if block.header:
            heights = [self._measure(bold[1], text, w) for text, w in zip(block.headers, inner, strict=True)]
            header_height = max((h for h in heights if h is not None), default=line) + 2 * pad
        self._fits(header_height + line + 2 * pad)
        segment_top = self.y
        if block.header:
            place(block.headers, bold, black, header_fills)
        for cells, style, fills in zip(block.rows, block.styles, block.fills, strict=True):
            place(
                cells,
                bold if "bold" in style else body,
                red if "red" in style else black,
                [None if fill is None else self.colour(fill) for fill in fills],
            )
        close_segment()
        self.y += line * 0.6

    def add(self, blocks: Iterable[_Block]) -> None:
        for block in blocks:
            if isinstance(block, _Break):
                self.new_page()
            elif isinstance(block, _Para):
                self.paragraph(block)
            else:
                self.table(block)


def _draw_pdf(pack: MeetingPack, device: Any) -> int:
    """Lay the pack out on `device` (a QPdfWriter) and draw every page with its bands; returns the page count."""
    from core.io.workbook_style import marking_with_demo

    size = QPageSize.PageSizeId.Letter if pack.paper_size == "LETTER" else QPageSize.PageSizeId.A4
    device.setResolution(_RESOLUTION)
    device.setPageLayout(
        QPageLayout(
            QPageSize(size),
            QPageLayout.Orientation.Landscape,
            QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    device.setTitle(f"Meeting pack — {pack.cover.group} — {pack.cover.title}")
    device.setCreator("Cyber Affairs Desk")

    width, height = device.width(), device.height()
    band = _BAND_MM / 25.4 * _RESOLUTION
    layout = _Layout(device, width, height - 2 * band)
    layout.add(pack_blocks(pack))
    pages = layout.pages

    band_font, _ = layout.font(_BODY_POINTS, False)
    marking_font, _ = layout.font(_BODY_POINTS, True)
    marking = marking_with_demo(pack.marking or "No marking", pack.demo)
    top = QRectF(0, 0, width, band * 0.8)
    bottom = QRectF(0, height - band * 0.8, width, band * 0.8)
    centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    black = layout.colour(None)
    grid = QPen(QColor("#808080"))
    grid.setWidthF(_RESOLUTION / 300)

    painter = QPainter(device)
    try:
        for number, ops in enumerate(pages, 1):
            if number > 1:
                device.newPage()
            painter.setPen(black)
            painter.setFont(band_font)
            painter.drawText(top, left, pack.cover.office)
            painter.drawText(top, right, pack.cover.group)
            painter.drawText(bottom, left, pack.cover.title)
            painter.drawText(bottom, right, f"Page {number} of {len(pages)}")
            painter.setFont(marking_font)
            painter.drawText(top, centre, marking)
            painter.drawText(bottom, centre, marking)
            painter.save()
            painter.translate(0, band)
            _draw_ops(painter, ops, grid)
            painter.restore()
    finally:
        painter.end()
    return len(pages)


def _draw_ops(painter: QPainter, ops: Sequence[_Op], grid: QPen) -> None:
    font: Any = None
    pen: Any = None
    for op in ops:
        kind = op[0]
        if kind in ("line", "wrap"):
            # Setting a font or pen costs more than the text: only when it changes.
            if op[3] is not font:
                font = op[3]
                painter.setFont(font)
            if op[4] is not pen:
                pen = op[4]
                painter.setPen(pen)
            if kind == "line":
                painter.drawText(op[1], op[2])
            else:
                painter.drawText(op[1], op[5], op[2])
        elif kind == "fill":
            painter.fillRect(op[1], op[2])
        else:
            if pen is not grid:
                pen = grid
                painter.setPen(grid)
            if kind == "rule":
                painter.drawLine(op[1])
            else:
                painter.drawRect(op[1])
                painter.drawLines(op[2])


def render_pack_pdf(pack: MeetingPack, target: Path) -> None:
    """Write `pack` to `target` as a PDF, atomically (a failed export leaves no partial file behind)."""
    from core.io.cells import atomic_write

    ensure_gui_application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    _draw_pdf(pack, writer)
    del writer  # finishes the file in the buffer
    buffer.close()
    data = bytes(buffer.data().data())

    def write(f: BinaryIO) -> None:
        f.write(data)

    atomic_write(target, write)
