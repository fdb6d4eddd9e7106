"""GUI fixtures: a demo office built once per session and copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.db.backup import backup_to
from core.db.engine import Database, open_database

DEMO_AS_AT = date(2025, 8, 15)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=DEMO_AS_AT)
    return path


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "office.cyberdesk"
    backup_to(demo_file, path)
    return path


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    db = open_database(demo_path)
    yield db
    db.close()


@pytest.fixture
def app_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from desktop.settings import AppSettings

    return AppSettings(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot, app_settings):  # type: ignore[no-untyped-def]
    """The main window with settings in a temporary file and background jobs run inline."""
    from desktop.jobs import JobRunner
    from desktop.main_window import MainWindow

    main = MainWindow(app_settings, JobRunner(synchronous=True))
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()
