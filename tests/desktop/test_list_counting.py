"""A list's first rows come before its count: the count runs on a worker thread and arrives by signal."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from core.db.engine import Database
from core.reports.lists import count_list
from desktop.lists import table_model
from desktop.lists.table_model import ListTableModel
from desktop.lists.view import ListView


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_model, "PAGE_SIZE", 5)


def counted(db: Database, search: str | None = None) -> int:
    with db.read() as session:
        return count_list(session, "actions", search=search)


def test_the_count_comes_from_a_worker_thread_after_the_first_page(qtbot: QtBot, demo_db: Database) -> None:
    everything = counted(demo_db)
    assert everything > 5
    model = ListTableModel(demo_db, "actions", count_in_background=True)
    assert model.rowCount() == 5 and model.canFetchMore()
    with qtbot.waitSignal(model.sig_total_counted, timeout=5000) as signal:
        pass
    assert signal.args == [everything]
    assert model.known_total == model.total == everything

    # Sorting keeps the count; a new search counts again, and a count started before it never lands.
    with qtbot.assertNotEmitted(model.sig_total_counted, wait=200):
        model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.known_total == everything
    model.set_search("a")
    model.set_search("MFA")
    with qtbot.waitSignal(model.sig_total_counted, timeout=5000) as signal:
        pass
    assert signal.args == [counted(demo_db, "MFA")]
    qtbot.wait(200)
    assert model.known_total == counted(demo_db, "MFA")


def test_a_page_that_reaches_the_end_is_its_own_count(qtbot: QtBot, demo_db: Database) -> None:
    model = ListTableModel(demo_db, "actions", count_in_background=True)
    with qtbot.waitSignal(model.sig_total_counted, timeout=5000) as signal:
        model.set_search("no action says this")
    assert signal.args == [0]
    assert (model.rowCount(), model.canFetchMore(), model.known_total) == (0, False, 0)


def test_the_view_shows_rows_loaded_until_counted(qtbot: QtBot, demo_db: Database) -> None:
    view = ListView(demo_db, "actions")
    qtbot.addWidget(view)
    if view.model.known_total is None:
        assert view.count.text() == "5+ rows"
        with qtbot.waitSignal(view.sig_rows_counted, timeout=5000):
            pass
    assert view.count.text() == f"{counted(demo_db):,} rows"
