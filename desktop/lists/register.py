"""A navigation page: one list, or several lists in tabs (Organisations & People, Resources, Meetings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.lists.view import ListView

if TYPE_CHECKING:
    from core.db.engine import Database

TAB_TITLES = {
    "organisations": QT_TRANSLATE_NOOP("RegisterView", "Organisations"),
    "people": QT_TRANSLATE_NOOP("RegisterView", "People"),
    "forums": QT_TRANSLATE_NOOP("RegisterView", "Forums"),
    "reference": QT_TRANSLATE_NOOP("RegisterView", "Reference lists and tags"),
    "meetings": QT_TRANSLATE_NOOP("RegisterView", "Meetings"),
    "decisions": QT_TRANSLATE_NOOP("RegisterView", "Decisions"),
    "actions": QT_TRANSLATE_NOOP("RegisterView", "Actions"),
    "events": QT_TRANSLATE_NOOP("RegisterView", "Forum events"),
    "budget": QT_TRANSLATE_NOOP("RegisterView", "Budget lines"),
    "allocations": QT_TRANSLATE_NOOP("RegisterView", "Staff time"),
    "secondments": QT_TRANSLATE_NOOP("RegisterView", "Secondments"),
    "commitments": QT_TRANSLATE_NOOP("RegisterView", "Commitments"),
    "audit": QT_TRANSLATE_NOOP("RegisterView", "Audit trail"),
    "checklist_templates": QT_TRANSLATE_NOOP("RegisterView", "Checklist items"),
}


class RegisterView(QWidget):
    sig_record_opened = Signal(str, int)
    """The user opened a row: (list entity, row id)."""

    def __init__(self, db: Database, entities: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lists: dict[str, ListView] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._tabs = QTabWidget() if len(entities) > 1 else None
        for entity in entities:
            view = ListView(db, entity)
            view.table.activated.connect(lambda index, e=entity, v=view: self._on_list_activated(e, v, index.row()))
            self.lists[entity] = view
            if self._tabs is not None:
                self._tabs.addTab(view, self.tr(TAB_TITLES[entity]))
            else:
                layout.addWidget(view)
        if self._tabs is not None:
            layout.addWidget(self._tabs)

    @property
    def current_entity(self) -> str:
        """The list in front; with another tab in front (a month view, a coverage view), the page's first list."""
        if self._tabs is None:
            return next(iter(self.lists))
        current = self._tabs.currentWidget()
        return next((entity for entity, view in self.lists.items() if view is current), next(iter(self.lists)))

    def add_tab(self, widget: QWidget, title: str) -> None:
        """Add a view of the page's own beside its lists (a single list becomes the first tab)."""
        if self._tabs is None:
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            (entity, view), *_ = self.lists.items()
            layout.removeWidget(view)
            self._tabs = QTabWidget()
            self._tabs.addTab(view, self.tr(TAB_TITLES[entity]))
            layout.addWidget(self._tabs, 1)
        self._tabs.addTab(widget, title)

    def show_tab(self, widget: QWidget) -> None:
        assert self._tabs is not None
        self._tabs.setCurrentWidget(widget)

    @property
    def current_list(self) -> ListView:
        return self.lists[self.current_entity]

    def show_entity(self, entity: str) -> ListView:
        view = self.lists[entity]
        if self._tabs is not None:
            self._tabs.setCurrentWidget(view)
        return view

    def refresh(self) -> None:
        for view in self.lists.values():
            view.reload()

    def _on_list_activated(self, entity: str, view: ListView, row: int) -> None:
        self.sig_record_opened.emit(entity, view.model.row_id(row))
