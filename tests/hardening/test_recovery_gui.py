"""Restoring from the GUI: an unreadable office offers "Restore backup from <date>…", File > Restore from backup…
lists the backups with date, size and whether each passed its check, and the start-up backup follows the first
paint."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QMessageBox

from core.db.backup import list_backups, take_backup
from core.db.paths import backup_dir_for
from core.db.recovery import DAILY_REASON
from desktop.main_window import MainWindow
from tests.core.db.test_engine import scribble
from tests.hardening.test_recovery import digest


def open_office_names(window: MainWindow) -> set[str]:
    """The organisations of the office open in the window (after a restore: the restored one's)."""
    from core.domain.organisations import Organisation

    assert window.db is not None
    with window.db.read() as session:
        return set(session.scalars(Organisation.__table__.select().with_only_columns(Organisation.name)))


@pytest.fixture
def answers_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    return asked


def test_an_unreadable_office_offers_its_latest_verified_backup_and_restores_it(
    window: MainWindow, office: Path, answers_yes: list[str]
) -> None:
    taken = datetime.now(UTC) - timedelta(hours=3)
    take_backup(office, "manual", now=taken)
    office.write_text("not a database at all\n" * 40, encoding="utf-8")
    before = digest(office)

    assert not window.open_database(office)
    box = window.files.refusal_box
    assert box is not None and box.isVisible()
    label = taken.astimezone().strftime("%Y-%m-%d %H:%M")
    assert "office.cyberdesk is not a Cyber Affairs Desk database" in box.text()
    assert f"The latest verified backup is from {label}." in box.text()
    (button,) = [b for b in box.buttons() if b.objectName() == "restoreBackupButton"]
    assert button.text() == f"Restore backup from {label}…"
    assert digest(office) == before

    button.click()
    assert "Replace office.cyberdesk with the backup from" in answers_yes[0]
    assert window.db is not None and window.db.path == office.resolve()
    assert window.windowTitle().startswith("Cyber Affairs Desk — Office of the Ambassador")
    (aside,) = office.parent.glob("office-unreadable-*.cyberdesk")
    assert digest(aside) == before
    assert f"kept as {aside.name}" in window.statusBar().currentMessage()


def test_damage_found_after_opening_offers_the_backup_too(
    qtbot: QtBot, window: MainWindow, office: Path, answers_yes: list[str]
) -> None:
    take_backup(office, "manual", now=datetime.now(UTC) - timedelta(days=1))
    conn = sqlite3.connect(office)  # in WAL mode, as every opened office is: then the page check is deferred
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    scribble(office, office, "audit_log")
    assert window.open_database(office)
    qtbot.waitUntil(lambda: window.integrity_box is not None, timeout=5_000)
    box = window.integrity_box
    assert box is not None
    (button,) = [b for b in box.buttons() if b.objectName() == "restoreBackupButton"]
    button.click()
    assert window.db is not None and not window.db.damaged
    window.db.check_integrity()
    assert len(list(office.parent.glob("office-unreadable-*.cyberdesk"))) == 1


def test_file_restore_lists_backups_with_date_size_and_verified_and_restores_the_chosen_one(
    window: MainWindow, office: Path, answers_yes: list[str]
) -> None:
    now = datetime.now(UTC)
    good = take_backup(office, "manual", now=now - timedelta(days=2))
    bad = take_backup(office, "before-update", now=now - timedelta(days=1))
    bad.write_bytes(bad.read_bytes()[:5000])
    assert window.open_database(office)
    with window.db.write() as session:  # type: ignore[union-attr]
        from core.domain.organisations import Organisation, OrgType

        session.add(Organisation(name="After the backups", name_key="after the backups", org_type=OrgType.AGENCY))

    window.actions["restore_backup"].trigger()
    dialog = window.files.restore_dialog
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    backups_listed = [b for b in list_backups(backup_dir_for(office)) if b.reason != DAILY_REASON]
    assert len(backups_listed) == 2
    rows = {table.item(r, 1).text(): [table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())}
    assert rows["before-update"][3] == "no" and rows["manual"][3] == "yes"
    assert rows["manual"][0] == (now - timedelta(days=2)).astimezone().strftime("%Y-%m-%d %H:%M")
    assert rows["manual"][2].endswith("KB") or rows["manual"][2].endswith("MB")
    bad_row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "before-update")
    assert "damaged" in table.item(bad_row, 3).toolTip() or "not a" in table.item(bad_row, 3).toolTip()
    table.selectRow(bad_row)
    assert not dialog.restore_button.isEnabled()  # a backup that failed its check cannot be chosen
    good_row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "manual")
    table.selectRow(good_row)
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()

    names = open_office_names(window)
    assert "After the backups" not in names and "Agency 1" in names
    # The office that was replaced was sound, so it was backed up first, with the new row in it.
    assert any(b.reason == "before-restore" for b in list_backups(backup_dir_for(office)))
    assert good.exists()


def test_the_start_up_backup_is_taken_after_the_first_paint(qtbot: QtBot, window: MainWindow, office: Path) -> None:
    assert list_backups(backup_dir_for(office)) == []
    assert window.open_database(office)
    # Not taken while opening: the first list paints first, then the backup runs in the background.
    assert list_backups(backup_dir_for(office)) == []
    qtbot.waitUntil(lambda: any(b.reason == DAILY_REASON for b in list_backups(backup_dir_for(office))), timeout=5_000)
    window.close_database()
    assert window.open_database(office)
    qtbot.wait(200)
    assert sum(b.reason == DAILY_REASON for b in list_backups(backup_dir_for(office))) == 1


def test_a_backup_written_elsewhere_can_be_chosen_and_a_bad_one_cannot(
    window: MainWindow, office: Path, tmp_path: Path, answers_yes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from core.db.backup import backup_to

    elsewhere = backup_to(office, tmp_path / "usb" / "office-copy.cyberdesk")
    notes = tmp_path / "usb" / "notes.cyberdesk"
    notes.write_text("not a backup\n" * 30, encoding="utf-8")
    assert window.open_database(office)
    with window.db.write() as session:  # type: ignore[union-attr]
        from core.domain.organisations import Organisation, OrgType

        session.add(Organisation(name="After the copy", name_key="after the copy", org_type=OrgType.AGENCY))
    window.actions["restore_backup"].trigger()
    dialog = window.files.restore_dialog
    assert dialog is not None

    picked = iter([str(notes), str(elsewhere)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (next(picked), ""))
    dialog.other_button.click()
    assert dialog.table.item(0, 3).text() == "no" and not dialog.restore_button.isEnabled()
    assert "not a Cyber Affairs Desk backup" in dialog.table.item(0, 3).toolTip()
    dialog.other_button.click()
    assert dialog.table.item(0, 1).text() == "chosen file" and dialog.table.item(0, 3).text() == "yes"
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()

    names = open_office_names(window)
    assert "After the copy" not in names and "Agency 299" in names
    assert elsewhere.exists()  # the chosen file is read, never moved
