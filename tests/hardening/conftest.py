"""A small office for the recovery tests: built once by the real migrations, then copied for each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db.backup import backup_to
from core.db.engine import open_database
from core.services.office import initialise_office
from tests.core.db.test_engine import add_org


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("office-template") / "template.cyberdesk"
    with open_database(path, create=True) as db:
        initialise_office(db, name="Office of the Ambassador")
        for i in range(300):  # enough rows for the organisation table to span pages
            add_org(db, f"Agency {i}")
    return path


@pytest.fixture
def office(office_template: Path, tmp_path: Path) -> Path:
    """The path of a sound office, closed, with 300 agencies ("Agency 0" ...) and no backups yet."""
    path = tmp_path / "office.cyberdesk"
    backup_to(office_template, path)
    return path
