"""Ctrl+K: one box that finds any forum, person, organisation, meeting, action, commitment, secondment or event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from core.db.engine import Database

SEARCH_DELAY_MS = 120
SHOWN_PER_KIND = 8  # the best records of each kind; the status line says which kinds have more
_KIND_LABELS = {
    "forum": "Forum",
    "person": "Person",
    "organisation": "Organisation",
    "meeting": "Meeting",
    "action": "Action",
    "commitment": "Commitment",
    "secondment": "Secondment",
    "event": "Event",
}


class SearchDialog(QDialog):
    sig_hit_chosen = Signal(str, int)
    """A result was chosen: (list entity, row id)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle(self.tr("Find anything"))
        self.resize(860, 460)
        self.box = QLineEdit(placeholderText=self.tr("Type a forum, person, agency, meeting, action…"))
        self.box.setAccessibleName(self.tr("Search text"))
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Search results"))
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(self._timer.start)
        self.box.returnPressed.connect(self._on_box_return_pressed)
        self.results.itemActivated.connect(self._on_results_item_activated)

    def run_search(self) -> None:
        from core.reports.search import MIN_TEXT_LENGTH, first_of_each_kind, search_everything, searches_long_text

        text = self.box.text()
        with self._db.read() as session:
            # One more of each kind than shown tells which kinds have more.
            hits, more = first_of_each_kind(
                search_everything(session, text, limit_per_kind=SHOWN_PER_KIND + 1), SHOWN_PER_KIND
            )
        self.results.clear()
        for hit in hits:
            kind = self.tr(_KIND_LABELS.get(hit.kind, hit.kind))
            item = QListWidgetItem(f"{kind}: {hit.title}" + (f" — {hit.detail}" if hit.detail else ""))
            item.setData(Qt.ItemDataRole.UserRole, (hit.entity, hit.row_id))
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        status = self.tr("{0} found").format(len(hits)) if text.strip() else ""
        if more:
            kinds = ", ".join(self.tr(_KIND_LABELS.get(kind, kind)) for kind in more)
            # A count that looks complete would hide records: say where there are more than shown.
            status = self.tr("{0} shown · more match ({1}): type more to narrow").format(len(hits), kinds)
        if status and not searches_long_text(text):
            # Said, not hidden: a word inside an action's description is not looked for until it is this long.
            hint = self.tr("type {0} or more characters to search action descriptions and updates")
            status += " · " + hint.format(MIN_TEXT_LENGTH)
        self.status.setText(status)

    def _on_box_return_pressed(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run_search()
        item = self.results.currentItem()
        if item is not None:
            self._on_results_item_activated(item)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        entity, row_id = item.data(Qt.ItemDataRole.UserRole)
        self.sig_hit_chosen.emit(entity, int(row_id))
        self.accept()
