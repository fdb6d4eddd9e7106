"""After a sort, the list reads every row's place in it on a worker thread, keeps it while a search is typed
(whose pages then come from it, the same rows as without it), and reads it again when the sort or the data
changes."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

import core.reports.lists as lists
from core.db.engine import Database
from core.domain.meetings import Action
from desktop.lists import table_model
from desktop.lists.table_model import ListTableModel


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_model, "PAGE_SIZE", 5)


def column(model: ListTableModel, key: str) -> int:
    return [c.key for c in model.columns].index(key)


def every_row(model: ListTableModel) -> list[tuple[object, ...]]:
    while model.canFetchMore():
        model.fetchMore()
    return [tuple(model.data(model.index(r, c)) for c in range(model.columnCount())) for r in range(model.rowCount())]


def test_a_sorted_list_reads_its_order_and_searches_with_it(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ListTableModel(demo_db, "actions")
    assert not model.has_order  # the list's own order (due date) is read in order already
    with qtbot.waitSignal(model.sig_order_read, timeout=10_000):
        model.sort(column(model, "status"), Qt.SortOrder.DescendingOrder)
    assert model.has_order

    used: list[bool] = []
    keys_in_order = lists._keys_in_order

    def spying(*args: object) -> object:
        found = keys_in_order(*args)  # type: ignore[arg-type]
        used.append(found is not None)
        return found

    monkeypatch.setattr(lists, "_keys_in_order", spying)
    for text in ("o", "op", "ope", "A"):
        model.set_search(text)
        assert model.has_order  # typing keeps it
        fresh = ListTableModel(demo_db, "actions")
        fresh.sort(column(fresh, "status"), Qt.SortOrder.DescendingOrder)
        fresh.set_search(text)
        assert every_row(model) == every_row(fresh), text
    assert any(used)


def test_the_order_is_read_again_when_the_sort_or_the_data_changes(qtbot: QtBot, demo_db: Database) -> None:
    model = ListTableModel(demo_db, "actions")
    with qtbot.waitSignal(model.sig_order_read, timeout=10_000):
        model.sort(column(model, "owner"), Qt.SortOrder.AscendingOrder)
    # Another sort: the first order is dropped at once, and the new one read.
    with qtbot.waitSignal(model.sig_order_read, timeout=10_000):
        model.sort(column(model, "rag"), Qt.SortOrder.AscendingOrder)
        assert not model.has_order
    # A row changed elsewhere: reloading drops the order; the next one has the row in its new place.
    with demo_db.write() as session:
        first = session.get(Action, model.row_id(0))
        assert first is not None
        first.archived = True
    with qtbot.waitSignal(model.sig_order_read, timeout=10_000):
        model.reload()
        assert not model.has_order
    assert model.rowCount() and model.row_id(0) != first.id
    # Back to an order an index serves: nothing to read.
    with qtbot.assertNotEmitted(model.sig_order_read, wait=300):
        model.sort(column(model, "due"), Qt.SortOrder.AscendingOrder)
    assert not model.has_order


def test_a_quick_change_of_sort_ends_with_the_last_sorts_order(qtbot: QtBot, demo_db: Database) -> None:
    model = ListTableModel(demo_db, "actions")
    for key in ("owner", "status", "group", "extensions"):
        model.sort(column(model, key), Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: model.has_order, timeout=10_000)
    qtbot.wait(300)  # any reading still under way lands, and is not taken
    assert model.has_order
    assert model._order is not None and model._order.sort == ("extensions", False)
