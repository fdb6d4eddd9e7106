"""Creating, choosing or restoring an office: the first-run choice, the New office form and the backup list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import APP_NAME

if TYPE_CHECKING:
    from core.db.recovery import CheckedBackup

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


def add_field_rows(form: QFormLayout, rows: Iterable[tuple[str, str, QWidget]]) -> dict[str, QLabel]:
    """A form row per (key, translated label, widget) with a hidden message line under the widget; the labels by key."""
    messages: dict[str, QLabel] = {}
    for key, label, widget in rows:
        widget.setAccessibleName(label)
        message = QLabel(styleSheet="color: #b00020;")
        message.setObjectName(f"{key}Message")
        message.setVisible(False)
        messages[key] = message
        column = QVBoxLayout()
        column.addWidget(widget)
        column.addWidget(message)
        form.addRow(label, column)
    return messages


class NewOfficeDialog(QDialog):
    """Name, currency and fiscal-year start of a new office; validated by the same core rule as `init`."""

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.services.office import DEFAULT_CURRENCY, DEFAULT_FY_START_MONTH, DEFAULT_OFFICE_NAME

        self.setWindowTitle(self.tr("New office"))
        self.name = QLineEdit(DEFAULT_OFFICE_NAME)
        self.currency = QLineEdit(DEFAULT_CURRENCY)
        self.currency.setMaxLength(3)
        self.fy_start = QComboBox()
        self.fy_start.addItems([self.tr(m) for m in MONTHS])
        self.fy_start.setCurrentIndex(DEFAULT_FY_START_MONTH - 1)
        self.path = QLineEdit(str(default_path))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        self.messages = add_field_rows(
            form,
            (
                ("name", self.tr("Office name"), self.name),
                ("currency", self.tr("Currency (ISO code)"), self.currency),
                ("fy_start_month", self.tr("Fiscal year starts in"), self.fy_start),
            ),
        )
        form.addRow(self.tr("Database file"), path_row)
        note = QLabel(self.tr("Currency and fiscal-year start can change only until the first budget line exists."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, int]:
        return self.name.text(), self.currency.text(), self.fy_start.currentIndex() + 1

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.messages.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        widgets = {"name": self.name, "currency": self.currency, "fy_start_month": self.fy_start}
        first = next((k for k in widgets if k in errors), None)
        if first:
            widgets[first].setFocus()

    def _on_browse_clicked(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("New office database"), self.path.text(), self.tr("Offices (*.cyberdesk)")
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(".cyberdesk") else chosen + ".cyberdesk")

    def _on_buttons_accepted(self) -> None:
        from core.services.office import validate_new_office
        from core.services.validation import ValidationError

        try:
            validate_new_office(*self.values())
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        if Path(self.path.text()).expanduser().exists():
            self.show_errors({"name": self.tr("A file already exists at that path; choose another.")})
            return
        self.accept()


class FirstRunDialog(QDialog):
    """Shown when no database is given and none exists yet."""

    sig_choice_made = Signal(str)
    """"demo", "new" or "open"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to {0}").format(APP_NAME))
        self.choice = ""
        intro = QLabel(
            self.tr(
                "Keep the engagement group's meetings and actions, the budget across forums, secondments and "
                "commitments in one place.\n\nHow would you like to start?"
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for key, text in (
            ("demo", "Explore the demo office (fictional data)"),
            ("new", "Create a new office"),
            ("open", "Open an existing office file…"),
        ):
            button = QPushButton(self.tr(text))
            button.setAccessibleName(self.tr(text))
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            layout.addWidget(button)

    def _choose(self, key: str) -> None:
        self.choice = key
        self.sig_choice_made.emit(key)
        self.accept()


def _size_text(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB" if size >= 1_048_576 else f"{max(size, 1) / 1024:,.0f} KB"


class RestoreBackupDialog(QDialog):
    """File > Restore from backup…: the office's backups, newest first, with date, size and whether each passed
    its check. Only a verified backup can be chosen; why another failed is in its tooltip."""

    COLUMNS = ("Taken", "Why", "Size", "Verified")

    def __init__(self, office: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore from backup"))
        self.backups: list[CheckedBackup] = []
        self.intro = QLabel(self.tr("Checking the backups of {0}…").format(office.name))
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(self.tr("Backups"))
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(self.tr("Restore…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        # A backup written elsewhere (`cyberdesk backup -o FILE`, a copy on a USB stick) is added to the list.
        self.other_button = self.buttons.addButton(self.tr("Other file…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.other_button.clicked.connect(self._on_other_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 360)

    def set_backups(self, found: Sequence[CheckedBackup]) -> None:
        self.backups = list(found)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            verified = self.tr("yes") if backup.verified else self.tr("no")
            for column, text in enumerate((backup.label, backup.reason, _size_text(backup.size), verified)):
                item = QTableWidgetItem(text)
                item.setToolTip(backup.problem or str(backup.path))
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        good = sum(b.verified for b in self.backups)
        self.intro.setText(
            self.tr(
                "{0} backups, {1} verified. The current office is backed up (or, if unreadable, kept aside) "
                "before it is replaced."
            ).format(len(self.backups), good)
            if self.backups
            else self.tr("There are no backups of this office yet.")
        )
        first_good = next((row for row, b in enumerate(self.backups) if b.verified), None)
        if first_good is not None:
            self.table.selectRow(first_good)
        self._on_selection_changed()  # the rows changed under a selection that may not have

    def chosen(self) -> CheckedBackup | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        backup = self.backups[rows.pop()]
        return backup if backup.verified else None

    def _on_selection_changed(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def _on_other_button_clicked(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Restore from a backup file"), "", self.tr("Offices and backups (*.cyberdesk);;All files (*)")
        )
        if chosen:
            self.add_backup_file(Path(chosen))

    def add_backup_file(self, path: Path) -> None:
        """Check `path` as a backup (a page check: small files only are expected here) and list it first."""
        from core.db.recovery import check_backup_file

        self.set_backups([check_backup_file(path), *self.backups])
        self.table.selectRow(0)
        self._on_selection_changed()
