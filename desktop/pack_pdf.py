"""The meeting pack as a printable PDF, drawn by Qt: every section, the marking on top and bottom of every page.

Works without a display: the command line calls it through the renderer registered with core.io.pack_export,
and a headless machine gets Qt's offscreen platform.
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

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

__all__ = ["ensure_gui_application", "pack_html", "render_pack_pdf"]

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


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y").lstrip("0")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Rag):
        return value.value
    return "" if value is None else str(value)


def _cell(value: object, style: str = "", *, align: str = "") -> str:
    attrs = ""
    if isinstance(value, Rag):
        attrs += f' bgcolor="{_RAG_COLOURS[value.value]}"'
    if align:
        attrs += f' align="{align}"'
    if style:
        attrs += f' style="{style}"'
    return f"<td{attrs}>{_e(_text(value))}</td>"


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    styles: Sequence[str] | None = None,
    *,
    empty: str,
    right: Sequence[int] = (),
    widths: Sequence[int] = (),
) -> str:
    """A table whose header repeats on every page; `widths` are percentages (free text gets the room)."""
    rows = list(rows)
    if not rows:
        return f"<p><i>{_e(empty)}</i></p>"
    sized = [f' width="{w}%"' for w in widths] if widths else [""] * len(headers)
    head = "".join(f"<th{width}>{_e(h)}</th>" for h, width in zip(headers, sized, strict=True))
    body = []
    for index, row in enumerate(rows):
        style = styles[index] if styles else ""
        cells = "".join(
            _cell(value, style, align="right" if column in right else "") for column, value in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    # <thead> makes Qt repeat the header row at the top of every page the table runs onto.
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead>{''.join(body)}</table>"
    )


def _facts(pairs: Iterable[tuple[str, object]]) -> str:
    rows = "".join(f"<tr><td><b>{_e(label)}</b></td><td>{_e(_text(value))}</td></tr>" for label, value in pairs)
    return f'<table cellspacing="0" cellpadding="3">{rows}</table>'


def _heading(name: str, first: bool = False) -> str:
    description = dict(SECTIONS)[name]
    style = "" if first else ' style="page-break-before: always"'
    return f"<h2{style}>{_e(name.replace('_', ' '))}</h2><p>{_e(description)}.</p>"


def _warnings(pack: MeetingPack, *, personal: bool = False) -> str:
    from core.io.workbook_style import DEMO_LINE, PERSONAL_DATA_LINE

    lines = []
    if pack.demo:
        lines.append(DEMO_LINE)
    if personal:
        lines.append(PERSONAL_DATA_LINE)
    if pack.left_out_line:
        lines.append(pack.left_out_line)
    return "".join(f'<p style="color:{_WARNING}"><b>{_e(line)}</b></p>' for line in lines)


def _action_style(a: ActionRow) -> str:
    parts = []
    if a.raised_since_previous:
        parts.append("font-weight:bold")
    if a.overdue:
        parts.append(f"color:{_WARNING}")
    return ";".join(parts)


_ACTION_WIDTHS = (5, 8, 6, 20, 5, 8, 6, 6, 5, 5, 11, 6, 9)
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


def _actions_table(actions: Sequence[ActionRow], empty: str) -> str:
    return _table(
        [header for header, _ in ACTION_COLUMNS],
        [row_values(a, ACTION_COLUMNS) for a in actions],
        [_action_style(a) for a in actions],
        empty=empty,
        right=(9,),
        widths=_ACTION_WIDTHS,
    )


def _decisions_table(decisions: Sequence[DecisionRow], empty: str) -> str:
    return _table(
        [header for header, _ in DECISION_COLUMNS],
        [row_values(d, DECISION_COLUMNS) for d in decisions],
        empty=empty,
        widths=_DECISION_WIDTHS,
    )


def pack_html(pack: MeetingPack) -> str:
    """The whole pack as the HTML subset Qt's rich text engine lays out; every user value is escaped."""
    cover = pack.cover
    parts = [
        f"<h1>{_e(cover.group)}</h1><h2>{_e(cover.title)}</h2>",
        f"<p><b>{_e(pack.marking or 'No marking')}</b></p>",
        _warnings(pack, personal=pack.personal_data),
    ]
    parts += [
        _facts(fact for fact in pack.cover_facts if fact[0] not in ("Group", "Meeting")),  # in the headings
        "<h3>Contents</h3>",
        _table(("Section", "What it holds"), SECTIONS, empty="", widths=(20, 80)),
    ]

    parts.append(_heading("Agenda"))
    parts.append(
        _table(
            ("Item", "Title", "Purpose", "Lead agency", "Presenter", "Paper ref", "Minutes", "Starts", "Marking"),
            [
                (a.position, a.title, a.purpose, a.lead_agency, a.presenter, a.paper_ref, a.minutes, a.start, a.marking)
                for a in pack.agenda
            ],
            [f"color:{_WARNING}" if a.over_time else "" for a in pack.agenda],
            empty="The agenda has no items yet.",
            widths=(4, 36, 9, 7, 14, 11, 5, 5, 9),
        )
    )

    parts.append(_heading("Attendance"))
    parts.append(
        _table(
            ("Agency", "Name", "Role", "Status"),
            [(a.agency, a.name, a.role, a.status) for a in pack.attendance],
            empty="No attendance is recorded for this meeting yet.",
        )
    )
    matrix = pack.matrix
    parts.append(f"<h3>Attendance by agency, fiscal year {_e(cover.fiscal_year_label)}</h3>")
    parts.append(
        _table(
            ("Agency", *(f"Meeting {number} ({_text(when)})" for number, _, when in matrix.meetings)),
            [(agency, *cells) for agency, cells in matrix.rows],
            empty="No meetings this fiscal year.",
        )
    )

    previous = pack.previous
    parts.append(_heading("Previous_Outcomes"))
    if previous.title is None:
        parts.append("<p>This is the group's first meeting: there is no previous meeting.</p>")
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
        parts.append("<h3>Decisions</h3>")
        parts.append(_decisions_table(previous.decisions, "No decisions were recorded."))
        parts.append("<h3>Actions raised</h3>")
        parts.append(_actions_table(previous.actions, "No actions were raised."))

    parts.append(_heading("Decisions"))
    parts.append(_decisions_table(pack.decisions, "No decisions this fiscal year yet."))

    parts.append(_heading("Action_Log"))
    parts.append("<p>Bold: raised at or since the previous meeting. Red: overdue.</p>")
    parts.append(_actions_table(pack.actions, "No actions are open or were closed since the previous meeting."))

    parts.append(_heading("Commitments_Due"))
    parts.append(
        _table(
            ("Due", "Commitment", "What", "Item", "Agency", "Status", "RAG", "Marking"),
            [(c.due, c.commitment, c.kind, c.item, c.agency, c.status, c.rag, c.marking) for c in pack.commitments],
            [f"color:{_WARNING}" if c.overdue else "" for c in pack.commitments],
            empty="Nothing is overdue or due in the next two quarters.",
            widths=(7, 28, 7, 25, 6, 12, 6, 9),
        )
    )

    parts.append(_heading("Forward_Calendar"))
    parts.append(
        _table(
            ("Dates", "Forum", "Event", "Location", "Lead agency", "Delegation", "Briefing due", "Status", "Marking"),
            [
                (
                    e.start.strftime("%b %Y") if e.month_only else _span(e.start, e.end),
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

    parts.append(_heading("Secondments"))
    parts.append(_warnings(pack, personal=pack.personal_data))
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
    parts.append(_heading("Budget_Snapshot"))
    parts.append(
        f"<p>Fiscal year {_e(budget.fiscal_year_label)}, the first {budget.months_elapsed} month(s), as at "
        f"{_e(_text(budget.as_at))}; amounts in {_e(budget.currency)}. Variance = planned to date − actual to date: "
        "positive is an underspend, (negative) an overspend.</p>"
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
            [
                "font-weight:bold" if row[0] == "Total" and index == len(money) - 1 else ""
                for index, row in enumerate(money)
            ],
            empty="No budget lines in this fiscal year.",
            right=(2, 3, 4, 5),
        )
    )

    parts.append(_heading("Papers"))
    parts.append(
        _table(
            ("Paper ref", "Title", "Owning agency", "Marking", "Where it is kept"),
            [(p.ref, p.title, p.owning_agency, p.marking, p.location) for p in pack.papers],
            empty="No papers are listed for this meeting.",
            widths=(12, 40, 8, 10, 30),
        )
    )
    return f"<html><body>{''.join(parts)}</body></html>"


def _span(start: date, end: date) -> str:
    return _text(start) if start == end else f"{_text(start)} – {_text(end)}"


# ----------------------------------------------------------------------------------------------------
# Pages


def _draw_pdf(pack: MeetingPack, device: Any) -> int:
    """Lay the pack out on `device` (a QPdfWriter) and draw every page with its bands; returns the page count."""
    from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPageLayout, QPageSize, QPainter, QTextDocument

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
    body = QSizeF(width, height - 2 * band)

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSize(_BODY_POINTS)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet("th { background-color: #D9E1F2; text-align: left; } h1 { font-size: 16pt; }")
    doc.setHtml(pack_html(pack))
    doc.setPageSize(body)
    pages = doc.pageCount()

    band_font = QFont(font)
    band_font.setPointSize(_BODY_POINTS)
    marking_font = QFont(band_font)
    marking_font.setBold(True)
    marking = marking_with_demo(pack.marking or "No marking", pack.demo)
    top = QRectF(0, 0, width, band * 0.8)
    bottom = QRectF(0, height - band * 0.8, width, band * 0.8)
    centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

    painter = QPainter(device)
    try:
        for page in range(pages):
            if page:
                device.newPage()
            painter.setFont(band_font)
            painter.drawText(top, left, pack.cover.office)
            painter.drawText(top, right, pack.cover.group)
            painter.drawText(bottom, left, pack.cover.title)
            painter.drawText(bottom, right, f"Page {page + 1} of {pages}")
            painter.setFont(marking_font)
            painter.drawText(top, centre, marking)
            painter.drawText(bottom, centre, marking)
            painter.save()
            painter.translate(0, band - page * body.height())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * body.height(), body.width(), body.height())
            painter.setClipRect(context.clip)
            doc.documentLayout().draw(painter, context)
            painter.restore()
    finally:
        painter.end()
    return pages


def render_pack_pdf(pack: MeetingPack, target: Path) -> None:
    """Write `pack` to `target` as a PDF, atomically (a failed export leaves no partial file behind)."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QPdfWriter

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
