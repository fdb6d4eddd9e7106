"""A PostgreSQL server for the tests: one migrated template database, copied for each test that asks for one.

The server's URL comes from CYBERDESK_TEST_PG_URL (`python dev.py check` starts a throw-away server and sets it).
Without it the PostgreSQL half of the tests is skipped with the reason; in CI (CI=true) it fails instead, so that a
CI machine without PostgreSQL cannot pass by skipping.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from core.db.engine import open_database

PG_URL_VARIABLE = "CYBERDESK_TEST_PG_URL"
_TEMPLATE = f"cyberdesk_template_{os.getpid()}"


def _is_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass
class PgServer:
    """Creates and drops throw-away databases on the test server."""

    url: sa.URL
    admin: sa.Engine
    _names: Iterator[int] = field(default_factory=itertools.count)

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def new_database(self, *, template: str | None = _TEMPLATE) -> str:
        """A fresh database (a copy of the migrated template unless `template` is None); returns its URL."""
        name = f"cyberdesk_t{os.getpid()}_{next(self._names)}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            source = f' TEMPLATE "{template}"' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{source}')
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = sa.make_url(url).database
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_unavailable_reason() -> str | None:
    if not os.environ.get(PG_URL_VARIABLE):
        return f"no PostgreSQL server for the tests: set {PG_URL_VARIABLE} or run `python dev.py check`"
    return None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    reason = pg_unavailable_reason()
    if reason is not None:
        if _is_ci():
            pytest.fail(f"CI needs PostgreSQL: {reason}")
        pytest.skip(reason)
    url = sa.make_url(os.environ[PG_URL_VARIABLE])
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        message = f"the PostgreSQL server in {PG_URL_VARIABLE} does not answer: {exc.orig}"
        if _is_ci():
            pytest.fail(message)
        pytest.skip(message)
    server = PgServer(url, admin)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{_TEMPLATE}"')
    # Migrated once by the real migrations; every test then gets a file-level copy (CREATE DATABASE ... TEMPLATE).
    open_database(server.url_of(_TEMPLATE)).close()
    yield server
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a migrated, empty office database on the test server, dropped after the test."""
    url = pg_server.new_database()
    yield url
    pg_server.drop(url)
