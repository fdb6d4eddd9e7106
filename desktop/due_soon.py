"""The due-soon panel: what is overdue or coming up, each line a click away from its record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.theme import current_rag_colours

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.due_soon import DueItem, DueSoonReport
    from desktop.jobs import JobRunner

# How soon and what first: the dock is narrow, and a row that showed only its date left the user guessing what was
# due until they scrolled sideways.
HEADERS = ("When", "RAG", "What", "Due", "Detail")
WHEN_COLUMN, RAG_COLUMN, WHAT_COLUMN, DUE_COLUMN = range(4)
_KIND_LABELS = {
    "action": "Action",
    "secondment_end": "Secondment ends",
    "clearance_expiry": "Clearance expires",
    "missing_declaration": "Declaration missing",
    "milestone": "Milestone",
    "commitment_review": "Review",
    "briefing": "Briefing",
    "secondment_review": "Secondment review",
    "checklist_item": "Checklist item",
}
# How a count of each kind reads: (one, many).
_KIND_COUNTS = {
    "action": ("action", "actions"),
    "secondment_end": ("secondment end", "secondment ends"),
    "clearance_expiry": ("clearance expiry", "clearance expiries"),
    "missing_declaration": ("missing declaration", "missing declarations"),
    "milestone": ("milestone", "milestones"),
    "commitment_review": ("commitment review", "commitment reviews"),
    "briefing": ("briefing", "briefings"),
    "secondment_review": ("secondment review", "secondment reviews"),
    "checklist_item": ("checklist item", "checklist items"),
}
# A large office has tens of thousands of lines; the view asks for more as it is scrolled (fetchMore), so that
# sizing the columns and the first paint look at one page, not at every line.
PAGE_ROWS = 200

_Index = QModelIndex | QPersistentModelIndex


def when_text(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


def kind_counts_text(items: Sequence[DueItem]) -> str:
    """'3 actions, 1 milestone': the kinds among `items`, in the report's order of kinds."""
    from core.reports.due_soon import DUE_KINDS

    counts = {kind: sum(1 for item in items if item.kind == kind) for kind in DUE_KINDS}
    return ", ".join(f"{n} {_KIND_COUNTS[kind][n != 1]}" for kind, n in counts.items() if n)


class DueSoonModel(QAbstractTableModel):
    """The lines of a due-soon report, read-only; cells are made when the view asks for them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: Sequence[DueItem] = ()
        self._shown = 0
        self._colours = current_rag_colours()

    def set_items(self, items: Sequence[DueItem]) -> None:
        self.beginResetModel()
        self._items = items
        self._shown = min(PAGE_ROWS, len(items))
        self._colours = current_rag_colours()
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._items)

    def item(self, row: int) -> DueItem:
        return self._items[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._shown < len(self._items)

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        more = min(PAGE_ROWS, len(self._items) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section < len(HEADERS):
            return self.tr(HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._shown:
            return None
        item = self._items[index.row()]
        column = index.column()
        # The narrow dock cuts long titles and details short: the tooltip holds them whole.
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(item, column)
        if role == Qt.ItemDataRole.UserRole:
            return (item.entity, item.row_id)
        if column == RAG_COLUMN and item.rag in self._colours:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[item.rag].background
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[item.rag].foreground
        return None

    def _text(self, item: DueItem, column: int) -> str:
        if column == DUE_COLUMN:
            return item.due.strftime("%d %b %Y") if item.due else ""
        if column == WHEN_COLUMN:
            return self.tr(when_text(item.days))
        if column == RAG_COLUMN:
            return item.rag
        if column == WHAT_COLUMN:
            return f"{self.tr(_KIND_LABELS.get(item.kind, item.kind))}: {item.title}"
        return item.detail


class DueSoonPanel(QWidget):
    sig_item_chosen = Signal(str, int)
    """A line was activated: (list entity, row id)."""
    sig_refreshed = Signal()
    """The lines of a refresh are shown (or its failure is)."""

    def __init__(self, db: Database, parent: QWidget | None = None, jobs: JobRunner | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._jobs = jobs
        self._generation = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = DueSoonModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Overdue and due soon"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._on_table_activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def refresh(self, as_at: date | None = None) -> None:
        """Fill the panel from the database: in the background when the panel has a JobRunner (the report of a
        large office takes a second or more), else here and now. A newer refresh supersedes an older one."""
        self._generation += 1
        generation = self._generation
        db = self._db
        day = as_at or date.today()

        def report(*_job: object) -> DueSoonReport:  # a JobFn; it opens its own read session
            from core.reports.due_soon import due_soon

            with db.read() as session:
                return due_soon(session, as_at=day)

        if self._jobs is None:
            self._show(generation, report())
            return
        self.summary.setText(self.tr("Looking for what is overdue and due soon…"))
        self._jobs.run(
            report,
            on_finished=lambda result: self._show(generation, result),
            on_failed=lambda message, _details: self._show_failure(generation, message),
        )

    def _show(self, generation: int, report: DueSoonReport) -> None:
        if generation != self._generation:
            return
        self.model.set_items(report.items)
        self.table.resizeColumnsToContents()
        overdue = report.overdue
        text = self.tr("{0} overdue, {1} due within {2} days (actions: 14 days)").format(
            len(overdue), len(report.items) - len(overdue), report.window_days
        )
        # The overdue figure counts every kind of line, not only actions: say which.
        if overdue:
            text += "\n" + self.tr("Overdue: {0}").format(kind_counts_text(overdue))
        self.summary.setText(text)
        self.sig_refreshed.emit()

    def _show_failure(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.model.set_items(())
        self.summary.setText(self.tr("What is due could not be read: {0}").format(message))
        self.sig_refreshed.emit()

    def _on_table_activated(self, index: QModelIndex) -> None:
        entity, row_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        self.sig_item_chosen.emit(entity, int(row_id))
