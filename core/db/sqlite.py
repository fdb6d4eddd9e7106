"""Everything SQLite-specific: file inspection before opening, pragmas, transaction modes, network paths."""

from __future__ import annotations

import contextlib
import enum
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.db.errors import CorruptDatabase, NotADatabase

SQLITE_HEADER = b"SQLite format 3\x00"
_HEADER_BYTES = 100
BUSY_TIMEOUT_S = 5.0
WRITE_OPTION = "cyberdesk_write"

_NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb3",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ncpfs",
        "davfs",
        "fuse.davfs2",
    }
)
_SYNC_FOLDER_MARKERS = (
    "onedrive",
    "sharepoint",
    "dropbox",
    "google drive",
    "googledrive",
    "icloud",
    "box sync",
    # macOS keeps every provider's folder here (OneDrive, Google Drive, Dropbox), and iCloud Drive under its own name.
    "library/cloudstorage",
    "mobile documents/com~apple~clouddocs",
    "my drive",  # Google Drive for desktop's root
)


class FileKind(enum.Enum):
    EMPTY = "empty"  # 0 bytes, or a valid SQLite file with no tables
    OFFICE = "office"  # has our alembic_version table
    FOREIGN = "foreign"  # some other application's SQLite database


@dataclass(frozen=True)
class FileState:
    kind: FileKind
    revisions: frozenset[str]
    wal: bool = False  # the header says WAL mode: opening with WAL on does not write to the file


def readonly_uri(path: Path) -> str:
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def readwrite_uri(path: Path) -> str:
    # mode=rw: a path that vanished (unmapped drive) fails instead of silently creating an empty database.
    return f"file:{quote(str(path.resolve()))}?mode=rw"


@contextlib.contextmanager
def raw_readonly(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        yield conn
    finally:
        conn.close()


def inspect_file(path: Path, *, full_check: bool = False, integrity: bool = True) -> FileState:
    """Look at a database through a read-only connection; nothing here can change the file.

    `integrity=False` leaves out the check of every page (O(size of the file)), for a caller that runs
    check_integrity() itself later; the header, the tables and the schema version are always read.
    """
    size = path.stat().st_size
    if size == 0:
        return FileState(FileKind.EMPTY, frozenset())
    with path.open("rb") as f:
        header = f.read(_HEADER_BYTES)
    if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        raise NotADatabase(f"{path.name} is not a Cyber Affairs Desk database (it is not an SQLite file).")
    # Bytes 18 and 19, the file format write and read versions, are 2 in WAL mode.
    wal = header[18:20] == b"\x02\x02"
    try:
        with raw_readonly(path) as conn:
            if integrity:
                _check_pages(conn, path, full_check)
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return FileState(FileKind.EMPTY, frozenset(), wal)
            if "alembic_version" not in tables:
                return FileState(FileKind.FOREIGN, frozenset(), wal)
            revisions = frozenset(row[0] for row in conn.execute("SELECT version_num FROM alembic_version"))
            return FileState(FileKind.OFFICE, revisions, wal)
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from exc


def check_integrity(path: Path, *, full_check: bool = False) -> None:
    """Raise CorruptDatabase if any page of the file is damaged (`full_check`: indexes against tables as well)."""
    try:
        with raw_readonly(path) as conn:
            _check_pages(conn, path, full_check)
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from exc


def _check_pages(conn: sqlite3.Connection, path: Path, full_check: bool) -> None:
    check = "integrity_check" if full_check else "quick_check"
    problems = [row[0] for row in conn.execute(f"PRAGMA {check}(5)")]
    if problems != ["ok"]:
        raise CorruptDatabase(f"{path.name} is damaged ({problems[0][:120]}); restore it from a backup.")


def _damaged(path: Path, exc: sqlite3.DatabaseError) -> NotADatabase | CorruptDatabase:
    message = str(exc)
    if "not a database" in message or "file is encrypted" in message:
        return NotADatabase(f"{path.name} is not a Cyber Affairs Desk database ({message}).")
    return CorruptDatabase(f"{path.name} is damaged ({message}); restore it from a backup.")


def is_network_path(path: Path, mounts_file: Path = Path("/proc/mounts")) -> bool:
    """True for a UNC path, a mapped network drive, or a network filesystem mount (SQLite locking is unsafe there)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        drive = path.resolve().drive
        if drive:
            drive_remote = 4
            return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote)
        return False
    try:
        mounts = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    resolved = str(path.resolve())
    best, best_type = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type in _NETWORK_FS_TYPES


def is_sync_folder(path: Path) -> bool:
    lowered = str(path.resolve()).lower().replace("\\", "/")
    return any(marker in lowered for marker in _SYNC_FOLDER_MARKERS)


def location_warning(path: Path) -> str | None:
    if is_network_path(path):
        return (
            f"{path.name} is on a network drive, where SQLite cannot lock reliably. "
            "Keep the database on this computer, or use shared office mode (PostgreSQL) for a whole office."
        )
    if is_sync_folder(path):
        return (
            f"{path.name} is inside a sync folder (OneDrive, SharePoint, Dropbox): syncing a live database "
            "can corrupt it. Keep it elsewhere, or use shared office mode (PostgreSQL)."
        )
    return None


def create_sqlite_engine(path: Path, *, readonly: bool = False, wal: bool = True, foreign_keys: bool = True) -> Engine:
    """An engine with real transactions: reads BEGIN DEFERRED, writes BEGIN IMMEDIATE (no BUSY_SNAPSHOT)."""
    uri = readonly_uri(path) if readonly else readwrite_uri(path)
    engine = sa.create_engine(
        "sqlite+pysqlite:///" + uri + "&uri=true",
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself: pysqlite's legacy mode would otherwise run DDL outside transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        if not readonly:
            cur.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
            cur.execute("PRAGMA synchronous=FULL")
        else:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write and not readonly else "BEGIN")

    return engine


def sqlite_error_name(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return str(getattr(orig, "sqlite_errorname", ""))
