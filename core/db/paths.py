"""Where the application keeps its files by default (platformdirs, local not roaming)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from core import APP_ID

DATABASE_SUFFIX = ".cyberdesk"


def data_dir() -> Path:
    # roaming=False: a database on a roaming profile is copied around at logon, which SQLite does not survive.
    return platformdirs.user_data_path(APP_ID, appauthor=False, roaming=False)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_ID, appauthor=False)


def default_database_path() -> Path:
    return data_dir() / f"office{DATABASE_SUFFIX}"


def demo_database_path() -> Path:
    return data_dir() / f"demo-office{DATABASE_SUFFIX}"


def backup_dir_for(db_path: Path) -> Path:
    """Backups sit beside the database so they travel with it and are easy to find."""
    return db_path.with_name(db_path.name + "-backups")


def write_refusal(path: Path) -> str | None:
    """Why the office at `path` cannot be written from here (a read-only file, or a read-only folder, where SQLite
    cannot make its journal), or None. It can still be opened read-only."""
    advice = "It is open read-only: changes cannot be saved. Copy it to a folder you can write to, or ask for access."
    if not os.access(path, os.W_OK):
        return f"{path.name} is a read-only file. {advice}"
    if not os.access(path.parent, os.W_OK):
        return f"{path.name} is in a read-only folder ({path.parent}). {advice}"
    return None


FileIdentity = tuple[int, int]


def file_identity(path: Path) -> FileIdentity | None:
    """Which file is at `path` (device and inode), or None when nothing is there any more."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def vanished_problem(path: Path, opened: FileIdentity | None) -> str | None:
    """Why a save to the office opened at `path` must not go ahead: the file is gone, or another file took its place
    (a sync client or a copy). SQLite would otherwise go on writing to the old file, which nobody will see again."""
    now = file_identity(path)
    if now is None:
        return (
            f"{path.name} can no longer be found in {path.parent} (a network drive or USB disk gone?). Nothing was "
            "saved; your changes are still in the form. Reconnect it and save again."
        )
    if opened is not None and now != opened:
        return (
            f"{path.name} was replaced by another file while it was open (by a sync or a copy). Nothing was saved; "
            "your changes are still in the form. Reopen the office to go on."
        )
    return None
