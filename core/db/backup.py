"""Backups through SQLite's online backup API (never a file copy), verified, rotated and restorable."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from core.db.errors import CorruptDatabase, DatabaseError, NotADatabase
from core.db.paths import backup_dir_for
from core.db.sqlite import BUSY_TIMEOUT_S, SQLITE_HEADER, readonly_uri

_NAME_RE = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\d{6}Z)-(?P<reason>[a-z-]+)\.cyberdesk$")

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
KEEP_NEWEST = 3


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str


def _verify(conn: sqlite3.Connection, label: str) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if result != ["ok"]:
        raise CorruptDatabase(f"{label} failed its integrity check ({result[0][:120]}).")


def backup_to(src_path: Path, dest: Path) -> Path:
    """Copy a live database consistently (WAL included) into `dest`, verify it, then move it into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    src = sqlite3.connect(readonly_uri(src_path), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            # A backup copies the source's journal mode; a standalone file is safer as a rollback-journal file.
            dst.execute("PRAGMA journal_mode=DELETE")
            _verify(dst, f"The backup {dest.name}")
        finally:
            dst.close()
        tmp.replace(dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    finally:
        src.close()
    return dest


def take_backup(db_path: Path, reason: str, *, backup_dir: Path | None = None, now: datetime | None = None) -> Path:
    now = now or datetime.now(UTC)
    folder = backup_dir or backup_dir_for(db_path)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    dest = folder / f"{db_path.stem}-{stamp}-{reason}.cyberdesk"
    backup_to(db_path, dest)
    rotate_backups(folder, now=now)
    return dest


def list_backups(folder: Path) -> list[BackupFile]:
    found: list[BackupFile] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME_RE.match(path.name)
        if match:
            taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            found.append(BackupFile(path, taken, match["reason"]))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def backups_to_keep(backups: list[BackupFile], *, now: datetime) -> set[Path]:
    """Grandfather-father-son thinning: the newest few, then one a day, a week and a month."""
    keep = {b.path for b in backups[:KEEP_NEWEST]}
    seen_days: set[date] = set()
    seen_weeks: set[tuple[int, int]] = set()
    seen_months: set[tuple[int, int]] = set()
    for b in backups:  # newest first, so the first seen in each period is that period's latest
        day = b.taken_at.date()
        week = day.isocalendar()[:2]
        month = (day.year, day.month)
        age = (now.date() - day).days
        if (
            (age < KEEP_DAILY and day not in seen_days)
            or (age < KEEP_WEEKLY * 7 and week not in seen_weeks)
            or (age < KEEP_MONTHLY * 31 and month not in seen_months)
        ):
            keep.add(b.path)
        seen_days.add(day)
        seen_weeks.add(week)
        seen_months.add(month)
    return keep


def rotate_backups(folder: Path, *, now: datetime | None = None) -> list[Path]:
    now = now or datetime.now(UTC)
    backups = list_backups(folder)
    keep = backups_to_keep(backups, now=now)
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b.path)
    return removed


def verify_backup_file(path: Path) -> None:
    """A restore candidate must be an intact SQLite file; the schema check is the caller's."""
    if not path.is_file():
        raise DatabaseError(f"No backup file at {path}.")
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise NotADatabase(f"{path.name} is not a Cyber Affairs Desk backup (it is not an SQLite file).")
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            _verify(conn, path.name)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabase(f"{path.name} is damaged ({exc}); choose another backup.") from exc


def copy_into(candidate: Path, target: Path) -> None:
    """Replace the target's contents through the backup API, so its WAL and locks are respected."""
    src = sqlite3.connect(readonly_uri(candidate), uri=True)
    try:
        dst = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
        try:
            src.backup(dst)
            _verify(dst, target.name)
        finally:
            dst.close()
    finally:
        src.close()
