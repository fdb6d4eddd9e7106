"""Ctrl+K search and the due-soon panel on the demo office: results a click away from their records."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.due_soon import DueSoonPanel, when_text
from desktop.main_window import MainWindow
from desktop.search_dialog import SearchDialog
from tests.desktop.conftest import DEMO_AS_AT


def test_search_finds_a_forum_and_opens_its_editor(qtbot: QtBot, window: MainWindow, demo_path: Path) -> None:
    window.open_database(demo_path)
    assert window.db is not None
    dialog = SearchDialog(window.db, window)
    qtbot.addWidget(dialog)
    dialog.sig_hit_chosen.connect(window.show_record)
    qtbot.keyClicks(dialog.box, "Global Mechanism")
    dialog.run_search()
    assert dialog.results.count() >= 1
    assert dialog.results.item(0).text().startswith("Forum: ")
    with qtbot.waitSignal(dialog.sig_hit_chosen) as chosen:
        dialog._on_box_return_pressed()
    assert chosen.args[0] == "forums"
    assert window._nav.currentItem().text() == "Forums"


def test_due_soon_panel_lists_overdue_actions_with_rag_text(qtbot: QtBot, demo_db) -> None:  # type: ignore[no-untyped-def]
    panel = DueSoonPanel(demo_db)
    qtbot.addWidget(panel)
    panel.refresh(as_at=DEMO_AS_AT)
    assert panel.table.rowCount() > 0
    first = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert first[1].endswith("overdue") and first[2] == "Red"
    assert "overdue" in panel.summary.text()
    with qtbot.waitSignal(panel.sig_item_chosen) as chosen:
        panel.table.itemActivated.emit(panel.table.item(0, 3))
    assert chosen.args[0] == "actions"


def test_when_text() -> None:
    assert [when_text(d) for d in (-2, -1, 0, 1, 5)] == [
        "2 days overdue",
        "1 day overdue",
        "today",
        "in 1 day",
        "in 5 days",
    ]
