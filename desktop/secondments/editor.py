"""The secondment editor: the register's form, plus Extend…, the history of extensions and the checklist."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.secondments import SecondmentStatus
from core.services.links import SECONDMENT_FORUMS
from core.services.records import EditConflict, RecordNotFound
from core.services.secondments import extend_secondment, extension_history
from core.services.validation import ValidationError
from desktop.editing.fields import DateField, TextAreaField, with_message_line
from desktop.editing.links import LinkedSetsEditorDialog
from desktop.editing.tables import fill_rows, read_only_table
from desktop.secondments.checklist import ChecklistPanel

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

_ERROR_STYLE = "color: #b00020;"
_DATE = "%d %b %Y"


class ExtendDialog(QDialog):
    """Extend a running secondment: the new end date and the reason, checked by core; messages by the fields."""

    def __init__(
        self, db: Database, secondment_id: int, version: int, current_end: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._secondment_id = secondment_id
        self._version = version
        self.setWindowTitle(self.tr("Extend the secondment"))
        intro = QLabel(
            self.tr("It ends on {0}. The extension is kept in its history with the reason.").format(
                current_end.strftime(_DATE)
            )
        )
        intro.setWordWrap(True)
        self.new_end = DateField(optional=False)
        self.new_end.set_field_value(current_end)
        self.new_end.set_accessible_name(self.tr("New end date"))
        self.reason = TextAreaField()
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setPlaceholderText(self.tr("Why it is extended (for example: to finish the treaty negotiation)"))
        self.messages: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label, widget in (
            ("new_end_date", self.tr("New end date"), self.new_end),
            ("reason", self.tr("Reason"), self.reason),
        ):
            holder, message = with_message_line(key, widget)
            message.setStyleSheet(_ERROR_STYLE)
            self.messages[key] = message
            caption = QLabel(label)
            caption.setBuddy(widget.focus_widgets()[0])
            form.addRow(caption, holder)
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.setStyleSheet(_ERROR_STYLE)
        self.general.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Extend"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.resize(460, 260)

    def message_for(self, key: str) -> str:
        return self.messages[key].text()

    def _show(self, errors: dict[str, str]) -> None:
        for key, label in self.messages.items():
            label.setText(self.tr(errors.get(key, "")))
            label.setVisible(key in errors)
        other = [self.tr(m) for k, m in errors.items() if k not in self.messages]
        self.general.setText("\n".join(other))
        self.general.setVisible(bool(other))

    def extend(self) -> bool:
        """Ask core to extend; on success the dialog closes, otherwise it shows why and keeps the input."""
        new_end, reason = self.new_end.field_value(), self.reason.field_value()
        try:
            with self._db.write() as session:
                extend_secondment(
                    session,
                    self._secondment_id,
                    self._version,
                    new_end_date=new_end,
                    reason=reason,
                    granted_on=date.today(),
                )
        except ValidationError as exc:
            self._show(exc.errors)
            return False
        except (EditConflict, RecordNotFound) as exc:
            self._show({"": str(exc) + " " + self.tr("Close the editor and open the secondment again.")})
            return False
        self.accept()
        return True

    def _on_buttons_accepted(self) -> None:
        self.extend()


class SecondmentEditorDialog(LinkedSetsEditorDialog):
    """The secondment's form, the forums assigned, an Extend… button, and an Extensions tab: the end date as first
    agreed, each extension and its reason."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        super().__init__(db, spec, row_id=row_id, parent=parent)
        self.extend_dialog: ExtendDialog | None = None
        self.extend_button = QPushButton(self.tr("Extend…"))
        self.extend_button.setToolTip(self.tr("Move the end date later, with the reason, kept in the history"))
        self.extend_button.clicked.connect(self._on_extend_button_clicked)
        buttons = self._button_row()
        if buttons is not None:
            buttons.insertWidget(2, self.extend_button)
        self.extensions_summary = QLabel()
        self.extensions_summary.setWordWrap(True)
        self.extensions = read_only_table(
            [self.tr("Granted on"), self.tr("Ended on"), self.tr("Extended to"), self.tr("Reason")],
            self.tr("Extensions"),
        )
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(self.extensions_summary)
        box.addWidget(self.extensions, 1)
        self._extensions_tab = self.tabs.addTab(tab, self.tr("Extensions"))
        self.add_link_tab(SECONDMENT_FORUMS, self.tr("Forums assigned"), 1)
        self._extensions_tab = self.tabs.indexOf(tab)
        self._load_extensions()
        # A new secondment gets the office's items when first saved, so the tab exists only for a saved one.
        self.checklist: ChecklistPanel | None = None
        if self._snapshot is not None:
            self.checklist = ChecklistPanel(db, self._snapshot.row_id)
            self.checklist.sig_checklist_changed.connect(self._update_checklist_title)
            self.tabs.addTab(self.checklist, self.tr("Checklist"))
            self._update_checklist_title()

    def _update_checklist_title(self) -> None:
        panel = self.checklist
        if panel is not None:
            self.tabs.setTabText(
                self.tabs.indexOf(panel), self.tr("Checklist ({0}/{1})").format(panel.done_count, len(panel.rows))
            )

    def _button_row(self) -> QHBoxLayout | None:
        layout = self.layout()
        for index in range(layout.count() - 1, -1, -1):
            item = layout.itemAt(index).layout()
            if isinstance(item, QHBoxLayout) and item.indexOf(self.save_button) >= 0:
                return item
        return None

    def _load_extensions(self) -> None:
        snapshot = self._snapshot
        running = snapshot is not None and self._base.get("status") in (
            SecondmentStatus.ACTIVE,
            SecondmentStatus.EXTENDED,
        )
        self.extend_button.setVisible(snapshot is not None and not self._db.readonly)
        self.extend_button.setEnabled(running)
        if snapshot is None:
            self.tabs.setTabEnabled(self._extensions_tab, False)
            return
        with self._db.read() as session:
            rows = extension_history(session, snapshot.row_id)
        fill_rows(
            self.extensions,
            [
                (
                    e.granted_on.strftime(_DATE),
                    e.previous_end_date.strftime(_DATE),
                    e.new_end_date.strftime(_DATE),
                    e.reason,
                )
                for e in rows
            ],
        )
        first, current = self._base.get("original_end_date"), self._base.get("planned_end_date")
        if isinstance(first, date) and isinstance(current, date):
            self.extensions_summary.setText(
                self.tr("First agreed to end on {0}; now ends on {1}; extended {2} time(s).").format(
                    first.strftime(_DATE), current.strftime(_DATE), len(rows)
                )
            )
        self.tabs.setTabText(self._extensions_tab, self.tr("Extensions ({0})").format(len(rows)))

    def _show_record(self) -> None:
        super()._show_record()
        if hasattr(self, "extensions"):
            self._load_extensions()

    def open_extend_dialog(self) -> ExtendDialog | None:
        """Extend… : refused while the form holds unsaved changes (the extension saves the record)."""
        snapshot = self._snapshot
        if snapshot is None:
            return None
        if self.is_dirty():
            self.show_message(self.tr("Save or discard your changes before extending."))
            return None
        current = self._base.get("planned_end_date")
        assert isinstance(current, date)
        dialog = ExtendDialog(self._db, snapshot.row_id, snapshot.version, current, self)
        dialog.accepted.connect(self._on_extend_dialog_accepted)
        self.extend_dialog = dialog
        dialog.open()
        return dialog

    def _on_extend_button_clicked(self) -> None:
        self.open_extend_dialog()

    def _on_extend_dialog_accepted(self) -> None:
        assert self._snapshot is not None
        self._reload()
        if self.checklist is not None:  # off-boarding items now fall due by the new end date
            self.checklist.load()
        self.show_message(self.tr("Extended; the new end date and the reason are in the Extensions tab."), error=False)
        self.sig_record_saved.emit("secondment", self._snapshot.row_id)
