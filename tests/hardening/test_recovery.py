"""Corrupt and foreign files (issue 9 item 5): each refused unchanged, with the latest verified backup offered and
restored from the command line; the damaged file kept aside byte for byte; the once-a-day backup."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.cli import EXIT_OK, EXIT_REFUSED, run
from core.db.backup import list_backups, take_backup
from core.db.engine import Database, open_database
from core.db.errors import DatabaseError
from core.db.paths import backup_dir_for
from core.db.recovery import (
    DAILY_REASON,
    backup_if_due,
    check_backups,
    latest_verified_backup,
    restore_backup,
)
from core.domain.organisations import Organisation
from tests.core.db.test_engine import add_org, scribble


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def org_names(path: Path) -> set[str]:
    with open_database(path, readonly=True) as db, db.read() as session:
        return set(session.scalars(Organisation.__table__.select().with_only_columns(Organisation.name)))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _scribble(path: Path) -> None:
    scribble(path, path)


def _text(path: Path) -> None:
    path.write_text("minutes of the meeting, not a database\n" * 50, encoding="utf-8")


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()


BREAKAGES: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "random bytes over a page": _scribble,
    "a text file": _text,
    "a newer version's database": _newer,
}


def _backups_with_a_bad_newest(office: Path) -> Path:
    """An older good backup, then a newer one that is itself damaged: the good one must be the one offered."""
    now = datetime.now(UTC)
    good = take_backup(office, "manual", now=now - timedelta(hours=2))
    bad = take_backup(office, "manual", now=now - timedelta(hours=1))
    scribble(bad, bad)
    return good


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_an_unreadable_office_is_explained_unchanged_and_its_latest_verified_backup_offered_and_restored(
    office: Path, breakage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _backups_with_a_bad_newest(office)
    with open_database(office) as db:
        add_org(db, "Added after the last backup")
    BREAKAGES[breakage](office)
    before = digest(office)

    code = run(["--db", str(office), "check"], out=lambda _line: None)
    err = capsys.readouterr().err
    assert code == EXIT_REFUSED
    assert err.count("\n") == 1, err
    assert f"The latest verified backup is from {latest_verified_backup(office).label}" in err  # type: ignore[union-attr]
    assert str(good) in err and "restore" in err
    assert digest(office) == before  # explained, never modified

    lines: list[str] = []
    assert run(["--db", str(office), "restore", str(good)], out=lines.append) == EXIT_OK
    (aside,) = office.parent.glob("office-unreadable-*.cyberdesk")
    assert digest(aside) == before  # the unreadable file is kept, byte for byte, beside the restored one
    assert any(str(aside) in line for line in lines)
    names = org_names(office)
    assert "Agency 299" in names and "Added after the last backup" not in names
    assert run(["--db", str(office), "check"], out=lambda _line: None) == EXIT_OK


def test_no_verified_backup_is_said_plainly(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _text(office)
    assert run(["--db", str(office), "check"], out=lambda _line: None) == EXIT_REFUSED
    assert capsys.readouterr().err.rstrip().endswith("No verified backup of it was found.")


def test_latest_verified_backup_skips_damaged_foreign_and_newer_backups(office: Path) -> None:
    now = datetime.now(UTC)
    good = take_backup(office, "manual", now=now - timedelta(days=3))
    newer = take_backup(office, "manual", now=now - timedelta(days=2))
    _newer(newer)
    damaged = take_backup(office, "manual", now=now - timedelta(days=1))
    _truncate(damaged)
    foreign = backup_dir_for(office) / f"office-{now.strftime('%Y%m%dT%H%M%S%fZ')}-manual.cyberdesk"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()

    found = latest_verified_backup(office)
    assert found is not None and found.path == good
    listed = {b.path: b for b in check_backups(office)}
    assert [b.path for b in check_backups(office)] == [foreign, damaged, newer, good]  # newest first
    assert listed[good].verified and listed[good].size == good.stat().st_size
    assert "newer version" in (listed[newer].problem or "")
    assert "damaged" in (listed[damaged].problem or "") or "not a" in (listed[damaged].problem or "")
    assert "not a backup of an office" in (listed[foreign].problem or "")


def test_restoring_a_damaged_backup_is_refused_and_changes_nothing(office: Path) -> None:
    bad = take_backup(office, "manual")
    _truncate(bad)
    before = digest(office)
    with pytest.raises(DatabaseError):
        restore_backup(bad, office)
    assert digest(office) == before
    assert not list(office.parent.glob("office-unreadable-*"))


def test_restoring_over_a_sound_office_backs_it_up_first(office: Path) -> None:
    backup = take_backup(office, "manual", now=datetime.now(UTC) - timedelta(minutes=5))
    with open_database(office) as db:
        add_org(db, "Made after the backup")
    result = restore_backup(backup, office)
    assert result.set_aside is None and result.previous_backup is not None
    assert "Made after the backup" in org_names(result.previous_backup)
    assert "Made after the backup" not in org_names(office)


def test_a_restore_never_meets_the_damaged_files_journal(office: Path) -> None:
    """A stale -wal beside an unreadable file goes aside with it, or SQLite would replay it into the restored copy."""
    good = take_backup(office, "manual")
    _scribble(office)
    wal = office.with_name(office.name + "-wal")
    wal.write_bytes(b"left over from the crash")
    result = restore_backup(good, office)
    assert result.set_aside is not None
    assert not wal.exists()
    assert result.set_aside.with_name(result.set_aside.name + "-wal").read_bytes() == b"left over from the crash"
    assert "Agency 0" in org_names(office)


def test_start_up_backup_is_taken_once_a_day(office: Path) -> None:
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = backup_if_due(office, now=day)
    assert first is not None and first.name.endswith(f"-{DAILY_REASON}.cyberdesk")
    assert backup_if_due(office, now=day + timedelta(hours=8)) is None
    second = backup_if_due(office, now=day + timedelta(days=1))
    assert second is not None
    assert [b.path for b in list_backups(backup_dir_for(office))] == [second, first]
    with open_database(second, readonly=True) as copy, copy.read() as session:
        assert session.get(Organisation, 1) is not None


def test_backup_offer_names_nothing_for_a_sound_office_refused_for_another_reason(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    take_backup(office, "manual")
    db: Database = open_database(office)
    try:
        # Held by another writer: a lock is not damage, so no backup is offered.
        assert run(["--db", str(office), "demo", "--replace"], out=lambda _line: None) == EXIT_REFUSED
    finally:
        db.close()
    assert "backup is from" not in capsys.readouterr().err
