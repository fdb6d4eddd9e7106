"""The month view of the forward calendar: a month's forum events and group meetings, day by day."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QLabel, QSplitter, QTableWidgetItem, QVBoxLayout, QWidget

from core.reports.calendar import CalendarEntry, forward_calendar
from desktop.editing.tables import read_only_table

if TYPE_CHECKING:
    from core.db.engine import Database

_ENTITY_OF_KIND = {"forum_event": "events", "meeting": "meetings"}


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class MonthView(QWidget):
    """A month calendar (days with something on in bold) beside that month's items; opening one opens its record."""

    sig_record_opened = Signal(str, int)
    """The user opened an item: (list entity, row id)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.entries: tuple[CalendarEntry, ...] = ()
        self._marked: list[QDate] = []
        self.month = QCalendarWidget()
        self.month.setAccessibleName(self.tr("Month"))
        self.month.setGridVisible(True)
        self.table = read_only_table(
            [self.tr("Dates"), self.tr("Event or meeting"), self.tr("Location"), self.tr("Status")],
            self.tr("This month's events and meetings"),
            1,
        )
        self.caption = QLabel()
        side = QWidget()
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.caption)
        box.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(self.month)
        splitter.addWidget(side)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.month.currentPageChanged.connect(self._on_month_current_page_changed)
        self.table.cellActivated.connect(self._on_table_cell_activated)
        self.loaded = False

    def show_month(self, year: int, month: int) -> None:
        """Load the items starting in the month (events known only to the month show on the 1st, "(dates TBC)")."""
        first = date(year, month, 1)
        last = date(year, month, _calendar.monthrange(year, month)[1])
        with self._db.read() as session:
            report = forward_calendar(session, as_at=first, date_from=first, date_to=last)
        self.entries = report.entries
        self.loaded = True
        for day in self._marked:
            self.month.setDateTextFormat(day, QTextCharFormat())
        self._marked = []
        bold = QTextCharFormat()
        bold.setFontWeight(700)
        for entry in self.entries:
            day = entry.start_date
            while day <= min(entry.end_date, last):
                self.month.setDateTextFormat(_qdate(day), bold)
                self._marked.append(_qdate(day))
                day += timedelta(days=1)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            if entry.month_only:
                when = entry.start_date.strftime("%b %Y")  # the title already says "(dates TBC)"
            elif entry.end_date != entry.start_date:
                when = f"{entry.start_date:%d %b} – {entry.end_date:%d %b %Y}"
            else:
                when = entry.start_date.strftime("%d %b %Y")
                if entry.start_time is not None:
                    when += f" {entry.start_time:%H:%M}"
            status = {"TENTATIVE": self.tr("Tentative"), "CONFIRMED": self.tr("Confirmed")}.get(
                entry.status, self.tr("Cancelled")
            )
            for column, text in enumerate((when, entry.title, entry.location, status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (_ENTITY_OF_KIND[entry.kind], entry.row_id))
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.caption.setText(self.tr("{0}: {1} events and meetings").format(first.strftime("%B %Y"), len(self.entries)))

    def reload(self) -> None:
        self.show_month(self.month.yearShown(), self.month.monthShown())

    def showEvent(self, event: QShowEvent) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    def _on_month_current_page_changed(self, year: int, month: int) -> None:
        self.show_month(year, month)

    def _on_table_cell_activated(self, row: int, _column: int) -> None:
        target = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        if target:
            self.sig_record_opened.emit(target[0], int(target[1]))
