"""Where the application keeps its files by default (platformdirs, local not roaming)."""

from __future__ import annotations

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
