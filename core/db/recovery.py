"""Getting an office back: its backups checked newest first, a restore that never destroys the damaged file, and
the once-a-day backup taken after the window is up (DESIGN.md §5)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.db import backup as backups
from core.db.errors import (
    CorruptDatabase,
    DatabaseError,
    EmptyDatabase,
    NewerSchema,
    NotADatabase,
    NotAnOfficeDatabase,
)
from core.db.lock import DatabaseLock
from core.db.migrate import known_revisions
from core.db.paths import backup_dir_for
from core.db.sqlite import FileKind, inspect_file

DAILY_REASON = "daily"
# Refusals of a file that cannot be opened as it is: each is answered by offering the latest verified backup.
REFUSALS_WITH_BACKUP_OFFER: tuple[type[DatabaseError], ...] = (
    CorruptDatabase,
    NotADatabase,
    NotAnOfficeDatabase,
    NewerSchema,
    EmptyDatabase,
)
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class CheckedBackup:
    path: Path
    taken_at: datetime
    reason: str
    size: int
    problem: str | None  # None: intact, an office, and from a version this one can open

    @property
    def verified(self) -> bool:
        return self.problem is None

    @property
    def label(self) -> str:
        """The backup's time as a user reads it (local time, to the minute)."""
        return self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")


def backup_problem(path: Path) -> str | None:
    """Why `path` cannot be restored (damaged, not an office, from a newer version), or None if it can."""
    try:
        backups.verify_backup_file(path)
        state = inspect_file(path)
    except DatabaseError as exc:
        return str(exc)
    if state.kind is not FileKind.OFFICE:
        return f"{path.name} is not a backup of an office."
    if state.revisions - known_revisions():
        return f"{path.name} comes from a newer version of Cyber Affairs Desk; it cannot be restored here."
    return None


def check_backups(db_path: Path) -> list[CheckedBackup]:
    """Every backup of the office at `db_path`, newest first, each checked in full (for the restore dialog)."""
    return [_checked(b) for b in backups.list_backups(backup_dir_for(db_path))]


def latest_verified_backup(db_path: Path) -> CheckedBackup | None:
    """The newest backup of `db_path` that passes its integrity check and can be opened here; older ones are
    checked only when a newer one fails, so offering a backup costs one check in the usual case."""
    for found in backups.list_backups(backup_dir_for(db_path)):
        checked = _checked(found)
        if checked.verified:
            return checked
    return None


def check_backup_file(path: Path) -> CheckedBackup:
    """Any file offered as a backup (one written elsewhere with `backup -o`), checked like those beside the office."""
    try:
        taken = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        taken = datetime.now(UTC)
    return _checked(backups.BackupFile(path, taken, "chosen file"))


def _checked(found: backups.BackupFile) -> CheckedBackup:
    try:
        size = found.path.stat().st_size
    except OSError:
        size = 0
    return CheckedBackup(found.path, found.taken_at, found.reason, size, backup_problem(found.path))


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    source: Path
    previous_backup: Path | None  # the sound database that was replaced, backed up first
    set_aside: Path | None  # the unreadable database that was replaced, renamed, never altered


def restore_backup(candidate: Path, target: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace the office at `target` with `candidate` after checking it. A sound current office is backed up
    first; one that cannot be read (damaged, foreign, newer) is renamed aside byte for byte, with its journal
    files, so nothing the user had is lost and its stale journal never meets the restored file."""
    candidate = candidate.expanduser().absolute()
    problem = backup_problem(candidate)
    if problem is not None:
        raise DatabaseError(problem)
    target = target.expanduser().absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    previous: Path | None = None
    aside: Path | None = None
    with DatabaseLock(target):
        if target.exists():
            if _is_sound_office(target):
                previous = backups.take_backup(target, "before-restore", now=now)
            elif target.stat().st_size > 0:
                aside = set_aside(target, now=now)
            else:
                target.unlink()
        backups.copy_into(candidate, target)
    return RestoreResult(target, candidate, previous, aside)


def _is_sound_office(path: Path) -> bool:
    try:
        state = inspect_file(path)
    except DatabaseError:
        return False
    return state.kind is FileKind.OFFICE and not (state.revisions - known_revisions())


def set_aside(path: Path, *, now: datetime | None = None) -> Path:
    """Rename `path` (and its -wal/-shm/-journal) to `<name>-unreadable-<stamp><suffix>` beside it."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.stem}-unreadable-{stamp}{path.suffix}")
    path.replace(aside)
    for side in _SIDE_FILES:
        extra = path.with_name(path.name + side)
        if extra.exists():
            with contextlib.suppress(OSError):
                extra.replace(aside.with_name(aside.name + side))
    return aside


def backup_if_due(db_path: Path, *, now: datetime | None = None) -> Path | None:
    """The start-up backup: one a day (by UTC date) unless a backup of any kind was already taken that day."""
    now = now or datetime.now(UTC)
    today = now.astimezone(UTC).date()
    if any(b.taken_at.date() == today for b in backups.list_backups(backup_dir_for(db_path))):
        return None
    return backups.take_backup(db_path, DAILY_REASON, now=now)
