"""Read-only, vanished and synced (issue 9 item 4): where the office file lives must never crash the app or lose what
the user typed.

Tests run as root here, and root writes through any permission bits, so a chmod would prove nothing: the read-only
file and folder are simulated at the one place the program asks (os.access, as seen by core.db.paths); the
read-only connection itself is real (SQLite's mode=ro).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

import core.db.paths as db_paths
from core.cli import EXIT_REFUSED, run
from core.db.engine import open_database
from core.db.errors import DatabaseUnavailable, ReadOnlyDatabase, ReadOnlyLocation
from core.db.sqlite import is_network_path, location_warning
from core.domain.organisations import Organisation
from desktop.main_window import MainWindow
from tests.core.db.test_engine import add_org
from tests.hardening.test_recovery import digest


def refuse_writes_to(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    real = os.access

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)).resolve() == refused.resolve():
            return False
        return real(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(db_paths.os, "access", access)


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_read_only_file_or_folder_is_refused_for_writing_and_opens_read_only(
    office: Path, monkeypatch: pytest.MonkeyPatch, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    refuse_writes_to(monkeypatch, office if where == "file" else office.parent)
    before = digest(office)
    with pytest.raises(ReadOnlyLocation, match=f"read-only {where}"):
        open_database(office)
    assert not office.with_name(office.name + ".lock").exists()
    assert run(["--db", str(office), "demo", "--replace"], out=lambda _l: None) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"read-only {where}" in err
    with open_database(office, readonly=True) as db:
        with db.read() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 300 + _seeded(office)
        with pytest.raises(ReadOnlyDatabase), db.write() as session:
            session.execute(sa.update(Organisation).values(notes="x"))
    assert digest(office) == before


def _seeded(office: Path) -> int:
    """Organisations the office was seeded with, besides the 300 agencies the fixture added."""
    with open_database(office, readonly=True) as db, db.read() as session:
        names = session.scalars(sa.select(Organisation.name)).all()
    return sum(not n.startswith("Agency ") for n in names)


def test_the_gui_opens_a_read_only_office_read_only_with_a_banner(
    window: MainWindow, office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_writes_to(monkeypatch, office.parent)
    assert window.open_database(office)
    assert window.db is not None and window.db.readonly
    assert window.windowTitle().endswith("(read-only)")
    assert window.location_banner.isVisible()
    assert "office.cyberdesk is in a read-only folder" in window.location_banner.text()
    assert "changes cannot be saved" in window.location_banner.text()
    assert not window.actions["new_record"].isEnabled()


def test_a_synced_office_is_warned_about_in_a_banner_naming_shared_office_mode(
    window: MainWindow, office_template: Path, tmp_path: Path
) -> None:
    from core.db.backup import backup_to

    synced = tmp_path / "OneDrive - Ministry of Foreign Affairs" / "office.cyberdesk"
    synced.parent.mkdir()
    backup_to(office_template, synced)
    assert window.open_database(synced)
    assert window.location_banner.isVisible()
    assert "sync folder" in window.location_banner.text()
    assert "shared office mode" in window.location_banner.text()
    window.close_database()
    assert not window.location_banner.isVisible()


@pytest.mark.parametrize(
    "folder",
    [
        "C:/Users/amb/OneDrive - Ministry/Office",
        "/Users/amb/Library/CloudStorage/GoogleDrive-amb@example.org/My Drive",
        "/Users/amb/Library/Mobile Documents/com~apple~CloudDocs/Office",
        "/home/amb/Dropbox/Office",
        "C:/Users/amb/iCloudDrive/Office",
        "G:/My Drive/Office",
    ],
)
def test_sync_folders_of_every_common_client_are_recognised(folder: str) -> None:
    warning = location_warning(Path(folder) / "office.cyberdesk")
    assert warning is not None and "sync folder" in warning and "shared office mode" in warning


@pytest.mark.parametrize("fs_type", ["nfs", "nfs4", "cifs", "smb3", "smbfs"])
def test_network_mounts_and_unc_paths_are_recognised(tmp_path: Path, fs_type: str) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"//server/office {tmp_path / 'share'} {fs_type} rw 0 0\n/dev/vda1 / ext4 rw 0 0\n")
    assert is_network_path(tmp_path / "share" / "office.cyberdesk", mounts_file=mounts)
    assert not is_network_path(tmp_path / "local" / "office.cyberdesk", mounts_file=mounts)
    assert is_network_path(Path(r"\\fileserver\cyber\office.cyberdesk"))


def test_a_network_office_is_warned_about_at_open(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.db.sqlite as sqlite_db

    monkeypatch.setattr(sqlite_db, "is_network_path", lambda path, mounts_file=None: True)
    with open_database(office) as db:
        assert db.warning is not None and "network drive" in db.warning and "shared office mode" in db.warning
        with db.read() as session:  # never WAL on a network drive: its shared memory does not work there
            assert session.execute(sa.text("PRAGMA journal_mode")).scalar() == "delete"


def test_a_vanished_office_refuses_the_next_save_clearly_and_writes_nothing(office: Path) -> None:
    db = open_database(office)
    try:
        add_org(db, "Saved before")
        away = office.with_name("unplugged.cyberdesk")
        office.rename(away)  # the drive is gone; SQLite would write on to the file it still holds open
        with pytest.raises(DatabaseUnavailable, match="can no longer be found") as refused:
            add_org(db, "Typed while away")
        assert "your changes are still in the form" in str(refused.value)
        away.rename(office)  # the drive is back: the same file, so saving goes on
        add_org(db, "Typed while away")
    finally:
        db.close()
    with open_database(office, readonly=True) as check, check.read() as session:
        names = set(session.scalars(sa.select(Organisation.name)))
    assert {"Saved before", "Typed while away"} <= names


def test_an_office_replaced_while_open_is_not_written_behind_the_users_back(office: Path, tmp_path: Path) -> None:
    from core.db.backup import backup_to

    db = open_database(office)
    try:
        other = tmp_path / "synced-down.cyberdesk"
        backup_to(office, other)
        other.replace(office)  # a sync client puts its copy in place
        with pytest.raises(DatabaseUnavailable, match="replaced by another file"):
            add_org(db, "Lost if written")
    finally:
        db.close()


def test_the_editor_keeps_what_was_typed_when_the_office_vanishes(
    qtbot: QtBot, office: Path, edit: Callable[..., Any]
) -> None:
    with open_database(office) as db:
        with db.read() as session:
            agency = session.scalars(sa.select(Organisation.id).where(Organisation.name == "Agency 7")).one()
        dialog = edit(db, "organisations", agency, "notes", "Met their CERT lead on Tuesday")
        away = office.with_name("unplugged.cyberdesk")
        office.rename(away)
        with qtbot.assertNotEmitted(dialog.sig_record_saved):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "can no longer be found" in dialog.message_area.text()
        assert dialog.isVisible() and dialog.editor("notes").field_value() == "Met their CERT lead on Tuesday"
        away.rename(office)
        with qtbot.waitSignal(dialog.sig_record_saved):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        with db.read() as session:
            assert session.get_one(Organisation, agency).notes == "Met their CERT lead on Tuesday"
