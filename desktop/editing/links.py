"""Ticking a record's links in an editor (tags, counterparties, forums): saved with the record in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from core.services.links import LinkSet, link_choices, linked_ids, set_links
from desktop.editing.dialog import RecordEditorDialog

if TYPE_CHECKING:
    from core.db.engine import Database


class LinkChecklist(QTreeWidget):
    """The choices of one link set under their headings, ticked when linked; headings with a tick start open."""

    def __init__(self, link: LinkSet, accessible_name: str) -> None:
        super().__init__()
        self.link = link
        self.setAccessibleName(accessible_name)
        self.setHeaderHidden(True)
        self.saved: frozenset[int] = frozenset()
        self._items: dict[int, QTreeWidgetItem] = {}
        self._codes: dict[str, int] = {}

    def load(self, db: Database, owner_id: int | None, archived_suffix: str) -> None:
        with db.read() as session:
            self.saved = linked_ids(session, self.link, owner_id) if owner_id is not None else frozenset()
            choices = link_choices(session, self.link, self.saved)
        self.blockSignals(True)
        self.clear()
        self._items.clear()
        self._codes.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for choice in choices:
            group = groups.get(choice.group)
            if group is None:
                group = QTreeWidgetItem([self.tr(choice.group)])
                groups[choice.group] = group
                self.addTopLevelItem(group)
            item = QTreeWidgetItem(group, [choice.text + (archived_suffix if choice.archived else "")])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if choice.id in self.saved else Qt.CheckState.Unchecked)
            self._items[choice.id] = item
            self._codes[choice.code] = choice.id
        for group in groups.values():
            group.setExpanded(
                any(group.child(i).checkState(0) == Qt.CheckState.Checked for i in range(group.childCount()))
            )
        self.blockSignals(False)

    def chosen(self) -> frozenset[int]:
        return frozenset(i for i, item in self._items.items() if item.checkState(0) == Qt.CheckState.Checked)

    def chosen_codes(self) -> set[str]:
        ids = self.chosen()
        return {code for code, i in self._codes.items() if i in ids}

    def changed(self) -> bool:
        return self.chosen() != self.saved

    def set_checked(self, code: str, checked: bool) -> None:
        """Tick or untick a choice by its code, as a user would in the tree."""
        self._items[self._codes[code]].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class LinkedSetsEditorDialog(RecordEditorDialog):
    """A record editor with link sets in tabs of their own: Save writes the form and every changed set together
    (a change of links alone is saved too); the unsaved-changes guard counts them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.link_lists: dict[str, LinkChecklist] = {}
        self._titles: dict[str, str] = {}
        self._saving = False

    def add_link_tab(self, link: LinkSet, title: str, position: int) -> LinkChecklist:
        checklist = LinkChecklist(link, title)
        owner = self._snapshot.row_id if self._snapshot is not None else None
        checklist.load(self._db, owner, self.tr(" (archived)"))
        checklist.setEnabled(not self._db.readonly)
        self.link_lists[link.field] = checklist
        self.tabs.insertTab(position, checklist, title)
        checklist.itemChanged.connect(lambda *_: self._update_link_tab_titles())
        self._titles[link.field] = title
        self._update_link_tab_titles()
        return checklist

    def link_tab_index(self, field: str) -> int:
        return self.tabs.indexOf(self.link_lists[field])

    def _update_link_tab_titles(self) -> None:
        for field, checklist in self.link_lists.items():
            self.tabs.setTabText(self.link_tab_index(field), f"{self._titles[field]} ({len(checklist.chosen())})")

    def _changed_links(self) -> dict[str, LinkChecklist]:
        return {field: c for field, c in getattr(self, "link_lists", {}).items() if c.changed()}

    def is_dirty(self) -> bool:
        return super().is_dirty() or bool(self._changed_links())

    def _write(self, write: Callable[[Session], int], changes: Mapping[str, Any]) -> bool:
        changed = self._changed_links() if self._saving else {}
        if not changed:
            return super()._write(write, changes)
        chosen = {field: (c.link, c.chosen()) for field, c in changed.items()}

        def write_with_links(session: Session) -> int:
            # One transaction: the record and its links are saved together or not at all.
            row_id = write(session)
            for link, ids in chosen.values():
                set_links(session, link, row_id, ids)
            return row_id

        return super()._write(write_with_links, changes)

    def save(self) -> bool:
        self._saving = True
        try:
            snapshot = self._snapshot
            if snapshot is not None and not self.changed_values() and self._changed_links() and not self._db.readonly:
                if self._write(lambda _session: snapshot.row_id, {}):
                    self.accept()
                    return True
                return False
            return super().save()
        finally:
            self._saving = False
