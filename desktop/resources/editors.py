"""The budget line's and the staff allocation's editors: the register's form, plus a budget line's revision history
and the warning when an allocation takes a person over 1.0 FTE."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.editing.dialog import RecordEditorDialog
from desktop.resources.lines import revision_table, show_revisions

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

__all__ = ["BudgetLineEditorDialog"]


class BudgetLineEditorDialog(RecordEditorDialog):
    """A Revisions tab beside the form: every change of the line's amounts with old, new, reason, who and when."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        super().__init__(db, spec, row_id=row_id, parent=parent)
        self.revisions = revision_table(self)
        self._revisions_tab = self.tabs.addTab(self.revisions, self.tr("Revisions"))
        self.load_revisions()

    def load_revisions(self) -> None:
        snapshot = self._snapshot
        # A new line has no amounts yet, so nothing to have revised.
        self.tabs.setTabEnabled(self._revisions_tab, snapshot is not None)
        count = len(show_revisions(self._db, snapshot.row_id, self.revisions)) if snapshot is not None else 0
        self.tabs.setTabText(self._revisions_tab, self.tr("Revisions ({0})").format(count))
