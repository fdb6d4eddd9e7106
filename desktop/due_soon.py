"""The due-soon panel: what is overdue or coming up, each line a click away from its record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from desktop.theme import current_rag_colours

if TYPE_CHECKING:
    from core.db.engine import Database

HEADERS = ("Due", "When", "RAG", "What", "Detail")
_KIND_LABELS = {
    "action": "Action",
    "secondment_end": "Secondment ends",
    "clearance_expiry": "Clearance expires",
    "missing_declaration": "Declaration missing",
    "milestone": "Milestone",
    "commitment_review": "Review",
    "briefing": "Briefing",
    "secondment_review": "Secondment review",
}


def when_text(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


class DueSoonPanel(QWidget):
    sig_item_chosen = Signal(str, int)
    """A line was activated: (list entity, row id)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.summary = QLabel()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setAccessibleName(self.tr("Overdue and due soon"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemActivated.connect(self._on_table_item_activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def refresh(self, as_at: date | None = None) -> None:
        from core.reports.due_soon import due_soon

        with self._db.read() as session:
            report = due_soon(session, as_at=as_at or date.today())
        self.table.setRowCount(len(report.items))
        colours = current_rag_colours()
        for row, item in enumerate(report.items):
            due = item.due.strftime("%d %b %Y") if item.due else ""
            kind = self.tr(_KIND_LABELS.get(item.kind, item.kind))
            cells = (due, self.tr(when_text(item.days)), item.rag, f"{kind}: {item.title}", item.detail)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, (item.entity, item.row_id))
                if column == 2 and item.rag in colours:
                    cell.setBackground(colours[item.rag].background)
                    cell.setForeground(colours[item.rag].foreground)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        overdue = len(report.overdue)
        self.summary.setText(
            self.tr("{0} overdue, {1} due within {2} days (actions: 14 days)").format(
                overdue, len(report.items) - overdue, report.window_days
            )
        )

    def _on_table_item_activated(self, cell: QTableWidgetItem) -> None:
        entity, row_id = cell.data(Qt.ItemDataRole.UserRole)
        self.sig_item_chosen.emit(entity, int(row_id))
