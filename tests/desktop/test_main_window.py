"""The main window on the demo office: it opens, says it is demo data, and every list shows rows."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from core.db.engine import Database
from desktop.lists.table_model import PAGE_SIZE, ListTableModel
from desktop.main_window import NAVIGATION, MainWindow


def test_opens_demo_office_and_visits_every_view(qtbot: QtBot, demo_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_database(demo_path)
    assert window.windowTitle().startswith("Cyber Affairs Desk — ")
    assert window._banner.isVisible()
    for row, (_, entities) in enumerate(NAVIGATION):
        window._nav.setCurrentRow(row)
        page = window._stack.currentWidget()
        for entity in entities:
            assert page.show_entity(entity).model.rowCount() > 0, entity
    window.close()
    assert window.db is None


def test_list_model_passes_qtmodeltester(qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    model = ListTableModel(demo_db, "actions")
    qtmodeltester.check(model)
    assert model.rowCount() == min(PAGE_SIZE, model.total)


def test_search_and_sort_happen_in_the_query(demo_db: Database) -> None:
    model = ListTableModel(demo_db, "organisations")
    everything = model.total
    model.set_search("ministry")
    assert 0 < model.total < everything
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert all(
        "ministry" in " ".join(str(model.index(r, c).data()) for c in range(model.columnCount())).lower()
        for r in range(model.rowCount())
    )
    assert names
    model.sort(0)
    ascending = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert ascending == sorted(ascending, key=str.casefold)
