"""Everything PostgreSQL-specific: the engine and its password, advisory locks, sequences, connection messages.

A shared office lives on a PostgreSQL server many clients use at once. What SQLite gets from its one-writer file
lock is had here from transaction-level advisory locks: every write transaction takes the office's write lock
first (so the audit hash chain is appended by one writer at a time and every read inside a write is fresh), and
migrations take their own lock so that two clients started together do not both migrate.

The password is never written into a file of ours: it comes from the URL if the caller put it there, else from the
operating system's keyring (the `keyring` package), else libpq finds it itself in PGPASSWORD, PGPASSFILE or
~/.pgpass (the `.pgpass` route is the one for headless Linux, where no keyring backend exists).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from core.domain.audit import AuditEntry
from core.domain.base import declare_postgresql_options

log = logging.getLogger(__name__)

DRIVER = "postgresql+psycopg"
KEYRING_SERVICE = "Cyber Affairs Desk"
CONNECT_TIMEOUT_S = 5
SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable", "allow")

# Keys of the advisory locks (one 64-bit namespace per database; "cyberdesk" in ASCII, then a number).
_BASE = 0x6379_6265_7264_0000
WRITE_LOCK = _BASE + 1
MIGRATION_LOCK = _BASE + 2


def is_postgres_url(value: str) -> bool:
    return value.startswith(("postgresql:", "postgresql+", "postgres:"))


def server_url(
    *, host: str, port: int = 5432, database: str, user: str, sslmode: str = "prefer", password: str | None = None
) -> URL:
    """The URL of an office database on a server, as the connect dialog's fields give it."""
    query = {"sslmode": sslmode} if sslmode and sslmode != "prefer" else {}
    return URL.create(DRIVER, username=user, password=password, host=host, port=port, database=database, query=query)


def keyring_account(url: URL) -> str:
    """The keyring entry's account name: one password per login on one server's database."""
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def keyring_password(url: URL) -> str | None:
    """The password kept in the operating system's keyring for this login, or None (no keyring, no entry)."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_account(url))
    except (KeyringError, RuntimeError, OSError) as exc:  # no backend (headless Linux) or a locked keyring
        log.info("no password from the keyring for %s: %s", keyring_account(url), exc)
        return None


def store_password(url: URL, password: str) -> None:
    """Keep the password in the operating system's keyring; raises KeyringUnavailable where there is none."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError as exc:
        raise KeyringUnavailable("The keyring package is not installed; use a .pgpass file instead.") from exc
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_account(url), password)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise KeyringUnavailable(f"This computer has no usable keyring ({exc}); use a .pgpass file instead.") from exc


class KeyringUnavailable(Exception):
    pass


def create_server_engine(url: str | URL) -> Engine:
    """An engine whose pool checks each connection before use, so a restarted server costs one reconnect."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=DRIVER)
    if parsed.password is None:
        password = keyring_password(parsed)
        if password is not None:
            parsed = parsed.set(password=password)
    from core.domain.models import Base

    declare_postgresql_options(Base.metadata)
    return sa.create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "Cyber Affairs Desk"},
    )


def unreachable_message(url: URL, exc: BaseException) -> str:
    """One line for a user: which server, and libpq's own reason (its first line says what went wrong)."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = detail[0] if detail else type(exc).__name__
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return f"Cannot connect to the office database at {where}: {reason}"


def advisory_xact_lock(conn: sa.Connection, key: int) -> None:
    """Wait for the advisory lock `key`; it is released when the transaction ends (commit or rollback)."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def current_login(conn: sa.Connection) -> str:
    return str(conn.execute(sa.text("SELECT current_user")).scalar_one())


def reset_sequences(conn: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """Move each table's id sequence past its highest id, after rows were written with ids of their own (bulk
    writers and copy allocate ids themselves): otherwise the next ordinary insert would reuse an id."""
    calls = []
    for table in tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        highest = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1).scalar_subquery()
        calls.append(sa.case((sequence.is_(None), None), else_=sa.func.setval(sequence, highest, False)))
    if calls:
        # One round trip for every table: max(id) is read from each primary key's index.
        conn.execute(sa.select(*calls))


def change_counter(conn: sa.Connection) -> int:
    """The newest audit entry's id: it grows with every committed change by any client (one index lookup)."""
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0))).scalar_one())


class OwnChanges:
    """The audit ids this client wrote, so that live refresh can skip a change the window made itself (it has
    refreshed already, on its own save).

    Every write holds the office's write lock from its first statement to its end, so the ids between the counter
    read just after taking the lock and the counter read just before commit are this client's alone: each write is
    remembered as that range (before, after]. A rolled-back write remembers nothing. Only the newest ranges are
    kept; an older one only matters to a poll long overdue. The two reads run under the lock every client waits on,
    so they are made only while `active` (a window polling for changes); the CLI and bulk work skip them.
    """

    KEEP = 1000

    def __init__(self) -> None:
        self.active = False
        self._ranges: deque[tuple[int, int]] = deque(maxlen=self.KEEP)
        self._lock = threading.Lock()

    def start(self, conn: sa.Connection) -> int | None:
        """At the start of a write, under the write lock: the counter to pass to finish()."""
        return change_counter(conn) if self.active else None

    def finish(self, before: int | None, conn: sa.Connection) -> None:
        """At the end of a write, everything flushed, before commit."""
        if before is not None:
            after = change_counter(conn)
            if after > before:
                with self._lock:
                    self._ranges.append((before, after))

    def cover(self, low: int, high: int) -> bool:
        """Whether every id in (low, high] was written by this client."""
        if high <= low:
            return False
        with self._lock:
            ranges = sorted(self._ranges)
        reached = low
        for before, after in ranges:
            if before <= reached < after:
                reached = after
        return reached >= high

    def track(self, writes: sessionmaker[Session]) -> None:
        """Remember what the sessions of `writes` append. Call after the write lock's own after_begin listener,
        which must run first (listeners run in the order they were added)."""
        event.listen(writes, "after_begin", self._on_begin)
        event.listen(writes, "before_commit", self._on_commit)

    def _on_begin(self, session: Session, _transaction: Any, connection: sa.Connection) -> None:
        session.info["changes_from"] = self.start(connection)

    def _on_commit(self, session: Session) -> None:
        # Once per write, not per flush: a read here holds up every other client's save.
        if session.info.get("changes_from") is not None:
            session.flush()
            self.finish(session.info.pop("changes_from"), session.connection())
