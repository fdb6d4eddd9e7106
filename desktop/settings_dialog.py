"""The Settings dialog: office settings, alert windows, the protective-marking scheme and the app's theme."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.db.errors import DatabaseError
from core.domain.money import MoneyError, normalise_currency
from core.domain.reference import Office, PaperSize
from core.services.markings import (
    MarkingRow,
    add_marking,
    archive_marking,
    ceiling_problems,
    list_markings,
    move_marking,
    rename_marking,
    set_default_and_ceiling,
)
from core.services.office import OfficeSettings, budget_line_count, load_settings, update_settings
from core.services.records import EditConflict, RecordNotFound
from core.services.validation import ValidationError, alert_window_problems, validate_values
from desktop.editing.fields import ChoiceField, FieldEditor, FieldSpec, as_editor, make_field, with_message_line
from desktop.office_dialogs import MONTHS
from desktop.settings import Theme
from desktop.theme import apply_theme

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.settings import AppSettings

OFFICE_TAB, ALERTS_TAB, MARKINGS_TAB, APPEARANCE_TAB = range(4)
RELABELLING = ("currency", "fy_start_month")
ALERT_KEYS = ("alert_short_days", "alert_medium_days", "alert_long_days")
PICKER_KEYS = ("default_marking_id", "max_marking_id")
_NEW_MARKING = "new_marking"
# Field messages in a red that keeps 4.5:1 contrast on the light and on the dark palette.
_ERROR_COLOURS = {False: "#b00020", True: "#ff8a80"}
_MESSAGE_STYLES = {
    "error": "background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 6px;",
    "info": "background: #e8f0fe; color: #174ea6; border: 1px solid #c6dafc; padding: 6px;",
}
_THEME_CHOICES: tuple[tuple[Theme, str], ...] = (
    ("system", "Follow the system"),
    ("light", "Light"),
    ("dark", "Dark"),
)


class SettingsDialog(QDialog):
    """Office-wide settings kept in the database, plus this computer's theme. Save writes the Office and Alerts
    tabs and the default and ceiling pickers in one transaction; changes to the scheme itself and the theme
    apply at once."""

    sig_settings_saved = Signal()
    """Office settings or the marking scheme changed in the database: titles, lists and alerts may differ."""

    def __init__(self, db: Database, app_settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._app_settings = app_settings
        self._settings: OfficeSettings | None = None
        self._markings: tuple[MarkingRow, ...] = ()
        self._initial: dict[str, Any] = {}
        self._editors: dict[str, FieldEditor] = {}
        self._messages: dict[str, QLabel] = {}
        self._tab_of: dict[str, int] = {}
        self._last_edited: str | None = None
        self._filling = False
        self._discard_confirmed = False
        self.prompt: QMessageBox | None = None
        self.prompt_yes_button: QAbstractButton | None = None
        self.setWindowTitle(self.tr("Settings"))

        self.message_area = QLabel()
        self.message_area.setWordWrap(True)
        self.message_area.setAccessibleName(self.tr("Messages"))
        self.message_area.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_area.hide()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_office_tab(), self.tr("Office"))
        self.tabs.addTab(self._build_alerts_tab(), self.tr("Alerts"))
        self.tabs.addTab(self._build_markings_tab(), self.tr("Markings"))
        self.tabs.addTab(self._build_appearance_tab(), self.tr("Appearance"))

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message_area)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._set_tab_order()
        self.reload()
        if db.readonly:
            self._make_read_only()
        self.resize(640, 560)

    # --- building -----------------------------------------------------------------------------------------

    def _field(self, spec: FieldSpec, tab: int, widget: QWidget | None = None) -> QWidget:
        """The field's widget (made from `spec` unless given) with its message line under it."""
        widget = widget if widget is not None else make_field(spec)
        widget.setAccessibleName(spec.shown_label)
        editor = as_editor(widget)
        self._editors[spec.key] = editor
        editor.sig_value_changed.connect(self._make_change_slot(spec.key))
        return self._with_message(spec.key, widget, tab)

    def _with_message(self, key: str, widget: QWidget, tab: int) -> QWidget:
        holder, message = with_message_line(key, widget)
        self._messages[key] = message
        self._tab_of[key] = tab
        return holder

    def _row(self, form: QFormLayout, label: str, holder: QWidget, buddy: QWidget) -> None:
        shown = QLabel(label)
        shown.setBuddy(buddy)
        form.addRow(shown, holder)

    def _build_office_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        specs = (
            FieldSpec("name", "Office name", "text", required=True),
            FieldSpec("home_state", "Home state", "text", help="The country the office represents."),
            FieldSpec("paper_size", "Paper size", "enum", enum=PaperSize, help="For the pack and printed reports."),
            FieldSpec("currency", "Currency (ISO code)", "text", required=True),
            FieldSpec(
                "timezone",
                "Time zone of meeting times",
                "text",
                help="A name such as Europe/London or Australia/Sydney; blank: this computer's time zone.",
            ),
        )
        for spec in specs:
            holder = self._field(spec, OFFICE_TAB)
            self._row(form, spec.shown_label + (" *" if spec.required else ""), holder, self._widget(spec.key))
        currency = self._widget("currency")
        assert isinstance(currency, QLineEdit)
        currency.setMaxLength(3)
        currency.setMaximumWidth(80)
        fy_spec = FieldSpec("fy_start_month", "Fiscal year starts in", "int")
        months = ChoiceField([(self.tr(month), number) for number, month in enumerate(MONTHS, start=1)])
        fy_holder = self._field(fy_spec, OFFICE_TAB, months)
        self._row(form, fy_spec.shown_label, fy_holder, months)
        # Under the two fields it explains, inside the field column (a label-less form row leaves a gap).
        self.lock_note = QLabel()
        self.lock_note.setWordWrap(True)
        self.lock_note.setObjectName("relabellingLock")
        fy_layout = fy_holder.layout()
        assert fy_layout is not None
        fy_layout.addWidget(self.lock_note)
        variance = FieldSpec(
            "variance_threshold_pct",
            "Variance threshold (%)",
            "int",
            help="Budget lines whose under/(over) spend passes this share of their budget are flagged.",
        )
        self._row(form, variance.shown_label, self._field(variance, OFFICE_TAB), self._widget(variance.key))
        self._widget(variance.key).setMaximumWidth(80)
        return page

    def _build_alerts_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        explain = QLabel(
            self.tr(
                "Secondment ends, clearance expiries, milestones, reviews and briefings are flagged as each window "
                "is reached. “Within the alert window” means the shortest; lists of what is coming use the longest."
            )
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QFormLayout()
        for key, label in zip(
            ALERT_KEYS, ("Shortest window (days)", "Middle window (days)", "Longest window (days)"), strict=True
        ):
            spec = FieldSpec(key, label, "int", required=True)
            holder = self._field(spec, ALERTS_TAB)
            self._widget(key).setMaximumWidth(80)
            self._row(form, spec.shown_label, holder, self._widget(key))
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _build_markings_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        explain = QLabel(
            self.tr(
                "The protective markings, most sensitive first. Changes to the scheme are saved at once; "
                "double-click a marking (or press F2) to rename it."
            )
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)

        self.scheme_table = QTableWidget(0, 2)
        self.scheme_table.setAccessibleName(self.tr("Marking scheme"))
        self.scheme_table.setHorizontalHeaderLabels([self.tr("Marking"), self.tr("Role")])
        self.scheme_table.verticalHeader().setVisible(False)
        self.scheme_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.scheme_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.scheme_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.scheme_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.scheme_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.scheme_table.setTabKeyNavigation(False)
        self.scheme_table.itemChanged.connect(self._on_scheme_table_item_changed)
        self.scheme_table.itemSelectionChanged.connect(self._on_scheme_table_item_selection_changed)

        self.rename_button = QPushButton(self.tr("Rename"))
        self.move_up_button = QPushButton(self.tr("Move up"))
        self.move_down_button = QPushButton(self.tr("Move down"))
        self.archive_button = QPushButton(self.tr("Archive"))
        self.rename_button.clicked.connect(self._on_rename_button_clicked)
        self.move_up_button.clicked.connect(self._on_move_up_button_clicked)
        self.move_down_button.clicked.connect(self._on_move_down_button_clicked)
        self.archive_button.clicked.connect(self._on_archive_button_clicked)
        side = QVBoxLayout()
        for button in (self.rename_button, self.move_up_button, self.move_down_button, self.archive_button):
            side.addWidget(button)
        side.addStretch(1)
        scheme_row = QHBoxLayout()
        scheme_row.addWidget(self.scheme_table, 1)
        scheme_row.addLayout(side)
        layout.addLayout(scheme_row, 1)

        self.scheme_message = QLabel()
        self.scheme_message.setObjectName("message_scheme")
        self.scheme_message.setWordWrap(True)
        self.scheme_message.hide()
        layout.addWidget(self.scheme_message)

        self.new_marking_edit = QLineEdit()
        self.new_marking_edit.setAccessibleName(self.tr("New marking"))
        self.new_marking_edit.setPlaceholderText(self.tr("Goes directly above the selected marking"))
        self.new_marking_edit.installEventFilter(self)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        add_row = QWidget()
        add_layout = QHBoxLayout(add_row)
        add_layout.setContentsMargins(0, 0, 0, 0)
        add_layout.addWidget(self.new_marking_edit, 1)
        add_layout.addWidget(self.add_button)
        add_form = QFormLayout()
        self._row(add_form, self.tr("New marking"), self._with_message(_NEW_MARKING, add_row, MARKINGS_TAB),
                  self.new_marking_edit)  # fmt: skip
        layout.addLayout(add_form)

        limits = QGroupBox(self.tr("Office default and ceiling"))
        limits_form = QFormLayout(limits)
        self.default_picker = QComboBox()
        self.max_picker = QComboBox()
        for key, picker, label in (
            ("default_marking_id", self.default_picker, self.tr("Office default marking")),
            ("max_marking_id", self.max_picker, self.tr("Highest allowed marking")),
        ):
            picker.setAccessibleName(label)
            picker.currentIndexChanged.connect(self._make_change_slot(key))
            self._row(limits_form, label, self._with_message(key, picker, MARKINGS_TAB), picker)
        note = QLabel(
            self.tr(
                "Records without a marking carry the office default; nothing may be marked above the highest "
                "allowed marking, and the default cannot be above it. These two are saved with Save."
            )
        )
        note.setWordWrap(True)
        limits_form.addRow(note)
        layout.addWidget(limits)
        return page

    def _build_appearance_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        group = QGroupBox(self.tr("Theme"))
        group_layout = QVBoxLayout(group)
        self.theme_group = QButtonGroup(self)
        self.theme_buttons: dict[Theme, QRadioButton] = {}
        for index, (mode, label) in enumerate(_THEME_CHOICES):
            button = QRadioButton(self.tr(label))
            button.setAccessibleName(self.tr("Theme: {0}").format(self.tr(label)))
            self.theme_group.addButton(button, index)
            self.theme_buttons[mode] = button
            group_layout.addWidget(button)
        self.theme_buttons[self._app_settings.theme].setChecked(True)
        self.theme_group.idToggled.connect(self._on_theme_group_id_toggled)
        note = QLabel(self.tr("Applied at once and remembered on this computer, whichever office is open."))
        note.setWordWrap(True)
        group_layout.addWidget(note)
        layout.addWidget(group)
        layout.addStretch(1)
        return page

    def _widget(self, key: str) -> QWidget:
        return self._editors[key].focus_widgets()[0]

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.tabs.tabBar()]
        chain += [
            self._widget(k) for k in ("name", "home_state", "paper_size", "currency", "timezone", "fy_start_month")
        ]
        chain += [self._widget("variance_threshold_pct"), *(self._widget(k) for k in ALERT_KEYS)]
        chain += [self.scheme_table, self.rename_button, self.move_up_button, self.move_down_button]
        chain += [self.archive_button, self.new_marking_edit, self.add_button, self.default_picker, self.max_picker]
        chain += [*self.theme_buttons.values(), self.save_button, self.cancel_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- loading ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the settings as saved now, discarding anything not yet saved."""
        with self._db.read() as session:
            self._settings = settings = load_settings(session)
            self._markings = list_markings(session)
            budget_lines = budget_line_count(session)
        self._filling = True
        try:
            values: dict[str, Any] = {
                "name": settings.name,
                "home_state": settings.home_state,
                "timezone": settings.timezone,
                "paper_size": PaperSize(settings.paper_size),
                "currency": settings.currency,
                "fy_start_month": settings.fy_start_month,
                "variance_threshold_pct": settings.variance_threshold_pct,
                **dict(zip(ALERT_KEYS, settings.alert_days, strict=True)),
            }
            for key, value in values.items():
                self._editors[key].set_field_value(value)
            self._fill_scheme()
            self._fill_pickers(
                next((m.id for m in self._markings if m.is_default), None),
                next((m.id for m in self._markings if m.is_ceiling), None),
            )
        finally:
            self._filling = False
        self._initial = self.form_values()
        self._show_lock(budget_lines)
        self._last_edited = None
        self._show_errors({})

    def _show_lock(self, budget_lines: int) -> None:
        locked = budget_lines > 0
        if locked:
            count = (
                self.tr("Locked: 1 budget line exists.")
                if budget_lines == 1
                else self.tr("Locked: {0} budget lines exist.").format(budget_lines)
            )
            text = (
                count
                + " "
                + self.tr(
                    "Currency and fiscal-year start relabel every amount and period, so they can change only while "
                    "no budget line exists."
                )
            )
        else:
            text = self.tr("Currency and fiscal-year start can change only until the first budget line exists.")
        self.lock_note.setText(text)
        for key in RELABELLING:
            widget = self._widget(key)
            widget.setEnabled(not locked and not self._db.readonly)
            widget.setToolTip(text if locked else "")

    def _fill_scheme(self, select_id: int | None = None) -> None:
        """The scheme most sensitive first, so Move up moves a marking up the list and up the scheme."""
        blocked = self.scheme_table.blockSignals(True)
        try:
            rows = list(reversed(self._markings))
            self.scheme_table.setRowCount(len(rows))
            for row, marking in enumerate(rows):
                label = QTableWidgetItem(marking.label)
                label.setData(Qt.ItemDataRole.UserRole, marking.id)
                if marking.description:
                    label.setToolTip(marking.description)
                role = QTableWidgetItem(self._role_text(marking))
                role.setFlags(role.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if marking.archived or self._db.readonly:
                    label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if marking.archived:
                    for item in (label, role):
                        item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                self.scheme_table.setItem(row, 0, label)
                self.scheme_table.setItem(row, 1, role)
            if select_id is not None:
                self.scheme_table.selectRow(next(r for r, m in enumerate(rows) if m.id == select_id))
        finally:
            self.scheme_table.blockSignals(blocked)
        self._update_scheme_buttons()

    def _role_text(self, marking: MarkingRow) -> str:
        roles = []
        if marking.is_default:
            roles.append(self.tr("Office default"))
        if marking.is_ceiling:
            roles.append(self.tr("Highest allowed"))
        if marking.archived:
            roles.append(self.tr("Archived"))
        return ", ".join(roles)

    def _fill_pickers(self, default_id: int | None, max_id: int | None) -> None:
        for picker, chosen in ((self.default_picker, default_id), (self.max_picker, max_id)):
            blocked = picker.blockSignals(True)
            try:
                picker.clear()
                for marking in self._markings:
                    if not marking.archived:
                        picker.addItem(marking.label, marking.id)
                picker.setCurrentIndex(picker.findData(chosen) if chosen is not None else -1)
            finally:
                picker.blockSignals(blocked)

    # --- values and validation ----------------------------------------------------------------------------

    def editor(self, key: str) -> FieldEditor:
        return self._editors[key]

    def message_for(self, key: str) -> str:
        return self._messages[key].text()

    def form_values(self) -> dict[str, Any]:
        """Every office field as it stands: the Office and Alerts tabs and the two marking pickers."""
        values = {key: editor.field_value() for key, editor in self._editors.items()}
        values["default_marking_id"] = self.default_picker.currentData()
        values["max_marking_id"] = self.max_picker.currentData()
        return values

    def changed_values(self) -> dict[str, Any]:
        return {key: value for key, value in self.form_values().items() if value != self._initial.get(key)}

    def is_dirty(self) -> bool:
        return bool(self.changed_values())

    def problems(self) -> dict[str, str]:
        """Every field message for the form as it stands, from the same rules core applies when saving."""
        values = self.form_values()
        errors: dict[str, str] = {}
        for key, editor in self._editors.items():
            problem = editor.field_problem()
            if problem:
                errors[key] = problem
            elif values[key] is None:
                errors[key] = "This is required."
        office_values = {k: v for k, v in values.items() if k not in errors and k not in PICKER_KEYS}
        for key, message in validate_values(Office, office_values, partial=True).items():
            errors.setdefault(key, message)
        if "currency" not in errors and "currency" in self.changed_values():
            try:
                normalise_currency(values["currency"])
            except MoneyError as exc:
                errors["currency"] = str(exc)
        days = {key: values[key] for key in ALERT_KEYS if key not in errors}
        for key, message in alert_window_problems(days, self._last_edited).items():
            errors.setdefault(key, message)
        for key, message in ceiling_problems(self._markings, *(values[k] for k in PICKER_KEYS)).items():
            errors.setdefault(key, message)
        return errors

    def _make_change_slot(self, key: str) -> Callable[..., None]:
        def _on_field_value_changed(*_args: object) -> None:
            if self._filling:
                return
            self._last_edited = key
            self._show_errors(self.problems())

        return _on_field_value_changed

    def _show_errors(self, errors: Mapping[str, str]) -> None:
        for key, label in self._messages.items():
            if key == _NEW_MARKING:
                continue
            text = self.tr(errors[key]) if key in errors else ""
            self._set_message(label, text)
            widget = self._widget(key) if key in self._editors else self._picker(key)
            widget.setAccessibleDescription(text)

    def _set_message(self, label: QLabel, text: str) -> None:
        # The colour is chosen when shown, as the theme may have changed since the dialog opened.
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        label.setStyleSheet(f"color: {_ERROR_COLOURS[dark]};")
        label.setText(text)
        label.setVisible(bool(text))

    def _picker(self, key: str) -> QComboBox:
        return self.default_picker if key == "default_marking_id" else self.max_picker

    def _show_validation(self, errors: Mapping[str, str]) -> None:
        """Each message next to its field, the first one (in tab order) shown and focused."""
        self._show_errors(errors)
        elsewhere = [self.tr(message) for key, message in errors.items() if key not in self._messages]
        self.show_message("\n".join(elsewhere))
        order = [*self._editors, *PICKER_KEYS]
        first = next((key for key in order if key in errors), None)
        if first is None:
            return
        self.tabs.setCurrentIndex(self._tab_of[first])
        widget = self._widget(first) if first in self._editors else self._picker(first)
        if widget.isEnabled():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str, *, error: bool = True) -> None:
        """A message above the tabs: not blocking, selectable so it can be copied."""
        self.message_area.setText(text)
        self.message_area.setStyleSheet(_MESSAGE_STYLES["error" if error else "info"])
        self.message_area.setVisible(bool(text))

    # --- saving -------------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Validate and save the office settings in one transaction; on success the dialog closes."""
        if self._db.readonly or self._settings is None:
            return False
        errors = self.problems()
        if errors:
            self._show_validation(errors)
            return False
        changes = self.changed_values()
        if not changes:
            self.accept()
            return False
        office_changes = {k: v for k, v in changes.items() if k not in PICKER_KEYS}
        limits_changed = any(k in changes for k in PICKER_KEYS)
        values = self.form_values()
        version = self._settings.version
        try:
            with self._db.write() as session:
                if office_changes:
                    version = update_settings(session, version, office_changes).version
                if limits_changed:
                    set_default_and_ceiling(session, version, *(values[k] for k in PICKER_KEYS))
        except ValidationError as exc:
            self._show_validation(exc.errors)
            return False
        except EditConflict as exc:
            self._reload_after_conflict(exc)
            return False
        except (RecordNotFound, DatabaseError) as exc:
            self.show_message(str(exc))
            return False
        except sa.exc.IntegrityError:
            self.show_message(self.tr("These settings could not be saved: the database refused them."))
            return False
        self.show_message("")
        self.sig_settings_saved.emit()
        self.accept()
        return True

    def _reload_after_conflict(self, conflict: EditConflict) -> None:
        when = conflict.changed_at.astimezone().strftime("%d %b %Y %H:%M") if conflict.changed_at else ""
        self.reload()
        self.show_message(
            self.tr(
                "The settings were changed by {0} at {1} while you had them open. They have been reloaded and "
                "your changes were not saved; make them again if they are still needed."
            ).format(conflict.changed_by, when or self.tr("an unknown time"))
        )

    def _on_save_button_clicked(self) -> None:
        self.save()

    # --- the marking scheme -------------------------------------------------------------------------------

    def selected_marking(self) -> MarkingRow | None:
        rows = self.scheme_table.selectionModel().selectedRows()
        if not rows:
            return None
        marking_id = self._label_item(rows[0].row()).data(Qt.ItemDataRole.UserRole)
        return next((m for m in self._markings if m.id == marking_id), None)

    def _label_item(self, row: int) -> QTableWidgetItem:
        item = self.scheme_table.item(row, 0)
        assert item is not None  # every row of the scheme table is filled in _fill_scheme
        return item

    def select_marking(self, label: str) -> None:
        """Select the marking shown as `label` in the scheme list."""
        for row in range(self.scheme_table.rowCount()):
            if self._label_item(row).text() == label:
                self.scheme_table.selectRow(row)
                return
        raise KeyError(label)

    def _change_scheme(self, change: Callable[[Session], int | None], *, message_key: str | None = None) -> bool:
        """Run one change to the scheme in its own transaction, then show the scheme as saved."""
        shown = self._messages[message_key] if message_key else self.scheme_message
        selected = self.selected_marking()
        try:
            with self._db.write() as session:
                select_id = change(session)
        except ValidationError as exc:
            self._fill_scheme(selected.id if selected else None)  # undo an in-place rename the core refused
            self._show_scheme_message(shown, "\n".join(self.tr(m) for m in exc.errors.values()))
            return False
        except EditConflict as exc:
            self._refresh_scheme(selected.id if selected else None)
            self._show_scheme_message(shown, self.tr("{0} The list has been reloaded.").format(exc))
            return False
        except (RecordNotFound, DatabaseError) as exc:
            self._refresh_scheme(None)
            self._show_scheme_message(shown, str(exc))
            return False
        self._refresh_scheme(select_id)
        self._show_scheme_message(shown, "")
        self.sig_settings_saved.emit()
        return True

    def _show_scheme_message(self, label: QLabel, text: str) -> None:
        for other in (self.scheme_message, self._messages[_NEW_MARKING]):
            self._set_message(other, text if other is label else "")

    def _refresh_scheme(self, select_id: int | None) -> None:
        """Reread the scheme; the pickers keep what the user chose but offer the new markings."""
        chosen = (self.default_picker.currentData(), self.max_picker.currentData())
        with self._db.read() as session:
            self._markings = list_markings(session)
        self._filling = True
        try:
            self._fill_scheme(select_id)
            self._fill_pickers(*chosen)
        finally:
            self._filling = False
        self._show_errors(self.problems())

    def add_new_marking(self) -> bool:
        """Add the typed marking directly above the selected one (at the top when none is selected)."""
        label = self.new_marking_edit.text()
        above = self.selected_marking()

        def add(session: Session) -> int:
            return add_marking(session, label, above=above.id if above else None).id

        added = self._change_scheme(add, message_key=_NEW_MARKING)
        if added:
            self.new_marking_edit.clear()
        return added

    def rename_selected(self, label: str) -> bool:
        marking = self.selected_marking()
        if marking is None or label == marking.label:
            return False
        return self._change_scheme(lambda session: rename_marking(session, marking.id, marking.version, label).id)

    def move_selected(self, up: bool) -> bool:
        marking = self.selected_marking()
        if marking is None:
            return False

        def move(session: Session) -> int:
            move_marking(session, marking.id, up)
            return marking.id

        return self._change_scheme(move)

    def archive_selected(self) -> bool:
        """Archive the selected marking, or restore it when it is archived."""
        marking = self.selected_marking()
        if marking is None:
            return False
        archive = not marking.archived
        return self._change_scheme(
            lambda session: archive_marking(session, marking.id, marking.version, archived=archive).id
        )

    def _update_scheme_buttons(self) -> None:
        marking = self.selected_marking()
        editable = not self._db.readonly
        position = self._markings.index(marking) if marking is not None else -1
        self.rename_button.setEnabled(editable and marking is not None and not marking.archived)
        self.move_up_button.setEnabled(editable and 0 <= position < len(self._markings) - 1)
        self.move_down_button.setEnabled(editable and position > 0)
        self.archive_button.setEnabled(editable and marking is not None)
        self.archive_button.setText(
            self.tr("Restore") if marking is not None and marking.archived else self.tr("Archive")
        )

    def _on_scheme_table_item_selection_changed(self) -> None:
        self._update_scheme_buttons()

    def _on_scheme_table_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.scheme_table.selectRow(item.row())
            self.rename_selected(item.text())

    def _on_rename_button_clicked(self) -> None:
        rows = self.scheme_table.selectionModel().selectedRows()
        if rows:
            self.scheme_table.editItem(self._label_item(rows[0].row()))

    def _on_move_up_button_clicked(self) -> None:
        self.move_selected(up=True)

    def _on_move_down_button_clicked(self) -> None:
        self.move_selected(up=False)

    def _on_archive_button_clicked(self) -> None:
        self.archive_selected()

    def _on_add_button_clicked(self) -> None:
        self.add_new_marking()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the new-marking box adds the marking; a line edit passes Enter on, which would press Save.
        if (
            watched is self.new_marking_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_new_marking()
            return True
        return super().eventFilter(watched, event)

    # --- appearance ---------------------------------------------------------------------------------------

    def _on_theme_group_id_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        mode = _THEME_CHOICES[button_id][0]
        apply_theme(cast(QApplication, QApplication.instance()), mode)
        self._app_settings.theme = mode

    # --- read-only, closing -------------------------------------------------------------------------------

    def _make_read_only(self) -> None:
        for key in self._editors:
            self._widget(key).setEnabled(False)
        for widget in (
            self.default_picker,
            self.max_picker,
            self.new_marking_edit,
            self.add_button,
            self.rename_button,
            self.move_up_button,
            self.move_down_button,
            self.archive_button,
        ):
            widget.setEnabled(False)
        self.scheme_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.save_button.hide()
        self.cancel_button.setText(self.tr("Close"))
        self.show_message(
            self.tr("This database is open read-only; its settings cannot be changed. The theme still can."),
            error=False,
        )

    def reject(self) -> None:
        """Escape, Cancel and the close button: ask first when office settings are changed but not saved."""
        if self._discard_confirmed or self._db.readonly or not self.is_dirty():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            self.tr("You have unsaved changes."),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(self.tr("Discard them, or keep editing?"))
        self.prompt_yes_button = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(self._on_prompt_button_clicked)
        self.prompt = box
        box.open()

    def _on_prompt_button_clicked(self, button: QAbstractButton) -> None:
        if button is self.prompt_yes_button:
            self._discard_confirmed = True
            super().reject()
