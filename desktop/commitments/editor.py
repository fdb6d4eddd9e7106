"""The commitment editor: the register's form, plus milestones with progress and RAG, and the lines funding it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.commitments import Milestone
from core.domain.money import format_money
from core.services.commitments import (
    MilestoneRow,
    budget_lines_of,
    commitment_progress,
    milestones_of,
    set_commitment_tags,
    tag_choices,
    tags_of,
)
from core.services.office import load_settings
from core.services.records import EditConflict, RecordNotFound, update_record
from core.services.validation import ValidationError
from desktop.editing.dialog import RecordEditorDialog
from desktop.editing.fields import FieldSpec
from desktop.editing.tables import read_only_table

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

_DATE = "%d %b %Y"

MILESTONE_FIELDS = (
    FieldSpec("title", QT_TRANSLATE_NOOP("FieldSpec", "Milestone"), "text", required=True),
    FieldSpec("due_date", QT_TRANSLATE_NOOP("FieldSpec", "Due"), "date", required=True),
    FieldSpec("done_date", QT_TRANSLATE_NOOP("FieldSpec", "Done on"), "optional_date"),
    FieldSpec("owner_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Owner agency"), "fk", choices_from="organisation"),
    FieldSpec("owner_person_id", QT_TRANSLATE_NOOP("FieldSpec", "Owner"), "fk", choices_from="person"),
    FieldSpec("notes", QT_TRANSLATE_NOOP("FieldSpec", "Notes"), "text", multiline=True),
)


def milestone_spec(commitment_id: int) -> EditorSpec:
    from desktop.editing.registers import EditorSpec

    return EditorSpec(
        Milestone,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Milestone"),
        MILESTONE_FIELDS,
        {"commitment_id": commitment_id, "due_date": date.today()},
        title_key="title",
    )


class CommitmentEditorDialog(RecordEditorDialog):
    """The commitment's form, a Milestones tab (progress and RAG from the one rule) and the budget lines."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        super().__init__(db, spec, row_id=row_id, parent=parent)
        self.milestone_editor: RecordEditorDialog | None = None
        self._milestones: tuple[MilestoneRow, ...] = ()
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName(self.tr("Progress"))
        self.milestones = read_only_table(
            [self.tr("Milestone"), self.tr("Due"), self.tr("Done"), self.tr("Owner")], self.tr("Milestones"), 0
        )
        self.milestones.cellDoubleClicked.connect(self._on_milestones_cell_double_clicked)
        self.add_milestone_button = QPushButton(self.tr("Add milestone…"))
        self.edit_milestone_button = QPushButton(self.tr("Edit…"))
        self.done_button = QPushButton(self.tr("Mark done today"))
        self.add_milestone_button.clicked.connect(self._on_add_milestone_button_clicked)
        self.edit_milestone_button.clicked.connect(self._on_edit_milestone_button_clicked)
        self.done_button.clicked.connect(self._on_done_button_clicked)
        row = QHBoxLayout()
        for button in (self.add_milestone_button, self.edit_milestone_button, self.done_button):
            row.addWidget(button)
            button.setVisible(not db.readonly)
        row.addStretch(1)
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(self.progress_label)
        box.addWidget(self.milestones, 1)
        box.addLayout(row)
        self._milestones_tab = self.tabs.addTab(tab, self.tr("Milestones"))
        self.budget_lines = read_only_table(
            [self.tr("Fiscal year"), self.tr("Budget line"), self.tr("Category"), self.tr("Revised budget")],
            self.tr("Budget lines"),
            1,
        )
        self._budget_tab = self.tabs.addTab(self.budget_lines, self.tr("Budget lines"))
        self.tag_tree = QTreeWidget()
        self.tag_tree.setAccessibleName(self.tr("Tags"))
        self.tag_tree.setHeaderHidden(True)
        self._saved_tags: frozenset[int] = frozenset()
        self._tag_items: dict[int, QTreeWidgetItem] = {}
        self._load_tags()
        self.tag_tree.itemChanged.connect(self._on_tag_tree_item_changed)
        self._tags_tab = self.tabs.insertTab(1, self.tag_tree, self.tr("Norms and tags"))
        self._milestones_tab = self.tabs.indexOf(tab)
        self._budget_tab = self.tabs.indexOf(self.budget_lines)
        self._update_tags_tab_title()
        self._saving = False
        self.load_milestones()

    def load_milestones(self) -> None:
        snapshot = self._snapshot
        for index in (self._milestones_tab, self._budget_tab):
            self.tabs.setTabEnabled(index, snapshot is not None)
        if snapshot is None:
            self.progress_label.setText(self.tr("Save the commitment first, then add its milestones."))
            return
        with self._db.read() as session:
            self._milestones = milestones_of(session, snapshot.row_id)
            progress = commitment_progress(session, snapshot.row_id, date.today())
            lines = budget_lines_of(session, snapshot.row_id)
            settings = load_settings(session)
        calendar = settings.calendar
        self.progress_label.setText(
            self.tr("{0} — RAG: {1}").format(self.tr(progress.text), self.tr(progress.rag.meaning))
        )
        self.milestones.setRowCount(len(self._milestones))
        for row, milestone in enumerate(self._milestones):
            done = milestone.done_date.strftime(_DATE) if milestone.done_date else ""
            cells = (milestone.title, milestone.due_date.strftime(_DATE), done, milestone.owner)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, milestone.id)
                self.milestones.setItem(row, column, item)
        self.tabs.setTabText(
            self._milestones_tab, self.tr("Milestones ({0}/{1})").format(progress.done, progress.total)
        )
        self.budget_lines.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cells = (calendar.label(line.fiscal_year), line.description, line.category, format_money(line.revised))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.budget_lines.setItem(row, column, item)
        self.tabs.setTabText(self._budget_tab, self.tr("Budget lines ({0})").format(len(lines)))

    # --- tags: chosen in the tree, saved with the record ------------------------------------------------------

    def _load_tags(self) -> None:
        with self._db.read() as session:
            saved = tags_of(session, self._snapshot.row_id) if self._snapshot is not None else frozenset()
            options = tag_choices(session, saved)
        self._saved_tags = saved
        self.tag_tree.clear()
        self._tag_items.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for option in options:
            group = groups.get(option.kind.value)
            if group is None:
                group = QTreeWidgetItem([self.tr(option.kind.label)])
                groups[option.kind.value] = group
                self.tag_tree.addTopLevelItem(group)
            text = f"{option.code} — {option.label}" + (self.tr(" (archived)") if option.archived else "")
            item = QTreeWidgetItem(group, [text])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if option.id in saved else Qt.CheckState.Unchecked)
            item.setData(0, Qt.ItemDataRole.UserRole, option.id)
            self._tag_items[option.id] = item
        for group in groups.values():
            group.setExpanded(
                any(group.child(i).checkState(0) == Qt.CheckState.Checked for i in range(group.childCount()))
            )

    def chosen_tags(self) -> frozenset[int]:
        return frozenset(tag for tag, item in self._tag_items.items() if item.checkState(0) == Qt.CheckState.Checked)

    def set_tag(self, code: str, checked: bool) -> None:
        """Tick or untick a tag by its code (as a user would in the tree)."""
        for item in self._tag_items.values():
            if item.text(0).split(" — ")[0] == code:
                item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(code)

    def _tags_changed(self) -> bool:
        return self.chosen_tags() != self._saved_tags

    def _update_tags_tab_title(self) -> None:
        self.tabs.setTabText(self._tags_tab, self.tr("Norms and tags ({0})").format(len(self.chosen_tags())))

    def _on_tag_tree_item_changed(self, _item: QTreeWidgetItem, _column: int) -> None:
        self._update_tags_tab_title()

    def is_dirty(self) -> bool:
        return super().is_dirty() or (hasattr(self, "_tag_items") and self._tags_changed())

    def _write(self, write: Callable[[Session], int], changes: Mapping[str, Any]) -> bool:
        if not self._saving or not self._tags_changed():
            return super()._write(write, changes)
        chosen = self.chosen_tags()

        def write_with_tags(session: Session) -> int:
            # One transaction: the record and its tags are saved together or not at all.
            row_id = write(session)
            set_commitment_tags(session, row_id, chosen)
            return row_id

        return super()._write(write_with_tags, changes)

    def save(self) -> bool:
        """Save the form and the ticked tags together; a change of tags alone is saved too."""
        self._saving = True
        try:
            snapshot = self._snapshot
            if snapshot is not None and not self.changed_values() and self._tags_changed() and not self._db.readonly:
                if self._write(lambda _session: snapshot.row_id, {}):
                    self.accept()
                    return True
                return False
            return super().save()
        finally:
            self._saving = False

    def _selected_milestone(self) -> MilestoneRow | None:
        row = self.milestones.currentRow()
        return self._milestones[row] if 0 <= row < len(self._milestones) else None

    def open_milestone(self, milestone_id: int | None) -> RecordEditorDialog | None:
        """The milestone's editor (None: a new milestone of this commitment)."""
        if self._snapshot is None:
            return None
        dialog = RecordEditorDialog(self._db, milestone_spec(self._snapshot.row_id), row_id=milestone_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_record_saved.connect(self._on_milestone_editor_record_saved)
        self.milestone_editor = dialog
        dialog.show()
        return dialog

    def mark_done(self, milestone: MilestoneRow, when: date) -> bool:
        try:
            with self._db.write() as session:
                update_record(session, Milestone, milestone.id, milestone.version, {"done_date": when})
        except (ValidationError, EditConflict, RecordNotFound) as exc:
            errors = getattr(exc, "errors", None)
            self.show_message("; ".join(errors.values()) if errors else str(exc))
            return False
        self.load_milestones()
        self.show_message(self.tr("Marked “{0}” done.").format(milestone.title), error=False)
        return True

    def _on_add_milestone_button_clicked(self) -> None:
        self.open_milestone(None)

    def _on_edit_milestone_button_clicked(self) -> None:
        milestone = self._selected_milestone()
        if milestone is not None:
            self.open_milestone(milestone.id)

    def _on_milestones_cell_double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._milestones):
            self.open_milestone(self._milestones[row].id)

    def _on_done_button_clicked(self) -> None:
        milestone = self._selected_milestone()
        if milestone is not None and not milestone.done:
            self.mark_done(milestone, date.today())

    def _on_milestone_editor_record_saved(self, _table: str, _row_id: int) -> None:
        self.load_milestones()


def with_defaults(spec: EditorSpec, defaults: dict[str, Any]) -> EditorSpec:
    """The register's spec, starting a new record from `defaults` (a copy of a library example)."""
    return dataclasses.replace(spec, new_defaults=dict(defaults))
