"""The Settings dialog: office fields and alert windows saved, relabelling settings locked, the scheme, the theme."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit

from core.db.engine import Database, open_database
from core.domain.audit import AuditEntry
from core.domain.resources import BudgetLine
from core.services.markings import list_markings
from core.services.office import OfficeSettings, initialise_office, load_settings, update_settings
from desktop.settings import AppSettings
from desktop.settings_dialog import ALERTS_TAB, MARKINGS_TAB, SettingsDialog
from desktop.theme import apply_theme, theme_controller

PERSONAL = "OFFICIAL: Sensitive – Personal"


@pytest.fixture
def open_settings(qtbot: QtBot, app_settings: AppSettings) -> Callable[[Database], SettingsDialog]:
    def opener(db: Database) -> SettingsDialog:
        dialog = SettingsDialog(db, app_settings)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return opener


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "fresh.cyberdesk", create=True)
    initialise_office(db, name="Fresh office")
    yield db
    db.close()


def settings_of(db: Database) -> OfficeSettings:
    with db.read() as session:
        return load_settings(session)


def type_into(qtbot: QtBot, dialog: SettingsDialog, key: str, text: str) -> None:
    field = dialog.editor(key).focus_widgets()[0]
    assert isinstance(field, QLineEdit)
    field.clear()
    qtbot.keyClicks(field, text)


def save(qtbot: QtBot, dialog: SettingsDialog) -> None:
    with qtbot.waitSignal(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_office_name_and_alert_windows_are_saved(
    qtbot: QtBot, demo_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    before = settings_of(demo_db)
    dialog = open_settings(demo_db)
    type_into(qtbot, dialog, "name", "Office of the Cyber Ambassador")
    dialog.tabs.setCurrentIndex(ALERTS_TAB)
    type_into(qtbot, dialog, "alert_long_days", "120")
    type_into(qtbot, dialog, "alert_medium_days", "45")
    type_into(qtbot, dialog, "alert_short_days", "14")
    save(qtbot, dialog)

    after = settings_of(demo_db)
    assert after.name == "Office of the Cyber Ambassador"
    assert after.alert_days == (14, 45, 120)
    assert (after.currency, after.home_state, after.paper_size) == (before.currency, before.home_state, "A4")
    with demo_db.read() as session:
        changes = session.scalars(
            sa.select(AuditEntry.changes).where(AuditEntry.table_name == "office").order_by(AuditEntry.id.desc())
        ).first()
    assert changes is not None
    changed = set(json.loads(changes))
    assert {"name", "alert_short_days", "alert_medium_days", "alert_long_days"} <= changed
    assert not changed & {"currency", "home_state", "paper_size", "fy_start_month", "variance_threshold_pct"}


def test_alert_windows_out_of_order_show_a_message_and_save_nothing(
    qtbot: QtBot, demo_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    before = settings_of(demo_db)
    dialog = open_settings(demo_db)
    dialog.tabs.setCurrentIndex(ALERTS_TAB)
    type_into(qtbot, dialog, "alert_short_days", "75")
    assert dialog.message_for("alert_short_days") == "It cannot be longer than the middle window (60 days)."
    message = dialog.findChild(QLabel, "message_alert_short_days")
    assert message is not None and message.isVisible()

    with qtbot.assertNotEmitted(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.editor("alert_short_days").field_value() == 75  # the user's input is kept
    assert settings_of(demo_db) == before

    type_into(qtbot, dialog, "alert_short_days", "")
    assert dialog.message_for("alert_short_days") == "This is required."
    type_into(qtbot, dialog, "alert_short_days", "30")
    assert dialog.message_for("alert_short_days") == ""


def test_currency_and_fiscal_year_are_locked_once_budget_lines_exist(
    demo_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    with demo_db.read() as session:
        lines = session.scalar(sa.select(sa.func.count()).select_from(BudgetLine))
    assert lines
    dialog = open_settings(demo_db)
    for key in ("currency", "fy_start_month"):
        assert not dialog.editor(key).focus_widgets()[0].isEnabled()
    assert dialog.lock_note.text().startswith(f"Locked: {lines} budget lines exist.")
    assert dialog.editor("name").focus_widgets()[0].isEnabled()


def test_on_a_fresh_office_currency_and_fiscal_year_can_change(
    qtbot: QtBot, fresh_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    dialog = open_settings(fresh_db)
    assert dialog.editor("currency").focus_widgets()[0].isEnabled()
    assert not dialog.lock_note.text().startswith("Locked")
    type_into(qtbot, dialog, "currency", "QQQ")
    assert "ISO 4217" in dialog.message_for("currency")
    type_into(qtbot, dialog, "currency", "nzd")
    assert dialog.message_for("currency") == ""
    dialog.editor("fy_start_month").set_field_value(1)
    save(qtbot, dialog)
    after = settings_of(fresh_db)
    assert (after.currency, after.fy_start_month, after.calendar.label(2025)) == ("NZD", 1, "2025")


def test_a_marking_added_between_the_two_becomes_the_ceiling(
    qtbot: QtBot, fresh_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    dialog = open_settings(fresh_db)
    dialog.tabs.setCurrentIndex(MARKINGS_TAB)
    dialog.select_marking("OFFICIAL")
    dialog.new_marking_edit.setText(PERSONAL)  # QTest types only Latin-1 characters, and the label has a dash
    with qtbot.waitSignal(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    shown = [dialog.scheme_table.item(row, 0).text() for row in range(dialog.scheme_table.rowCount())]
    assert shown == ["OFFICIAL: Sensitive", PERSONAL, "OFFICIAL"]  # most sensitive first
    with fresh_db.read() as session:
        assert [m.label for m in list_markings(session)] == ["OFFICIAL", PERSONAL, "OFFICIAL: Sensitive"]

    # The same label again is refused next to the new-marking box.
    dialog.new_marking_edit.setText(PERSONAL.upper())
    with qtbot.assertNotEmitted(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message_for("new_marking") == "A marking with this label already exists."

    dialog.max_picker.setCurrentIndex(dialog.max_picker.findText(PERSONAL))
    dialog.default_picker.setCurrentIndex(dialog.default_picker.findText("OFFICIAL: Sensitive"))
    assert dialog.message_for("max_marking_id") == "The highest allowed marking cannot be below the office default."
    dialog.default_picker.setCurrentIndex(dialog.default_picker.findText("OFFICIAL"))
    assert dialog.message_for("max_marking_id") == ""
    save(qtbot, dialog)
    after = settings_of(fresh_db)
    assert (after.default_marking, after.max_marking) == ("OFFICIAL", PERSONAL)


def test_the_scheme_moves_renames_and_archives_in_place(
    qtbot: QtBot, fresh_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    dialog = open_settings(fresh_db)
    dialog.tabs.setCurrentIndex(MARKINGS_TAB)
    qtbot.keyClicks(dialog.new_marking_edit, "PROTECTED")
    qtbot.keyClick(dialog.new_marking_edit, Qt.Key.Key_Return)  # Enter adds, it does not press Save
    assert dialog.isVisible()
    assert dialog.selected_marking() is not None and dialog.selected_marking().label == "PROTECTED"
    assert not dialog.move_up_button.isEnabled()
    qtbot.mouseClick(dialog.move_down_button, Qt.MouseButton.LeftButton)
    dialog.scheme_table.item(1, 0).setText("Protected")  # what an in-place edit commits
    qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
    with fresh_db.read() as session:
        rows = list_markings(session)
    assert [(m.label, m.archived) for m in rows] == [
        ("OFFICIAL", False),
        ("Protected", True),
        ("OFFICIAL: Sensitive", False),
    ]
    assert dialog.archive_button.text() == "Restore"
    assert dialog.max_picker.findText("Protected") == -1  # archived markings cannot be chosen

    dialog.select_marking("OFFICIAL")
    qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
    assert "office default marking cannot be archived" in dialog.scheme_message.text()


def test_a_settings_conflict_is_explained_and_the_form_reloaded(
    qtbot: QtBot, demo_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    dialog = open_settings(demo_db)
    with demo_db.write(actor="colleague") as session:
        update_settings(session, settings_of(demo_db).version, {"home_state": "Elsewhere"})
    type_into(qtbot, dialog, "name", "Mine")
    with qtbot.assertNotEmitted(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "changed by colleague" in dialog.message_area.text()
    assert dialog.editor("home_state").field_value() == "Elsewhere"
    assert settings_of(demo_db).name != "Mine"
    type_into(qtbot, dialog, "name", "Mine")
    save(qtbot, dialog)
    assert (settings_of(demo_db).name, settings_of(demo_db).home_state) == ("Mine", "Elsewhere")


def test_a_read_only_database_shows_everything_disabled(
    demo_path: Path, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    db = open_database(demo_path, readonly=True)
    try:
        dialog = open_settings(db)
        for key in ("name", "home_state", "paper_size", "variance_threshold_pct", "alert_short_days"):
            assert not dialog.editor(key).focus_widgets()[0].isEnabled()
        for widget in (dialog.default_picker, dialog.max_picker, dialog.new_marking_edit, dialog.add_button):
            assert not widget.isEnabled()
        assert not dialog.save_button.isVisible()
        assert "read-only" in dialog.message_area.text()
        dialog.close()
    finally:
        db.close()


@pytest.fixture
def restore_theme(qapp: QApplication) -> Iterator[None]:
    yield
    apply_theme(qapp, "system")


def test_the_theme_applies_at_once_and_is_remembered(
    qtbot: QtBot,
    qapp: QApplication,
    demo_db: Database,
    app_settings: AppSettings,
    open_settings: Callable[[Database], SettingsDialog],
    restore_theme: None,
) -> None:
    dialog = open_settings(demo_db)
    assert dialog.theme_buttons["system"].isChecked()
    dark = dialog.theme_buttons["dark"]
    qtbot.mouseClick(dark, Qt.MouseButton.LeftButton, pos=QPoint(8, dark.height() // 2))  # on the indicator
    assert theme_controller(qapp).mode == "dark"
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert app_settings.theme == "dark"
    app_settings.sync()
    assert AppSettings(Path(app_settings.file_name)).theme == "dark"


def test_every_field_has_an_accessible_name(
    demo_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    from PySide6.QtWidgets import QComboBox, QPushButton, QRadioButton, QTableWidget

    dialog = open_settings(demo_db)
    fields = [*dialog.findChildren(QLineEdit), *dialog.findChildren(QComboBox), *dialog.findChildren(QTableWidget)]
    unnamed = [w for w in fields if not w.accessibleName() and not isinstance(w.parent(), QComboBox | QTableWidget)]
    assert not unnamed
    assert all(b.text() for b in [*dialog.findChildren(QPushButton), *dialog.findChildren(QRadioButton)])


def test_the_office_time_zone_is_checked_next_to_its_field_then_saved(
    qtbot: QtBot, fresh_db: Database, open_settings: Callable[[Database], SettingsDialog]
) -> None:
    dialog = open_settings(fresh_db)
    type_into(qtbot, dialog, "timezone", "Mars/Olympus_Mons")
    with qtbot.assertNotEmitted(dialog.sig_settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message_for("timezone").startswith("'Mars/Olympus_Mons' is not a time zone")
    assert settings_of(fresh_db).timezone == ""
    type_into(qtbot, dialog, "timezone", "Australia/Sydney")
    save(qtbot, dialog)
    assert settings_of(fresh_db).timezone == "Australia/Sydney"
