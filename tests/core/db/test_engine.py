"""Opening databases: what is refused, what is never touched, and how sessions behave."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.db.errors import (
    CorruptDatabase,
    DatabaseBusy,
    DatabaseMissing,
    EmptyDatabase,
    NewerSchema,
    NotADatabase,
    NotAnOfficeDatabase,
    ReadOnlyDatabase,
)
from core.db.lock import DatabaseLocked
from core.db.migrate import head_revision
from core.db.sqlite import is_network_path, location_warning
from core.domain.organisations import Organisation, OrgType


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_org(db: Database, name: str) -> int:
    with db.write(actor="tester") as session:
        org = Organisation(name=name, name_key=name.casefold(), org_type=OrgType.AGENCY)
        session.add(org)
        session.flush()
        return org.id


def test_missing_path_is_never_created(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "office.cyberdesk"
    with pytest.raises(DatabaseMissing, match="No database at"):
        open_database(target)
    assert not target.exists()
    assert not target.parent.exists()


def test_create_builds_the_schema_at_head(tmp_path: Path) -> None:
    with open_database(tmp_path / "new.cyberdesk", create=True) as db, db.read() as session:
        version = session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        tables = set(sa.inspect(session.connection()).get_table_names())
    assert version == head_revision()
    assert {"action", "budget_month", "audit_log", "secondment", "commitment"} <= tables


def test_text_file_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.cyberdesk"
    path.write_text("these are my notes, not a database\n" * 20)
    before = digest(path)
    with pytest.raises(NotADatabase, match="not a Cyber Affairs Desk database"):
        open_database(path)
    assert digest(path) == before
    assert not (tmp_path / "notes.cyberdesk.lock").exists()


@pytest.mark.sqlite_only
def test_truncated_database_refused_and_unchanged(schema_db: Database, tmp_path: Path) -> None:
    add_org(schema_db, "Agency")
    source = schema_db.path
    assert source is not None
    schema_db.close()
    data = source.read_bytes()
    broken = tmp_path / "broken.cyberdesk"
    broken.write_bytes(data[: len(data) // 3])
    before = digest(broken)
    with pytest.raises((CorruptDatabase, NotADatabase)):
        open_database(broken)
    assert digest(broken) == before


@pytest.mark.sqlite_only
def test_scribbled_page_is_reported_as_damaged(schema_db: Database, tmp_path: Path) -> None:
    for i in range(300):
        add_org(schema_db, f"Agency {i}")
    source = schema_db.path
    assert source is not None
    schema_db.close()
    conn = sqlite3.connect(source)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'organisation'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(source.read_bytes())
    start = (root - 1) * page + 8  # inside the table's root page, past the page header
    data[start : start + 200] = bytes(range(200))
    damaged = tmp_path / "damaged.cyberdesk"
    damaged.write_bytes(bytes(data))
    before = digest(damaged)
    with pytest.raises(CorruptDatabase, match="damaged"):
        open_database(damaged)
    assert digest(damaged) == before


@pytest.mark.sqlite_only
def test_newer_schema_refused_with_bytes_unchanged(schema_db: Database) -> None:
    path = schema_db.path
    assert path is not None
    schema_db.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = digest(path)
    with pytest.raises(NewerSchema, match="newer version"):
        open_database(path)
    assert digest(path) == before
    assert not path.with_name(path.name + "-wal").exists()


def test_foreign_sqlite_and_empty_files_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAnOfficeDatabase):
        open_database(other)
    empty = tmp_path / "empty.cyberdesk"
    empty.touch()
    with pytest.raises(EmptyDatabase, match="empty"):
        open_database(empty)
    assert empty.stat().st_size == 0


@pytest.mark.sqlite_only
def test_pragmas_and_foreign_keys_enforced(schema_db: Database) -> None:
    with schema_db.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with pytest.raises(sa.exc.IntegrityError), schema_db.write() as session:
        session.execute(
            sa.text(
                "INSERT INTO person (full_name, name_key, organisation_id, role_title, email, phone,"
                " is_office_staff, is_liaison, notes, archived, version_id, created_at, updated_at)"
                " VALUES ('x', 'x', 999, '', '', '', 0, 0, '', 0, 1, '2025-01-01', '2025-01-01')"
            )
        )


@pytest.mark.sqlite_only
def test_second_writer_refused_while_first_holds_the_lock(schema_db: Database) -> None:
    assert schema_db.path is not None
    with pytest.raises(DatabaseLocked) as info:
        open_database(schema_db.path)
    assert str(info.value)
    # Read-only opening is what the GUI offers instead, and it needs no lock.
    with open_database(schema_db.path, readonly=True) as reader, pytest.raises(ReadOnlyDatabase):
        reader.write().__enter__()


@pytest.mark.sqlite_only
def test_busy_database_gives_a_friendly_error_and_keeps_data(schema_db: Database) -> None:
    add_org(schema_db, "Before")
    assert schema_db.path is not None
    other = sqlite3.connect(schema_db.path, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        schema_db.engine.pool.dispose()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("core.db.sqlite.BUSY_TIMEOUT_S", 0.1)
            fast = Database(engine=_short_timeout_engine(schema_db), path=schema_db.path)
            with pytest.raises(DatabaseBusy, match="busy"):
                add_org(fast, "During")
            fast.engine.dispose()
    finally:
        other.execute("ROLLBACK")
        other.close()
    with schema_db.read() as session:
        names = session.scalars(sa.select(Organisation.name)).all()
    assert names == ["Before"]


def _short_timeout_engine(db: Database) -> sa.Engine:
    from core.db.sqlite import create_sqlite_engine

    assert db.path is not None
    engine = create_sqlite_engine(db.path)
    engine.pool._creator = _with_timeout(engine.pool._creator)  # type: ignore[attr-defined]
    return engine


def _with_timeout(creator):  # type: ignore[no-untyped-def]
    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = creator(*args, **kwargs)
        conn.execute("PRAGMA busy_timeout = 100")
        return conn

    return connect


def test_write_sessions_run_one_at_a_time(schema_db: Database) -> None:
    order: list[str] = []
    entered = threading.Event()

    def slow_writer() -> None:
        with schema_db.write() as session:
            entered.set()
            order.append("first-start")
            session.add(Organisation(name="First", name_key="first", org_type=OrgType.AGENCY))
            session.flush()
            order.append("first-end")

    thread = threading.Thread(target=slow_writer)
    thread.start()
    entered.wait(5)
    add_org(schema_db, "Second")
    order.append("second-done")
    thread.join(5)
    assert order.index("first-end") < order.index("second-done")


def test_network_and_sync_locations_are_warned(tmp_path: Path) -> None:
    assert is_network_path(Path(r"\\server\share\office.cyberdesk"))
    mounts = tmp_path / "mounts"
    mounts.write_text(f"server:/export {tmp_path} nfs4 rw 0 0\n/dev/vda / ext4 rw 0 0\n")
    assert is_network_path(tmp_path / "office.cyberdesk", mounts_file=mounts)
    assert not is_network_path(Path("/var/office.cyberdesk"), mounts_file=mounts)
    warning = location_warning(Path.home() / "OneDrive - Ministry" / "office.cyberdesk")
    assert warning is not None and "sync folder" in warning


def test_sqlite_url_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "via-url.cyberdesk"
    with open_database(f"sqlite:///{path}", create=True) as db:
        assert db.path == path
        assert add_org(db, "Agency") == 1


@pytest.mark.sqlite_only
def test_read_only_database_refuses_every_write_path(schema_db: Database, tmp_path: Path) -> None:
    assert schema_db.path is not None
    reader = open_database(schema_db.path, readonly=True)
    try:
        assert reader.readonly and reader.lock is None
        with pytest.raises(ReadOnlyDatabase), reader.raw_write():
            pass
        backup = reader.backup(dest=tmp_path / "copy.cyberdesk")
        assert backup.exists()
    finally:
        reader.close()


@pytest.mark.sqlite_only
def test_older_schema_without_migrate_is_refused(schema_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.db import engine as engine_module
    from core.db.errors import DatabaseError

    path = schema_db.path
    assert path is not None
    schema_db.close()
    monkeypatch.setattr(engine_module, "head_revision", lambda: "0002_not_yet_applied")
    with pytest.raises(DatabaseError, match="needs updating"):
        open_database(path, migrate=False)
    with pytest.raises(ReadOnlyDatabase, match="needs updating"):
        open_database(path, readonly=True)
    assert not path.with_name(path.name + ".lock").exists()


def scribble(source: Path, target: Path, table: str = "organisation") -> None:
    """Copy `source` to `target` with 200 bytes of noise inside `table`'s root page, as a failing disk would leave."""
    conn = sqlite3.connect(source)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(source.read_bytes())
    start = (root - 1) * page + 8
    data[start : start + 200] = bytes(range(200))
    target.write_bytes(bytes(data))


def wal_office_with_orgs(schema_db: Database, count: int) -> Path:
    for i in range(count):
        add_org(schema_db, f"Agency {i}")
    path = schema_db.path
    assert path is not None
    schema_db.close()
    return path


@pytest.mark.sqlite_only
def test_deferred_check_finds_damage_after_opening_and_refuses_writes(schema_db: Database, tmp_path: Path) -> None:
    source = wal_office_with_orgs(schema_db, 300)
    damaged = tmp_path / "damaged.cyberdesk"
    scribble(source, damaged)
    before = digest(damaged)
    db = open_database(damaged, defer_integrity_check=True)
    try:
        assert db.integrity_pending and not db.damaged
        with pytest.raises(CorruptDatabase, match=r"(?s)damaged.*Changes cannot be saved"):
            db.check_integrity()
        assert db.damaged and not db.integrity_pending
        with pytest.raises(CorruptDatabase, match="damaged"), db.write() as session:
            session.add(Organisation(name="X", name_key="x", org_type=OrgType.AGENCY))
        with pytest.raises(CorruptDatabase, match="damaged"), db.raw_write():
            pass
    finally:
        db.close()
    assert digest(damaged) == before


@pytest.mark.sqlite_only
def test_a_write_before_the_deferred_check_runs_it_first(schema_db: Database) -> None:
    path = wal_office_with_orgs(schema_db, 3)
    with open_database(path, defer_integrity_check=True) as db:
        assert db.integrity_pending
        add_org(db, "Later")
        assert not db.integrity_pending and not db.damaged


@pytest.mark.sqlite_only
def test_deferred_check_is_not_deferred_when_opening_would_write(schema_db: Database, tmp_path: Path) -> None:
    # Not yet in WAL mode: opening switches it, so the pages are checked before that write, as without deferral.
    source = wal_office_with_orgs(schema_db, 300)
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    damaged = tmp_path / "damaged.cyberdesk"
    scribble(source, damaged)
    before = digest(damaged)
    with pytest.raises(CorruptDatabase, match="damaged"):
        open_database(damaged, defer_integrity_check=True)
    assert digest(damaged) == before
    with open_database(source, defer_integrity_check=True) as db:
        assert not db.integrity_pending


@pytest.mark.sqlite_only
def test_deferred_check_still_refuses_newer_schema_and_foreign_files(schema_db: Database, tmp_path: Path) -> None:
    path = wal_office_with_orgs(schema_db, 1)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NewerSchema, match="newer version"):
        open_database(path, defer_integrity_check=True)
    assert digest(path) == before
    text = tmp_path / "notes.cyberdesk"
    text.write_text("not a database\n" * 20)
    with pytest.raises(NotADatabase, match="not a Cyber Affairs Desk database"):
        open_database(text, defer_integrity_check=True)
