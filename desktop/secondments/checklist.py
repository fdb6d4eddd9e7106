"""A secondment's on/off-boarding checklist, a tab of its editor: tick items done on a date, add one, copy the
office's items."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.audit import current_actor
from core.domain.secondments import ChecklistPhase
from core.services.checklists import ChecklistRow, add_checklist_item, checklist, copy_checklist, set_item_done
from core.services.records import EditConflict, RecordNotFound
from core.services.validation import ValidationError
from desktop.editing.fields import DateField
from desktop.editing.tables import read_only_table

if TYPE_CHECKING:
    from core.db.engine import Database

_DATE = "%d %b %Y"
_ERROR_STYLE = "color: #b00020;"


class ChecklistPanel(QWidget):
    """The items of one secondment, on-boarding first; each change is saved at once in its own transaction
    (like Extend…), so it never mixes with unsaved edits of the form."""

    sig_checklist_changed = Signal()
    """An item was ticked, unticked or added."""

    def __init__(self, db: Database, secondment_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._secondment_id = secondment_id
        self.rows: tuple[ChecklistRow, ...] = ()
        self.table = read_only_table(
            [self.tr("Stage"), self.tr("Item"), self.tr("Due"), self.tr("Done on"), self.tr("Done by")],
            self.tr("Checklist"),
            1,
        )
        self.done_on = DateField(optional=False)
        self.done_on.set_accessible_name(self.tr("Date done"))
        self.done_on.set_field_value(date.today())
        self.done_on.setToolTip(self.tr("The date the selected item was done: today unless you say otherwise"))
        self.done_on_error = QLabel()  # a refused date, next to the date it is about
        self.done_on_error.setStyleSheet(_ERROR_STYLE)
        self.done_on_error.setAccessibleName(self.tr("Date done problem"))
        self.done_on_error.hide()
        self.done_on.sig_value_changed.connect(self.done_on_error.hide)
        self.done_button = QPushButton(self.tr("Mark done on"))
        self.undo_button = QPushButton(self.tr("Mark not done"))
        self.copy_button = QPushButton(self.tr("Add the office's items"))
        self.copy_button.setToolTip(self.tr("Copy any of the office's checklist items this secondment lacks"))
        self.done_button.clicked.connect(self._on_done_button_clicked)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.new_phase = QComboBox()
        self.new_phase.setAccessibleName(self.tr("Stage of the new item"))
        for phase in ChecklistPhase:
            self.new_phase.addItem(self.tr(phase.label), phase.value)
        self.new_title = QLineEdit()
        self.new_title.setAccessibleName(self.tr("New item"))
        self.new_title.setPlaceholderText(self.tr("Another item for this secondment"))
        self.new_due = DateField(optional=True)
        self.new_due.set_accessible_name(self.tr("Due date of the new item"))
        self.new_due.set_field_value(None)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        for button in (self.done_button, self.done_on, self.done_on_error, self.undo_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        adding = QHBoxLayout()
        for widget in (self.new_phase, self.new_title, self.new_due, self.add_button):
            adding.addWidget(widget, 1 if widget is self.new_title else 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(adding)
        layout.addWidget(self.message)
        for widget in (self.done_button, self.undo_button, self.copy_button, self.add_button):
            widget.setVisible(not db.readonly)
        for widget in (self.new_phase, self.new_title, self.new_due, self.done_on):
            widget.setVisible(not db.readonly)
        self.load()

    @property
    def done_count(self) -> int:
        return sum(1 for row in self.rows if row.done)

    def load(self) -> None:
        with self._db.read() as session:
            self.rows = checklist(session, self._secondment_id)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            cells = (
                self.tr(row.phase.label),
                row.title,
                row.due_date.strftime(_DATE) if row.due_date else "",
                row.done_on.strftime(_DATE) if row.done_on else "",
                row.done_by,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.table.setItem(index, column, item)

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet(_ERROR_STYLE if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _selected(self) -> ChecklistRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _changed(self, message: str) -> None:
        self.load()
        self.show_message(message, error=False)
        self.sig_checklist_changed.emit()

    def _refused(self, exc: ValidationError | EditConflict | RecordNotFound) -> None:
        errors = dict(getattr(exc, "errors", None) or {})
        date_problem = errors.pop("done_on", None)
        if date_problem is not None:
            self.done_on_error.setText(date_problem)
            self.done_on_error.show()
            self.done_on.setFocus()
        if errors or date_problem is None:
            self.show_message("; ".join(errors.values()) if errors else str(exc))
        else:
            self.show_message("")

    def mark(self, row: ChecklistRow, done: bool, when: date) -> bool:
        """Tick (done on `when`, by the person at the keyboard) or untick one item."""
        try:
            with self._db.write() as session:
                set_item_done(session, row.id, row.version, done=done, on=when, by=current_actor())
        except (ValidationError, EditConflict, RecordNotFound) as exc:
            self._refused(exc)
            self.load()
            return False
        self.done_on_error.hide()
        text = self.tr("Marked “{0}” done.") if done else self.tr("Marked “{0}” not done.")
        self._changed(text.format(row.title))
        return True

    def copy_office_items(self) -> int:
        with self._db.write() as session:
            added = copy_checklist(session, self._secondment_id)
        self._changed(self.tr("Added {0} item(s) from the office's checklist.").format(added))
        return added

    def add_item(self) -> bool:
        phase = ChecklistPhase(self.new_phase.currentData())
        try:
            with self._db.write() as session:
                add_checklist_item(
                    session,
                    self._secondment_id,
                    phase=phase,
                    title=self.new_title.text(),
                    due_date=self.new_due.field_value(),
                )
        except ValidationError as exc:
            self._refused(exc)
            self.new_title.setFocus()
            return False
        title = self.new_title.text().strip()
        self.new_title.clear()
        self._changed(self.tr("Added “{0}”.").format(title))
        return True

    def _on_done_button_clicked(self) -> None:
        row = self._selected()
        when = self.done_on.field_value()
        if row is not None and not row.done and when is not None:
            self.mark(row, True, when)

    def _on_undo_button_clicked(self) -> None:
        row = self._selected()
        if row is not None and row.done:
            self.mark(row, False, date.today())

    def _on_copy_button_clicked(self) -> None:
        self.copy_office_items()

    def _on_add_button_clicked(self) -> None:
        self.add_item()
