"""Opening a database safely (check first, lock, back up, migrate) and handing out read and write sessions."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.db import backup as backups
from core.db import paths
from core.db import postgres as pg
from core.db import sqlite as sqlite_db
from core.db.errors import (
    CorruptDatabase,
    DatabaseBusy,
    DatabaseError,
    DatabaseMissing,
    DatabaseUnavailable,
    DatabaseUnreachable,
    EmptyDatabase,
    MigrationFailed,
    NewerSchema,
    NotAnOfficeDatabase,
    ReadOnlyDatabase,
    ReadOnlyLocation,
)
from core.db.lock import DatabaseLock
from core.db.migrate import current_revisions, head_revision, known_revisions, upgrade_to_head
from core.db.text_index import reconcile_text_index
from core.domain.audit import audit_flush, current_actor
from core.domain.models import Base

log = logging.getLogger(__name__)


def is_url(value: str) -> bool:
    return "://" in value


@dataclass
class Database:
    """An open office database. Read sessions never write; write sessions run one at a time."""

    engine: Engine
    path: Path | None
    readonly: bool = False
    lock: DatabaseLock | None = None
    warning: str | None = None
    backup_taken: Path | None = None
    integrity_pending: bool = False
    """Opened before its pages were checked (open_database(defer_integrity_check=True)): see check_integrity()."""
    login: str | None = None
    """The server login (PostgreSQL current_user); None for a file. The audit trail records it beside the actor."""
    own_changes: pg.OwnChanges = field(default_factory=pg.OwnChanges, repr=False, compare=False)
    """The audit ids this client wrote on a server (live refresh skips them); empty for a file."""
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _integrity_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _damage: CorruptDatabase | None = field(default=None, repr=False)
    _identity: paths.FileIdentity | None = field(default=None, repr=False)
    _read_factory: sessionmaker[Session] = field(init=False, repr=False)
    _write_factory: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._read_factory = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        write_engine = self.engine.execution_options(**{sqlite_db.WRITE_OPTION: True})
        self._write_factory = sessionmaker(bind=write_engine, expire_on_commit=False)
        if not self.is_sqlite:
            # What BEGIN IMMEDIATE is on SQLite: one writer at a time across every client, so the audit chain is
            # appended in order and every read inside a write sees the latest committed rows.
            event.listen(self._write_factory, "after_begin", _take_write_lock)
            self.own_changes.track(self._write_factory)
        event.listen(self._write_factory, "after_flush", audit_flush)
        self._identity = paths.file_identity(self.path) if self.path is not None else None

    def _check_reachable(self) -> None:
        """Before a write: the file must still be the one opened (not gone with a network drive, nor replaced)."""
        problem = paths.vanished_problem(self.path, self._identity) if self.path is not None else None
        if problem:
            raise DatabaseUnavailable(problem)

    @property
    def name(self) -> str:
        return self.path.name if self.path else self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def recorded_actor(self, actor: str | None) -> str | None:
        """Who the audit trail names when the caller names no one: on a file, the OS user (audit_flush's default);
        on a server, the login too, as the OS name alone says little across an office's machines."""
        if actor or self.login is None:
            return actor
        person = current_actor()
        return person if person == self.login else f"{person} ({self.login})"

    def change_counter(self) -> int:
        """A number that grows with every committed change by any client (the newest audit entry's id): cheap
        enough to poll every second, so an open list can refresh when someone else saved."""
        with self.engine.connect() as conn:
            return pg.change_counter(conn)

    @property
    def damaged(self) -> bool:
        """The deferred check found damage: reads may go on (to rescue what is there), writes are refused."""
        return self._damage is not None

    def check_integrity(self) -> None:
        """Run the page check deferred at open (once; safe from any thread) and raise CorruptDatabase if the file
        is damaged. Every write calls this first, so nothing is written to a file not yet known to be sound."""
        with self._integrity_lock:
            if self.integrity_pending and self.path is not None:
                try:
                    sqlite_db.check_integrity(self.path)
                except DatabaseError as exc:
                    self._damage = CorruptDatabase(str(exc))
                    log.error("%s failed its integrity check after opening: %s", self.name, exc)
                self.integrity_pending = False
        if self._damage is not None:
            raise CorruptDatabase(f"{self._damage} Changes cannot be saved.")

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A deferred read transaction for lists, reports and exports; rolled back at the end."""
        session = self._read_factory()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring loaded objects, so callers may keep reading them.
            session.close()

    @contextlib.contextmanager
    def write(self, *, actor: str | None = None, **info: Any) -> Iterator[Session]:
        """One short write transaction (BEGIN IMMEDIATE on SQLite), committed on success, audited per change."""
        if self.readonly:
            raise ReadOnlyDatabase(f"{self.name} is open read-only; changes cannot be saved.")
        self.check_integrity()
        self._check_reachable()
        with self._write_lock:
            session = self._write_factory()
            actor = self.recorded_actor(actor)
            if actor:
                session.info["actor"] = actor
            session.info.update(info)
            try:
                yield session
                session.commit()
            except sa.exc.OperationalError as exc:
                session.rollback()
                if sqlite_db.sqlite_error_name(exc).startswith("SQLITE_BUSY"):
                    raise DatabaseBusy(
                        f"{self.name} is busy: another program is saving. Try again in a moment."
                    ) from exc
                if sqlite_db.sqlite_error_name(exc) == "SQLITE_FULL":  # SQLite has already rolled back (F7)
                    raise DatabaseUnavailable(
                        f"The disk holding {self.name} is full. Nothing was saved; your changes are still in the "
                        "form. Free some space and save again."
                    ) from exc
                if sqlite_db.sqlite_error_name(exc).startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")):
                    raise DatabaseUnavailable(
                        f"{self.name} could not be written ({exc.orig}). Nothing was saved; your changes are still "
                        "in the form."
                    ) from exc
                raise
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextlib.contextmanager
    def raw_write(self) -> Iterator[sa.Connection]:
        """A write transaction on a Core connection, for bulk writers (they write their own batch audit)."""
        if self.readonly:
            raise ReadOnlyDatabase(f"{self.name} is open read-only; changes cannot be saved.")
        self.check_integrity()
        self._check_reachable()
        with (
            self._write_lock,
            self.engine.execution_options(**{sqlite_db.WRITE_OPTION: True}).begin() as conn,
        ):
            if self.is_sqlite:
                yield conn
                return
            pg.advisory_xact_lock(conn, pg.WRITE_LOCK)
            before = self.own_changes.start(conn)
            yield conn
            self.own_changes.finish(before, conn)
            # Bulk writers choose ids themselves; the sequences must not hand the same ids out again.
            pg.reset_sequences(conn, Base.metadata.sorted_tables)

    def backup(self, reason: str = "manual", dest: Path | None = None) -> Path:
        if self.path is None:
            raise DatabaseError("Backups of a shared office database are made on the server (pg_dump).")
        if dest is not None:
            return backups.backup_to(self.path, dest)
        return backups.take_backup(self.path, reason)

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(
    value: str | Path,
    *,
    create: bool = False,
    readonly: bool = False,
    migrate: bool = True,
    take_lock: bool = True,
    defer_integrity_check: bool = False,
) -> Database:
    """Open a path or URL. A missing file is created only with `create`; nothing is written before the
    file is known to be sound (header, quick_check, schema version through a read-only connection).

    `defer_integrity_check` (the GUI, so that a large office shows its first list without waiting for a read of
    every page): the header, tables and schema version are still checked here, but the quick_check is left to
    Database.check_integrity(), which the caller runs in the background and every write runs first. Only when
    opening will not write to the file: at the current schema and already in the journal mode it will be opened in.
    """
    text = str(value)
    if is_url(text):
        if not text.startswith("sqlite"):
            return _open_server(text, readonly=readonly, migrate=migrate)
        path = Path(sa.engine.make_url(text).database or "")
    else:
        path = Path(text).expanduser()
    return _open_sqlite(path, create, readonly, migrate, take_lock, defer_integrity_check)


def _take_write_lock(session: Session, transaction: Any, connection: sa.Connection) -> None:
    pg.advisory_xact_lock(connection, pg.WRITE_LOCK)


def _open_server(url: str, *, readonly: bool, migrate: bool) -> Database:
    engine = pg.create_server_engine(url)
    name = engine.url.render_as_string(hide_password=True)
    try:
        try:
            with engine.connect() as conn:
                found = current_revisions(conn)
                login = pg.current_login(conn)
        except sa.exc.OperationalError as exc:
            raise DatabaseUnreachable(pg.unreachable_message(engine.url, exc)) from exc
        _refuse_unknown(found, name)
        if found != {head_revision()}:
            if readonly:
                raise ReadOnlyDatabase(f"{name} needs updating to this version; open it for writing once.")
            if not migrate:
                raise DatabaseError(f"{name} needs updating to this version of Cyber Affairs Desk.")
            _migrate_server(engine, name)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine=engine, path=None, readonly=readonly, login=login)


def _migrate_server(engine: Engine, name: str) -> None:
    """Under the migration lock, so that of two clients starting together one migrates and the other then finds
    the database up to date; in one transaction (PostgreSQL's DDL is transactional), so a failure changes nothing.
    Back up a server database with pg_dump before installing a new version: this does not take a copy."""
    try:
        with engine.begin() as conn:
            pg.advisory_xact_lock(conn, pg.MIGRATION_LOCK)
            found = current_revisions(conn)
            _refuse_unknown(found, name)
            if found != {head_revision()}:
                upgrade_to_head(conn)
    except DatabaseError:
        raise
    except Exception as exc:
        raise MigrationFailed(f"Updating {name} failed and was rolled back: {exc}") from exc


def _refuse_unknown(found: frozenset[str], name: str) -> None:
    unknown = found - known_revisions()
    if unknown:
        raise NewerSchema(
            f"{name} was written by a newer version of Cyber Affairs Desk (schema {', '.join(sorted(unknown))}); "
            "install the newer version to open it."
        )


def _open_sqlite(
    path: Path, create: bool, readonly: bool, migrate: bool, take_lock: bool, defer_integrity_check: bool = False
) -> Database:
    path = path.resolve() if path.exists() else path.absolute()
    is_new = not path.exists()
    integrity_pending = False
    if is_new:
        if not create:
            raise DatabaseMissing(f"No database at {path}. Create one with `cyberdesk init` or `cyberdesk demo`.")
        path.parent.mkdir(parents=True, exist_ok=True)
        state = sqlite_db.FileState(sqlite_db.FileKind.EMPTY, frozenset())
    elif defer_integrity_check:
        state = sqlite_db.inspect_file(path, integrity=False)
        # Switching the journal mode or migrating writes to the file: then it is checked first, as always.
        writes_on_open = state.revisions != {head_revision()} or (
            not readonly and state.wal != (sqlite_db.location_warning(path) is None)
        )
        if writes_on_open or state.kind is not sqlite_db.FileKind.OFFICE:
            state = sqlite_db.inspect_file(path)
        else:
            integrity_pending = True
    else:
        state = sqlite_db.inspect_file(path)
    if state.kind is sqlite_db.FileKind.FOREIGN:
        raise NotAnOfficeDatabase(f"{path.name} is an SQLite database of another application, not an office.")
    if state.kind is sqlite_db.FileKind.EMPTY and not create:
        raise EmptyDatabase(f"{path.name} is empty. Create an office in it with `cyberdesk init`.")
    _refuse_unknown(state.revisions, path.name)
    if not readonly and not is_new and (refusal := paths.write_refusal(path)):
        raise ReadOnlyLocation(refusal)  # before the lock: a read-only folder cannot hold the lock file either

    lock: DatabaseLock | None = None
    if take_lock and not readonly:
        lock = DatabaseLock(path)
        lock.acquire()
    try:
        warning = sqlite_db.location_warning(path)
        needs_upgrade = state.revisions != {head_revision()}
        backup_taken: Path | None = None
        if needs_upgrade:
            if readonly:
                raise ReadOnlyDatabase(f"{path.name} needs updating to this version; open it for writing once.")
            if not migrate:
                raise DatabaseError(f"{path.name} needs updating to this version of Cyber Affairs Desk.")
            if state.kind is sqlite_db.FileKind.OFFICE:
                backup_taken = backups.take_backup(path, "before-update")
            if is_new:
                path.touch()
            _migrate_sqlite(path)
        if not readonly:  # an index whose tokenizer this SQLite lacks would fail every save of an action
            reconcile_text_index(path)
        engine = sqlite_db.create_sqlite_engine(path, readonly=readonly, wal=warning is None)
        return Database(
            engine=engine,
            path=path,
            readonly=readonly,
            lock=lock,
            warning=warning,
            backup_taken=backup_taken,
            integrity_pending=integrity_pending,
        )
    except BaseException:
        if lock is not None:
            lock.release()
        if is_new:
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        raise


def _migrate_sqlite(path: Path) -> None:
    # Foreign keys off while tables are rebuilt (batch mode would otherwise cascade), checked before commit.
    engine = sqlite_db.create_sqlite_engine(path, wal=False, foreign_keys=False)
    try:
        with engine.execution_options(**{sqlite_db.WRITE_OPTION: True}).begin() as conn:
            upgrade_to_head(conn)
            orphans = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if orphans:
                raise MigrationFailed(f"the update would leave {len(orphans)} broken references")
    except MigrationFailed as exc:
        raise MigrationFailed(f"Updating {path.name} failed and was rolled back: {exc}") from exc
    except Exception as exc:
        raise MigrationFailed(f"Updating {path.name} failed and was rolled back: {exc}") from exc
    finally:
        engine.dispose()
