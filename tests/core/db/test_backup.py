"""Backups through the SQLite backup API: complete under concurrent writes, verified, rotated, restorable."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.backup import (
    BackupFile,
    backups_to_keep,
    copy_into,
    list_backups,
    take_backup,
    verify_backup_file,
)
from core.db.engine import Database
from core.db.errors import CorruptDatabase, NotADatabase
from core.domain.organisations import Organisation, OrgType


def count_orgs(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM organisation").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_backup_during_concurrent_writes_is_consistent(schema_db: Database, tmp_path: Path) -> None:
    assert schema_db.path is not None
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 400:
            with schema_db.write() as session:
                session.add(Organisation(name=f"Org {i}", name_key=f"org {i}", org_type=OrgType.AGENCY))
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup = take_backup(schema_db.path, "manual", backup_dir=tmp_path / "backups")
    finally:
        stop.set()
        thread.join(10)
    verify_backup_file(backup)
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [row[0] for row in conn.execute("SELECT id FROM organisation ORDER BY id")]
    conn.close()
    # A consistent snapshot: whatever it holds is a gap-free prefix of what was committed.
    assert ids == list(range(1, len(ids) + 1))
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_verify_rejects_damaged_and_foreign_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.cyberdesk"
    text.write_text("not a database")
    with pytest.raises(NotADatabase):
        verify_backup_file(text)
    header_only = tmp_path / "short.cyberdesk"
    header_only.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises((CorruptDatabase, NotADatabase)):
        verify_backup_file(header_only)


def test_rotation_keeps_recent_daily_weekly_monthly() -> None:
    now = datetime(2025, 8, 15, 12, tzinfo=UTC)
    taken = [now - timedelta(hours=6 * i) for i in range(4 * 400)]  # four a day for 400 days
    backups = [BackupFile(Path(f"b{i}"), t, "daily") for i, t in enumerate(taken)]
    kept = backups_to_keep(backups, now=now)
    kept_times = sorted((b.taken_at for b in backups if b.path in kept), reverse=True)
    assert len(kept) <= 3 + 7 + 4 + 12
    assert kept_times[0] == now
    # one per day in the last week
    assert len({t.date() for t in kept_times if (now - t).days < 7}) == 7
    assert min(kept_times) >= now - timedelta(days=12 * 31)


@pytest.mark.sqlite_only
def test_take_backup_rotates_the_folder(schema_db: Database, tmp_path: Path) -> None:
    assert schema_db.path is not None
    folder = tmp_path / "rot"
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for day in range(40):
        take_backup(schema_db.path, "daily", backup_dir=folder, now=start + timedelta(days=day))
    names = list_backups(folder)
    assert 7 <= len(names) < 40
    assert names[0].taken_at == start + timedelta(days=39)


@pytest.mark.sqlite_only
def test_copy_into_replaces_contents_of_a_live_wal_database(schema_db: Database, tmp_path: Path) -> None:
    assert schema_db.path is not None
    with schema_db.write() as session:
        session.add(Organisation(name="Kept", name_key="kept", org_type=OrgType.AGENCY))
    snapshot = take_backup(schema_db.path, "manual", backup_dir=tmp_path / "b")
    with schema_db.write() as session:
        session.add(Organisation(name="Later", name_key="later", org_type=OrgType.AGENCY))
    schema_db.engine.dispose()
    copy_into(snapshot, schema_db.path)
    with schema_db.read() as session:
        assert session.scalars(sa.select(Organisation.name)).all() == ["Kept"]
    assert count_orgs(schema_db.path) == 1
