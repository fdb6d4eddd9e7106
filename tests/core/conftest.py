"""Database fixtures: the schema is built once by the real migrations, then copied for each test.

Every test that takes `schema_db` (or a fixture built on it) runs twice: on an SQLite file and on a PostgreSQL
database (a copy of a migrated template; see tests/pg_fixtures.py). Tests about the SQLite file itself carry
`@pytest.mark.sqlite_only`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.backup import backup_to
from core.db.engine import Database, open_database
from tests.pg_fixtures import pg_server, pg_url

__all__ = ["pg_server", "pg_url"]

ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("engine_name", ENGINES[:1] if sqlite_only else ENGINES, scope="function")


@pytest.fixture(scope="session")
def empty_schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "schema.cyberdesk"
    open_database(path, create=True).close()
    return path


@pytest.fixture
def schema_db(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with no office in it, on each engine."""
    if engine_name == "sqlite":
        path = tmp_path / "office.cyberdesk"
        backup_to(request.getfixturevalue("empty_schema_file"), path)
        db = open_database(path)
    else:
        db = open_database(request.getfixturevalue("pg_url"))
    yield db
    db.close()
