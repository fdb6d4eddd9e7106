"""A small office built once by the real migrations and copied for each test; the main window and an editor on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytestqt.qtbot import QtBot

from core.db.backup import backup_to
from core.db.engine import open_database
from core.services.office import initialise_office
from tests.core.db.test_engine import add_org

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.dialog import RecordEditorDialog
    from desktop.main_window import MainWindow


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


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window with settings in a temporary file and background jobs run inline."""
    from desktop.jobs import JobRunner
    from desktop.main_window import MainWindow
    from desktop.settings import AppSettings

    main = MainWindow(AppSettings(tmp_path / "settings.ini"), JobRunner(synchronous=True))
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


@pytest.fixture
def edit(qtbot: QtBot) -> Callable[..., RecordEditorDialog]:
    """edit(db, entity, row_id, field, value): the record's editor, shown, with `field` changed to `value`."""
    from desktop.editing.registers import open_editor

    def opened(db: Database, entity: str, row_id: int, field: str, value: Any) -> RecordEditorDialog:
        dialog = open_editor(None, db, entity, row_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        with qtbot.waitSignal(dialog.sig_fields_validated):
            dialog.editor(field).set_field_value(value)
        return dialog

    return opened
