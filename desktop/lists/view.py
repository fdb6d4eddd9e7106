"""A register's list: a search box over a table whose rows come from the core list query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from desktop.lists.table_model import ListTableModel

if TYPE_CHECKING:
    from core.db.engine import Database

SEARCH_DELAY_MS = 150


class ListView(QWidget):
    def __init__(self, db: Database, entity: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ListTableModel(db, entity)
        self.search = QLineEdit(placeholderText=self.tr("Search"))
        self.search.setAccessibleName(self.tr("Search this list"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("{0} list").format(entity))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._on_search_timer_timeout)
        self.search.textChanged.connect(self._debounce.start)
        self._update_count()

    def _on_search_timer_timeout(self) -> None:
        self.model.set_search(self.search.text())
        self._update_count()

    def reload(self) -> None:
        self.model.reload()
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("{0:,} rows").format(self.model.total))
