"""The forum event editor: the register's form plus the delegation (who goes, their role, who leads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.reports.records import choices
from core.services.delegations import DelegateRow, add_delegate, delegation_of, remove_delegate
from core.services.records import EditConflict, RecordNotFound
from core.services.validation import ValidationError
from desktop.editing.dialog import RecordEditorDialog
from desktop.editing.tables import read_only_table

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

_ERROR_STYLE = "color: #b00020;"


class EventEditorDialog(RecordEditorDialog):
    """The forum event's form and a Delegation tab; delegation changes are saved at once, each on its own, so
    they never mix with unsaved edits of the form."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        super().__init__(db, spec, row_id=row_id, parent=parent)
        self.delegates: tuple[DelegateRow, ...] = ()
        self.delegation = read_only_table(
            [self.tr("Person"), self.tr("Organisation"), self.tr("Role"), self.tr("Head")], self.tr("Delegation"), 0
        )
        self.person = QComboBox()
        self.person.setAccessibleName(self.tr("Person to add"))
        self.person.setEditable(True)  # type to find a name among hundreds
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.role = QLineEdit()
        self.role.setAccessibleName(self.tr("Role in the delegation"))
        self.role.setPlaceholderText(self.tr("Role (for example: legal adviser)"))
        self.head = QCheckBox(self.tr("Head of delegation"))
        self.add_button = QPushButton(self.tr("Add to delegation"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.delegation_message = QLabel()
        self.delegation_message.setWordWrap(True)
        self.delegation_message.hide()
        adding = QHBoxLayout()
        for widget in (self.person, self.role, self.head, self.add_button, self.remove_button):
            adding.addWidget(widget, 1 if widget in (self.person, self.role) else 0)
            widget.setVisible(not db.readonly)
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(self.delegation, 1)
        box.addLayout(adding)
        box.addWidget(self.delegation_message)
        # Linked outcomes stays the last tab, as on every editor that has one.
        outcomes = self.tabs.indexOf(self.linked_outcomes) if self.linked_outcomes is not None else -1
        self._delegation_tab = self.tabs.insertTab(
            outcomes if outcomes >= 0 else self.tabs.count(), tab, self.tr("Delegation")
        )
        self.load_delegation()

    def load_delegation(self) -> None:
        snapshot = self._snapshot
        self.tabs.setTabEnabled(self._delegation_tab, snapshot is not None)
        if snapshot is None:
            return
        with self._db.read() as session:
            self.delegates = delegation_of(session, snapshot.row_id)
            people = choices(session, "person")
        chosen = self.person.currentData()
        self.person.clear()
        self.person.addItem("", None)
        for choice in people:
            self.person.addItem(choice.label, choice.id)
        if chosen is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(chosen)))
        self.delegation.setRowCount(len(self.delegates))
        for row, member in enumerate(self.delegates):
            cells = (member.person, member.organisation, member.role, self.tr("Head") if member.is_head else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, member.id)
                self.delegation.setItem(row, column, item)
        self.tabs.setTabText(self._delegation_tab, self.tr("Delegation ({0})").format(len(self.delegates)))

    def choose_person(self, person_id: int) -> None:
        self.person.setCurrentIndex(self.person.findData(person_id))

    def _say(self, text: str, *, error: bool = True) -> None:
        self.delegation_message.setStyleSheet(_ERROR_STYLE if error else "")
        self.delegation_message.setText(text)
        self.delegation_message.setVisible(bool(text))

    def add_to_delegation(self) -> bool:
        snapshot = self._snapshot
        if snapshot is None:
            return False
        person_id = self.person.currentData()
        try:
            with self._db.write() as session:
                add_delegate(
                    session,
                    snapshot.row_id,
                    int(person_id) if person_id is not None else None,
                    role=self.role.text(),
                    is_head=self.head.isChecked(),
                )
        except (ValidationError, EditConflict, RecordNotFound) as exc:
            errors = getattr(exc, "errors", None)
            self._say("; ".join(errors.values()) if errors else str(exc))
            self.person.setFocus()
            return False
        name = self.person.currentText()
        self.role.clear()
        self.head.setChecked(False)
        self.person.setCurrentIndex(0)
        self.load_delegation()
        self._say(self.tr("Added {0} to the delegation.").format(name), error=False)
        return True

    def remove_selected(self) -> bool:
        row = self.delegation.currentRow()
        if not 0 <= row < len(self.delegates):
            self._say(self.tr("Choose the person to remove in the list."))
            return False
        member = self.delegates[row]
        try:
            with self._db.write() as session:
                remove_delegate(session, member.id, member.version)
        except (EditConflict, RecordNotFound) as exc:
            self._say(str(exc))
            self.load_delegation()
            return False
        self.load_delegation()
        self._say(self.tr("Removed {0} from the delegation.").format(member.person), error=False)
        return True

    def _on_add_button_clicked(self) -> None:
        self.add_to_delegation()

    def _on_remove_button_clicked(self) -> None:
        self.remove_selected()
