"""The record editor: a form validated as the user types, safe saving with conflict resolution, archive, history."""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.db.errors import DatabaseError
from core.reports.meetings import LINKABLE, links_to
from core.reports.records import RecordSnapshot, choices, field_label, load_record, record_history
from core.services.office import load_settings
from core.services.records import (
    EditConflict,
    RecordInUse,
    RecordNotFound,
    archive_record,
    create_record,
    delete_record,
    update_record,
)
from core.services.validation import ValidationError, validate_values
from desktop.editing.fields import FieldEditor, FieldSpec, as_editor, make_field, with_message_line

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

VALIDATE_DELAY_MS = 150
_MARKING = "marking_id"
_ERROR_STYLE = "color: #b00020;"
_MESSAGE_STYLES = {
    "error": "background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 6px;",
    "info": "background: #e8f0fe; color: #174ea6; border: 1px solid #c6dafc; padding: 6px;",
}


class ConflictChoice(enum.IntEnum):
    """How the user resolves an edit conflict (the ConflictDialog's result code)."""

    CANCEL = 0
    RELOAD = 2
    KEEP_MINE = 3


def _local_time(at: datetime | None) -> str:
    return at.astimezone().strftime("%d %b %Y %H:%M") if at is not None else ""


class ConflictDialog(QDialog):
    """Someone saved the record while the user was editing: Reload (discard the edit) or Keep mine (overwrite)."""

    def __init__(
        self, conflict: EditConflict, differences: list[tuple[str, str, str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Changed by someone else"))
        when = _local_time(conflict.changed_at) or self.tr("an unknown time")
        self.message = QLabel(
            self.tr("This record was changed by {0} at {1} while you were editing it.").format(
                conflict.changed_by, when
            )
        )
        self.message.setWordWrap(True)
        self.differences = QTableWidget(len(differences), 4)
        self.differences.setAccessibleName(self.tr("Fields that differ"))
        # What Keep mine leaves is said per field: it saves only the fields the user changed, so a field only the
        # other person changed keeps their value, whatever the user's form still shows.
        self.differences.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("In your form"), self.tr("Saved now"), self.tr("After Keep mine")]
        )
        self.differences.verticalHeader().setVisible(False)
        self.differences.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.differences.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, cells in enumerate(differences):
            for column, text in enumerate(cells):
                self.differences.setItem(row, column, QTableWidgetItem(text))
        explain = QLabel(
            self.tr(
                "Reload shows the saved record and discards your changes. "
                "Keep mine saves the fields you changed over it; the overwrite is recorded in the audit trail."
            )
        )
        explain.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.keep_mine_button = QPushButton(self.tr("Keep mine"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.keep_mine_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.clicked.connect(self._on_reload_button_clicked)
        self.keep_mine_button.clicked.connect(self._on_keep_mine_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.differences, 1)
        layout.addWidget(explain)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def _on_reload_button_clicked(self) -> None:
        self.done(ConflictChoice.RELOAD)

    def _on_keep_mine_button_clicked(self) -> None:
        self.done(ConflictChoice.KEEP_MINE)


class RecordEditorDialog(QDialog):
    """Edits one record of a register (or creates one). Save writes only the fields the user changed."""

    sig_record_saved = Signal(str, int)
    """A record was created, saved, archived, restored or deleted: (table name, row id)."""

    sig_fields_validated = Signal()
    """The as-you-type check ran and the field messages are up to date."""

    def __init__(
        self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._spec = spec
        table = spec.model.__table__
        assert isinstance(table, sa.Table)
        self._table: sa.Table = table
        self._fields: list[FieldSpec] = list(spec.fields)
        if _MARKING in self._table.columns:
            self._fields.insert(0, FieldSpec(_MARKING, "Marking", "fk", choices_from="marking"))
        self._labels = {f.key: f.shown_label for f in self._fields}
        self._editors: dict[str, FieldEditor] = {}
        self._messages: dict[str, QLabel] = {}
        self._initial: dict[str, Any] = {}
        self._touched: set[str] = set()
        self._pending_changes: dict[str, Any] = {}
        self._discard_confirmed = False
        self.conflict_dialog: ConflictDialog | None = None
        self._conflict: EditConflict | None = None
        self._fresh: RecordSnapshot | None = None
        self.prompt: QMessageBox | None = None
        self.prompt_yes_button: QAbstractButton | None = None
        self._prompt_action: Callable[[], None] | None = None

        with db.read() as session:
            self._snapshot = load_record(session, spec.model, row_id) if row_id is not None else None
            self._base: dict[str, Any] = dict(self._snapshot.values) if self._snapshot else self._new_values(session)
            options = {
                f.key: [(c.id, self._choice_label(c.label, c.archived)) for c in self._choices(session, f)]
                for f in self._fields
                if f.kind == "fk"
            }
            default_marking = load_settings(session).default_marking

        self.marking_label = QLabel()
        self.marking_label.setObjectName("markingLine")
        self.marking_label.setStyleSheet("#markingLine { font-weight: bold; }")
        self._office_default = self.tr("Office default ({0})").format(default_marking or self.tr("none set"))
        self.message_area = QLabel()
        self.message_area.setObjectName("editorMessages")
        self.message_area.setWordWrap(True)
        self.message_area.setAccessibleName(self.tr("Messages"))
        self.message_area.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_area.hide()

        form_host = QWidget()
        self._form = QFormLayout(form_host)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        top = QHBoxLayout()
        top.addWidget(self.marking_label)
        top.addStretch(1)
        for spec_field in self._fields:
            widget = make_field(
                spec_field,
                options=options.get(spec_field.key, ()),
                nullable=self._nullable(spec_field.key),
                blank_label=self._office_default if spec_field.key == _MARKING else "",
            )
            editor = as_editor(widget)
            self._editors[spec_field.key] = editor
            editor.sig_value_changed.connect(self._make_change_slot(spec_field.key))
            holder = self._with_message(spec_field.key, widget)
            if spec_field.key == _MARKING:
                top.addWidget(QLabel(self.tr("Change marking:")))
                top.addWidget(holder)
                continue
            label = QLabel(spec_field.shown_label + (" *" if spec_field.required else ""))
            label.setBuddy(editor.focus_widgets()[0])
            self._form.addRow(label, holder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        self.history = QTreeWidget()
        self.history.setAccessibleName(self.tr("History"))
        self.history.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Old"), self.tr("New")])
        self.history.setRootIsDecorated(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, self.tr("Details"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.linked_outcomes = self._linked_outcomes()

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.archive_button = QPushButton()
        self.delete_button = QPushButton(self.tr("Delete"))
        self.close_button = QPushButton(self.tr("Cancel"))
        buttons = QHBoxLayout()
        for button in (self.archive_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.save_button, self.close_button):
            buttons.addWidget(button)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.archive_button.clicked.connect(self._on_archive_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(self._on_save_shortcut_activated)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_area)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(VALIDATE_DELAY_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)

        chain = self._focus_chain()
        self._set_tab_order([*chain, self.save_button, self.close_button, self.archive_button, self.delete_button])
        self._show_record()
        # The marking line comes first in the tab order, but the user usually starts on the first real field.
        first_field = next(f for f in self._fields if f.key != _MARKING)
        self._editors[first_field.key].focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)
        if db.readonly:
            self._make_read_only()
        self.resize(680, 720)

    # --- loading ------------------------------------------------------------------------------------------

    def _new_values(self, session: Session) -> dict[str, Any]:
        """A new record starts from the columns' own defaults, then the register's (today's date, the group)."""
        values = {
            column.key: column.default.arg
            for column in self._table.columns
            if isinstance(column.default, sa.ColumnDefault) and column.default.is_scalar
        }
        values.update(self._spec.defaults(session))
        return values

    def _choices(self, session: Session, spec_field: FieldSpec) -> tuple[Any, ...]:
        assert spec_field.choices_from is not None
        current = self._base.get(spec_field.key)
        return choices(
            session,
            spec_field.choices_from,
            include_ids=[current] if isinstance(current, int) else [],
            kind=spec_field.choices_kind,
        )

    def _choice_label(self, label: str, archived: bool) -> str:
        return self.tr("{0} (archived)").format(label) if archived else label

    def _nullable(self, key: str) -> bool:
        column = self._table.columns.get(key)
        return bool(column is not None and column.nullable)

    def _with_message(self, key: str, widget: QWidget) -> QWidget:
        """The field with its message line under it (red, announced as the field's accessible description)."""
        holder, message = with_message_line(key, widget)
        message.setStyleSheet(_ERROR_STYLE)
        self._messages[key] = message
        return holder

    def _make_change_slot(self, key: str) -> Callable[[], None]:
        def _on_field_value_changed() -> None:
            self._touched.add(key)
            if key == _MARKING:
                self._update_marking_line()
            self._debounce.start()

        return _on_field_value_changed

    def _focus_chain(self) -> list[QWidget]:
        return [w for f in self._fields for w in self._editors[f.key].focus_widgets()]

    def _set_tab_order(self, chain: list[QWidget]) -> None:
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _show_record(self) -> None:
        """Put the base values into the form and forget any edit (a fresh load, or Reload after a conflict)."""
        for key, editor in self._editors.items():
            editor.set_field_value(self._base.get(key))
        self._initial = {key: editor.field_value() for key, editor in self._editors.items()}
        self._debounce.stop()
        self._touched.clear()
        self._show_errors({})
        self._update_marking_line()
        self._update_title()
        self._update_buttons()
        self._load_history()

    def _reload(self) -> None:
        assert self._snapshot is not None
        with self._db.read() as session:
            self._snapshot = load_record(session, self._spec.model, self._snapshot.row_id)
        self._base = dict(self._snapshot.values)
        self._show_record()

    def _update_title(self) -> None:
        title = self.tr(self._spec.title)
        if self._snapshot is None:
            self.setWindowTitle(self.tr("New {0}").format(title.lower()))
            return
        named = self._base.get(self._spec.title_key) if self._spec.title_key else None
        self.setWindowTitle(f"{title}: {named}" if named not in (None, "") else f"{title} #{self._snapshot.row_id}")

    def _update_marking_line(self) -> None:
        editor = self._editors.get(_MARKING)
        chosen = editor.field_text(editor.field_value()) if editor is not None else ""
        self.marking_label.setText(self.tr("Marking: {0}").format(chosen or self._office_default))

    def _update_buttons(self) -> None:
        archivable = self._snapshot is not None and "archived" in self._table.columns
        self.archive_button.setVisible(archivable and not self._db.readonly)
        archived = bool(self._base.get("archived"))
        self.archive_button.setText(self.tr("Restore") if archived else self.tr("Archive"))
        self.delete_button.setVisible(self._snapshot is not None and not self._db.readonly)

    def _load_history(self) -> None:
        self.history.clear()
        if self._snapshot is None:
            self.tabs.setTabEnabled(1, False)
            return
        with self._db.read() as session:
            entries = record_history(session, self._snapshot.table, self._snapshot.row_id, field_labels=self._labels)
        for entry in entries:
            item = QTreeWidgetItem([_local_time(entry.at), entry.actor, self.tr(entry.kind), "", ""])
            self.history.addTopLevelItem(item)
            if entry.note:
                # A batch note is a sentence, too long for one column: it spans the row under its entry
                # (spanning takes effect only once the item is in the view).
                QTreeWidgetItem(item, [self.tr(entry.note)]).setFirstColumnSpanned(True)
            for field, old, new in entry.lines:
                QTreeWidgetItem(item, ["", "", field, old, new])
        self.history.expandAll()
        # Sized by the timestamps, not by the spanned batch notes that also sit in the first column.
        self.history.setColumnWidth(0, self.history.fontMetrics().horizontalAdvance("00 Mmm 0000 00:00") + 48)
        for column in (1, 2):
            self.history.resizeColumnToContents(column)

    def _linked_outcomes(self) -> QTreeWidget | None:
        """The decisions and actions that concern this forum, commitment, event or budget line: the links back."""
        if self._snapshot is None or self._table.name not in LINKABLE:
            return None
        with self._db.read() as session:
            outcomes = links_to(session, self._table.name, self._snapshot.row_id)
        tree = QTreeWidget()
        tree.setAccessibleName(self.tr("Linked outcomes"))
        tree.setRootIsDecorated(False)
        tree.setHeaderLabels([self.tr("Kind"), self.tr("Ref"), self.tr("Meeting"), self.tr("Status"), self.tr("Text")])
        for outcome in outcomes:
            kind = self.tr(outcome.kind)
            tree.addTopLevelItem(
                QTreeWidgetItem([kind, outcome.ref, outcome.meeting, self.tr(outcome.status), outcome.text])
            )
        for column in range(4):
            tree.resizeColumnToContents(column)
        self.tabs.addTab(tree, self.tr("Linked outcomes ({0})").format(len(outcomes)))
        return tree

    def _make_read_only(self) -> None:
        for editor in self._editors.values():
            for widget in editor.focus_widgets():
                widget.setEnabled(False)
        self.save_button.hide()
        self.save_shortcut.setEnabled(False)
        self.close_button.setText(self.tr("Close"))
        self.show_message(self.tr("This database is open read-only; changes cannot be saved."), error=False)

    # --- values and validation ----------------------------------------------------------------------------

    def form_values(self) -> dict[str, Any]:
        """The value of every field as it stands (fields whose text cannot be read are left out)."""
        return {key: e.field_value() for key, e in self._editors.items() if e.field_problem() is None}

    def changed_values(self) -> dict[str, Any]:
        """Only the fields the user changed since the record was loaded: what Save sends to core."""
        return {key: value for key, value in self.form_values().items() if value != self._initial.get(key)}

    def is_dirty(self) -> bool:
        return bool(self.changed_values()) or any(e.field_problem() for e in self._editors.values())

    @property
    def field_keys(self) -> tuple[str, ...]:
        """The form's fields in form (and tab) order, the marking picker first when the record has one."""
        return tuple(f.key for f in self._fields)

    def editor(self, key: str) -> FieldEditor:
        return self._editors[key]

    def message_for(self, key: str) -> str:
        return self._messages[key].text()

    def _local_problems(self) -> dict[str, str]:
        return {key: p for key, e in self._editors.items() if (p := e.field_problem())}

    def _live_errors(self) -> dict[str, str]:
        """Messages for what the user has touched, plus any cross-field rule the current values break.

        Untouched fields keep quiet about their own problems (a new form is not red all over), but a rule that
        spans fields (an end before a start, an active industry loan without a declaration) shows at once."""
        values = {**self._base, **self.form_values()}
        found = validate_values(self._spec.model, values)
        untouched = {key: values.get(key) for key in self._editors if key not in self._touched}
        own_problems = validate_values(self._spec.model, untouched, partial=True)
        errors: dict[str, str] = {}
        for key in self._editors:
            local = self._editors[key].field_problem()
            if local and key in self._touched:
                errors[key] = local
            elif key in found and (key in self._touched or key not in own_problems):
                errors[key] = found[key]
        return errors

    def _on_debounce_timeout(self) -> None:
        self.validate_now()

    def validate_now(self) -> None:
        self._show_errors(self._live_errors())
        self.sig_fields_validated.emit()

    def _show_errors(self, errors: Mapping[str, str]) -> None:
        for key, label in self._messages.items():
            text = self.tr(errors[key]) if key in errors else ""
            label.setText(text)
            label.setVisible(bool(text))
            for widget in self._editors[key].focus_widgets():
                widget.setAccessibleDescription(text)

    def _show_validation(self, errors: Mapping[str, str]) -> None:
        """Every message next to its field, the first field (in form order) focused; others in the message area."""
        self._show_errors(errors)
        elsewhere = [f"{field_label(k)}: {self.tr(m)}" for k, m in errors.items() if k not in self._editors]
        if elsewhere:
            self.show_message("\n".join(elsewhere))
        first = next((f.key for f in self._fields if f.key in errors), None)
        if first is not None:
            self.tabs.setCurrentIndex(0)
            focusable = [w for w in self._editors[first].focus_widgets() if w.isEnabled()]
            if focusable:
                focusable[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str, *, error: bool = True) -> None:
        """A message in the area above the form: non-blocking, selectable so it can be copied."""
        self.message_area.setText(text)
        self.message_area.setStyleSheet(_MESSAGE_STYLES["error" if error else "info"])
        self.message_area.setVisible(bool(text))

    # --- saving -------------------------------------------------------------------------------------------

    def _write(self, write: Callable[[Session], int], changes: Mapping[str, Any]) -> bool:
        """Run one write transaction; show what went wrong in the dialog, or announce the saved row."""
        try:
            with self._db.write() as session:
                row_id = write(session)
        except ValidationError as exc:
            self._show_validation(exc.errors)
            return False
        except EditConflict as exc:
            self._open_conflict(exc, dict(changes))
            return False
        except (RecordInUse, RecordNotFound, DatabaseError) as exc:
            self.show_message(str(exc))
            return False
        except sa.exc.IntegrityError:
            self.show_message(self.tr("This could not be saved: it clashes with another record (a duplicate?)."))
            return False
        self.show_message("")
        self.sig_record_saved.emit(self._table.name, row_id)
        return True

    def save(self) -> bool:
        """Validate and save; on success the dialog closes. Returns whether anything was saved."""
        if self._db.readonly:
            return False
        self._debounce.stop()
        problems = self._local_problems()
        if problems:
            self._show_validation(problems)
            return False
        if self._snapshot is None:
            values = {**self._base, **self.form_values()}

            def create(session: Session) -> int:
                # Derived columns (first-agreed dates, a meeting's quarter) are filled in by core's create_record.
                return int(create_record(session, self._spec.model, values).id)  # type: ignore[attr-defined]

            saved = self._write(create, values)
        else:
            changes = self.changed_values()
            if not changes:
                self.accept()
                return False
            saved = self._write(self._update_with(changes, self._snapshot.version, overwrite=False), changes)
        if saved:
            self.accept()
        return saved

    def _update_with(self, changes: dict[str, Any], version: int, *, overwrite: bool) -> Callable[[Session], int]:
        snapshot = self._snapshot
        assert snapshot is not None

        def update(session: Session) -> int:
            update_record(session, self._spec.model, snapshot.row_id, version, changes, overwrite=overwrite)
            return snapshot.row_id

        return update

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_save_shortcut_activated(self) -> None:
        self.save()

    # --- conflicts ----------------------------------------------------------------------------------------

    def _open_conflict(self, conflict: EditConflict, changes: dict[str, Any]) -> None:
        assert self._snapshot is not None
        with self._db.read() as session:
            fresh = load_record(session, self._spec.model, self._snapshot.row_id)
        mine = {**self._initial, **self.form_values()}
        differences: list[tuple[str, str, str, str]] = []
        for spec_field in self._fields:
            ours, theirs = mine.get(spec_field.key), fresh.values.get(spec_field.key)
            if ours != theirs:
                editor = self._editors[spec_field.key]
                kept = ours if spec_field.key in changes else theirs
                shown = (editor.field_text(ours), editor.field_text(theirs), editor.field_text(kept))
                differences.append((spec_field.shown_label, *shown))
        self._pending_changes = changes
        self._conflict = conflict
        self._fresh = fresh
        self.conflict_dialog = ConflictDialog(conflict, differences, self)
        self.conflict_dialog.finished.connect(self._on_conflict_dialog_finished)
        self.conflict_dialog.open()

    def _on_conflict_dialog_finished(self, result: int) -> None:
        if result == ConflictChoice.RELOAD and self._fresh is not None:
            self._snapshot = self._fresh
            self._base = dict(self._fresh.values)
            self._show_record()
            self.show_message(self.tr("Reloaded the saved record; your changes were discarded."), error=False)
        elif result == ConflictChoice.KEEP_MINE:
            self.keep_mine()

    def keep_mine(self) -> bool:
        """Reapply the user's changed fields onto the fresh row, audited as an overwrite."""
        assert self._conflict is not None
        update = self._update_with(self._pending_changes, self._conflict.current_version, overwrite=True)
        if self._write(update, self._pending_changes):
            self.accept()
            return True
        return False

    # --- archive, delete, close ---------------------------------------------------------------------------

    def _on_archive_button_clicked(self) -> None:
        assert self._snapshot is not None
        if self.is_dirty():
            self.show_message(self.tr("Save or discard your changes before archiving or restoring."))
            return
        archive = not bool(self._base.get("archived"))
        snapshot = self._snapshot

        def set_archived(session: Session) -> int:
            archive_record(session, self._spec.model, snapshot.row_id, snapshot.version, archived=archive)
            return snapshot.row_id

        if self._write(set_archived, {"archived": archive}):
            self._reload()
            text = (
                self.tr("Archived: hidden from pickers and lists; reports of its periods still count it.")
                if archive
                else self.tr("Restored.")
            )
            self.show_message(text, error=False)

    def _on_delete_button_clicked(self) -> None:
        self._ask(
            self.tr("Delete this record?"),
            self.tr("A record other records refer to cannot be deleted; archive it instead."),
            self.tr("Delete"),
            self.tr("Keep it"),
            self._delete,
        )

    def _delete(self) -> None:
        snapshot = self._snapshot
        assert snapshot is not None

        def delete(session: Session) -> int:
            delete_record(session, self._spec.model, snapshot.row_id, snapshot.version)
            return snapshot.row_id

        if self._write(delete, {}):
            self._discard_confirmed = True
            self.accept()

    def reject(self) -> None:
        """Escape, Cancel and the window's close button: ask first when there are unsaved changes."""
        if self._discard_confirmed or self._db.readonly or not self.is_dirty():
            super().reject()
            return
        self._ask(
            self.tr("You have unsaved changes."),
            self.tr("Discard them, or keep editing?"),
            self.tr("Discard"),
            self.tr("Keep editing"),
            self._discard,
        )

    def _discard(self) -> None:
        self._discard_confirmed = True
        super().reject()

    def _ask(self, text: str, detail: str, yes: str, no: str, on_yes: Callable[[], None]) -> None:
        """A question shown window-modal without blocking (open(), not exec()); `on_yes` runs on the yes button."""
        box = QMessageBox(
            QMessageBox.Icon.Question, self.windowTitle(), text, QMessageBox.StandardButton.NoButton, self
        )
        box.setInformativeText(detail)
        self.prompt_yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(self._on_prompt_button_clicked)
        self.prompt = box
        self._prompt_action = on_yes
        box.open()

    def _on_prompt_button_clicked(self, button: QAbstractButton) -> None:
        action, self._prompt_action = self._prompt_action, None
        if button is self.prompt_yes_button and action is not None:
            action()
