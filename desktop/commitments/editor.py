"""The commitment editor: the register's form, plus milestones with progress and RAG, and the lines funding it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.commitments import Milestone
from core.domain.money import format_money
from core.services.commitments import (
    MilestoneRow,
    budget_lines_of,
    commitment_progress,
    delete_milestone,
    done_date_problem,
    milestones_of,
    set_milestone_done,
)
from core.services.links import (
    COMMITMENT_BUDGET_LINES,
    COMMITMENT_COUNTERPARTIES,
    COMMITMENT_SUPPORTING_AGENCIES,
    COMMITMENT_TAGS,
)
from core.services.office import load_settings
from core.services.records import EditConflict, RecordInUse, RecordNotFound
from core.services.validation import ValidationError
from desktop.editing.dialog import ConflictChoice, ConflictDialog, RecordEditorDialog
from desktop.editing.fields import FieldSpec
from desktop.editing.links import LinkedSetsEditorDialog
from desktop.editing.tables import read_only_table

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

_DATE = "%d %b %Y"

# A milestone write framed by the editor: (session, the version it was loaded at, whether Keep mine overwrites).
_MilestoneWrite = Callable[[Session, int, bool], None]

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


class MilestoneEditorDialog(RecordEditorDialog):
    """A milestone's form: a done date still to come is refused beside the field as it is typed, and only a
    milestone not yet done offers Delete (undo done first)."""

    def _live_errors(self) -> dict[str, str]:
        errors = super()._live_errors()
        problem = done_date_problem(self.form_values().get("done_date"), date.today())
        if problem and "done_date" not in errors:
            errors["done_date"] = problem
        return errors

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if self._base.get("done_date") is not None:
            self.delete_button.setVisible(False)

    def _delete(self) -> None:
        snapshot = self._snapshot
        assert snapshot is not None

        def delete(session: Session) -> int:
            delete_milestone(session, snapshot.row_id, snapshot.version)
            return snapshot.row_id

        if self._write(delete, {}):
            self._discard_confirmed = True
            self.accept()


class CommitmentEditorDialog(LinkedSetsEditorDialog):
    """The commitment's form; its norms and tags, counterparties and supporting agencies; a Milestones tab
    (progress and RAG from the one rule); and the budget lines funding it."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        super().__init__(db, spec, row_id=row_id, parent=parent)
        self.milestone_editor: MilestoneEditorDialog | None = None
        self.milestone_conflict: ConflictDialog | None = None
        self._keep_mine: Callable[[], bool] | None = None
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
        self.undo_done_button = QPushButton(self.tr("Undo done"))
        self.delete_milestone_button = QPushButton(self.tr("Delete milestone"))
        self.add_milestone_button.clicked.connect(self._on_add_milestone_button_clicked)
        self.edit_milestone_button.clicked.connect(self._on_edit_milestone_button_clicked)
        self.done_button.clicked.connect(self._on_done_button_clicked)
        self.undo_done_button.clicked.connect(self._on_undo_done_button_clicked)
        self.delete_milestone_button.clicked.connect(self._on_delete_milestone_button_clicked)
        self.milestones.currentCellChanged.connect(self._on_milestones_current_cell_changed)
        row = QHBoxLayout()
        milestone_buttons = (
            self.add_milestone_button,
            self.edit_milestone_button,
            self.done_button,
            self.undo_done_button,
            self.delete_milestone_button,
        )
        for button in milestone_buttons:
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
        self.add_link_tab(COMMITMENT_TAGS, self.tr("Norms and tags"), 1)
        self.add_link_tab(COMMITMENT_COUNTERPARTIES, self.tr("Counterparties"), 2)
        self.add_link_tab(COMMITMENT_SUPPORTING_AGENCIES, self.tr("Supporting agencies"), 3)
        self.add_link_tab(
            COMMITMENT_BUDGET_LINES, self.tr("Link budget lines"), self.tabs.indexOf(self.budget_lines) + 1
        )
        self._milestones_tab = self.tabs.indexOf(tab)
        self._budget_tab = self.tabs.indexOf(self.budget_lines)
        self.load_milestones()
        # Nine tabs with their counts: at the editors' usual width the first ones (Details among them) scrolled
        # out of sight.
        screen = self.screen().availableGeometry().width() if self.screen() is not None else 1366
        self.resize(min(max(self.width(), self.tabs.tabBar().sizeHint().width() + 48), screen - 40), self.height())

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
            cells = (milestone.title, _day(milestone.due_date), _day(milestone.done_date), milestone.owner)
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
        self._update_milestone_buttons()

    def _update_milestone_buttons(self) -> None:
        """Mark done and Delete only for a milestone not yet done, Undo done only for a done one."""
        chosen = self._selected_milestone()
        self.edit_milestone_button.setEnabled(chosen is not None)
        self.done_button.setEnabled(chosen is not None and not chosen.done)
        self.delete_milestone_button.setEnabled(chosen is not None and not chosen.done)
        self.undo_done_button.setEnabled(chosen is not None and chosen.done)

    def set_tag(self, code: str, checked: bool) -> None:
        """Tick or untick a norm, principle, CBM or tag by its code, as a user would in the Norms and tags tab."""
        self.link_lists["tags"].set_checked(code, checked)

    def _selected_milestone(self) -> MilestoneRow | None:
        row = self.milestones.currentRow()
        return self._milestones[row] if 0 <= row < len(self._milestones) else None

    def open_milestone(self, milestone_id: int | None) -> RecordEditorDialog | None:
        """The milestone's editor (None: a new milestone of this commitment)."""
        if self._snapshot is None:
            return None
        dialog = MilestoneEditorDialog(
            self._db, milestone_spec(self._snapshot.row_id), row_id=milestone_id, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_record_saved.connect(self._on_milestone_editor_record_saved)
        self.milestone_editor = dialog
        dialog.show()
        return dialog

    def mark_done(self, milestone: MilestoneRow, when: date) -> bool:
        def write(session: Session, version: int, overwrite: bool) -> None:
            set_milestone_done(session, milestone.id, version, when, overwrite=overwrite)

        return self._milestone_write(milestone, write, self.tr("Marked “{0}” done.").format(milestone.title))

    def undo_done(self, milestone: MilestoneRow) -> bool:
        """The milestone is open again (ticked by mistake, or the work reopened): its done date is cleared."""

        def write(session: Session, version: int, overwrite: bool) -> None:
            set_milestone_done(session, milestone.id, version, None, overwrite=overwrite)

        return self._milestone_write(milestone, write, self.tr("“{0}” is open again.").format(milestone.title))

    def remove_milestone(self, milestone: MilestoneRow) -> bool:
        def write(session: Session, version: int, _overwrite: bool) -> None:
            delete_milestone(session, milestone.id, version)

        return self._milestone_write(milestone, write, self.tr("Deleted “{0}”.").format(milestone.title))

    def _milestone_write(
        self, milestone: MilestoneRow, write: _MilestoneWrite, done_text: str, *, keep_mine_at: int | None = None
    ) -> bool:
        """One audited write of the milestone as loaded; a conflict offers Reload or Keep mine (the same write
        again over the version saved meanwhile)."""
        try:
            with self._db.write() as session:
                write(session, keep_mine_at or milestone.version, keep_mine_at is not None)
        except EditConflict as exc:
            current = exc.current_version
            self._open_milestone_conflict(
                exc, milestone, lambda: self._milestone_write(milestone, write, done_text, keep_mine_at=current)
            )
            return False
        except (ValidationError, RecordInUse, RecordNotFound) as exc:
            errors = getattr(exc, "errors", None)
            self.show_message("; ".join(self.tr(m) for m in errors.values()) if errors else str(exc))
            self.load_milestones()
            return False
        self.load_milestones()
        self.show_message(done_text, error=False)
        return True

    def _open_milestone_conflict(
        self, conflict: EditConflict, milestone: MilestoneRow, keep_mine: Callable[[], bool]
    ) -> None:
        assert self._snapshot is not None
        with self._db.read() as session:
            saved = next((m for m in milestones_of(session, self._snapshot.row_id) if m.id == milestone.id), None)
        differences: list[tuple[str, str, str]] = []
        if saved is not None:
            for label, ours, theirs in (
                (self.tr("Milestone"), milestone.title, saved.title),
                (self.tr("Due"), _day(milestone.due_date), _day(saved.due_date)),
                (self.tr("Done on"), _day(milestone.done_date), _day(saved.done_date)),
                (self.tr("Owner"), milestone.owner, saved.owner),
            ):
                if ours != theirs:
                    differences.append((label, ours, theirs))
        self._keep_mine = keep_mine
        self.milestone_conflict = ConflictDialog(conflict, differences, self)
        self.milestone_conflict.finished.connect(self._on_milestone_conflict_finished)
        self.milestone_conflict.open()

    def _on_milestone_conflict_finished(self, result: int) -> None:
        keep_mine, self._keep_mine = self._keep_mine, None
        if result == ConflictChoice.RELOAD:
            self.load_milestones()
            self.show_message(self.tr("Reloaded the saved milestones; your change was discarded."), error=False)
        elif result == ConflictChoice.KEEP_MINE and keep_mine is not None:
            keep_mine()

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

    def _on_undo_done_button_clicked(self) -> None:
        milestone = self._selected_milestone()
        if milestone is not None and milestone.done:
            self.undo_done(milestone)

    def _on_delete_milestone_button_clicked(self) -> None:
        milestone = self._selected_milestone()
        if milestone is not None and not milestone.done:
            self._ask(
                self.tr("Delete the milestone “{0}”?").format(milestone.title),
                self.tr("It is not done yet; deleting it removes it from the commitment's progress."),
                self.tr("Delete"),
                self.tr("Keep it"),
                lambda: self._delete_milestone_confirmed(milestone),
            )

    def _delete_milestone_confirmed(self, milestone: MilestoneRow) -> None:
        self.remove_milestone(milestone)

    def _on_milestones_current_cell_changed(self, *_cells: int) -> None:
        self._update_milestone_buttons()

    def _on_milestone_editor_record_saved(self, _table: str, _row_id: int) -> None:
        self.load_milestones()


def _day(value: date | None) -> str:
    return value.strftime(_DATE) if value is not None else ""


def with_defaults(spec: EditorSpec, defaults: dict[str, Any]) -> EditorSpec:
    """The register's spec, starting a new record from `defaults` (a copy of a library example)."""
    return dataclasses.replace(spec, new_defaults=dict(defaults))
