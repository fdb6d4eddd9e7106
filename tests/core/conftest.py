"""Database fixtures: the schema is built once by the real migrations, then copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.backup import backup_to
from core.db.engine import Database, open_database


@pytest.fixture(scope="session")
def empty_schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "schema.cyberdesk"
    open_database(path, create=True).close()
    return path


@pytest.fixture
def schema_db(empty_schema_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with no office in it."""
    path = tmp_path / "office.cyberdesk"
    backup_to(empty_schema_file, path)
    db = open_database(path)
    yield db
    db.close()
