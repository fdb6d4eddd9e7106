"""Ctrl+K search and the due-soon panel on the demo office: results a click away from their records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt

from core.db.engine import Database
from core.reports.search import search_everything
from desktop.due_soon import PAGE_ROWS, RAG_COLUMN, WHAT_COLUMN, WHEN_COLUMN, DueSoonModel, DueSoonPanel, when_text
from desktop.jobs import JobRunner
from desktop.main_window import MainWindow
from desktop.search_dialog import SHOWN_PER_KIND, SearchDialog
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
    model = panel.table.model()
    assert model.rowCount() > 0
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[WHEN_COLUMN].endswith("overdue") and first[RAG_COLUMN] == "Red"
    assert model.index(0, RAG_COLUMN).data(Qt.ItemDataRole.BackgroundRole) is not None
    # The dock is narrow: what is cut off in the cell is whole in its tooltip.
    assert [model.index(0, c).data(Qt.ItemDataRole.ToolTipRole) for c in range(model.columnCount())] == first
    assert "overdue" in panel.summary.text()
    with qtbot.waitSignal(panel.sig_item_chosen) as chosen:
        panel.table.activated.emit(model.index(0, WHAT_COLUMN))
    assert chosen.args[0] == "actions"


def test_due_soon_model_passes_qtmodeltester_and_pages(qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    from core.reports.due_soon import due_soon

    with demo_db.read() as session:
        items = due_soon(session, as_at=DEMO_AS_AT).items
    many = items * (2 * PAGE_ROWS // len(items) + 1)  # more than two pages
    model = DueSoonModel()
    model.set_items(many)
    assert model.rowCount() == PAGE_ROWS and model.total == len(many)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_ROWS
    qtmodeltester.check(model)  # fetches the rest as it goes
    assert model.rowCount() == len(many) and not model.canFetchMore(QModelIndex())
    assert model.index(len(many) - 1, WHAT_COLUMN).data().endswith(many[-1].title)


def test_due_soon_panel_fills_in_the_background_and_keeps_the_newest(qtbot: QtBot, demo_db: Database) -> None:
    panel = DueSoonPanel(demo_db, jobs=JobRunner())
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.sig_refreshed, timeout=10_000):
        panel.refresh(as_at=date(2000, 1, 1))  # superseded by the refresh below before it is shown
        panel.refresh(as_at=DEMO_AS_AT)
        assert panel.summary.text() == "Looking for what is overdue and due soon…"
    qtbot.wait(200)  # the first job's result, if it comes later, must not replace the newer one
    assert panel.table.model().rowCount() > 0
    assert "overdue" in panel.summary.text() and not panel.summary.text().startswith("0 overdue")


def test_due_soon_summary_says_which_kinds_are_overdue(qtbot: QtBot, demo_db: Database) -> None:
    """The overdue figure counts milestones and reviews as well as actions; the panel says so, kind by kind."""
    from core.reports.due_soon import due_soon

    panel = DueSoonPanel(demo_db)
    qtbot.addWidget(panel)
    panel.refresh(as_at=DEMO_AS_AT)
    with demo_db.read() as session:
        overdue = due_soon(session, as_at=DEMO_AS_AT).overdue
    actions = sum(1 for item in overdue if item.kind == "action")
    milestones = sum(1 for item in overdue if item.kind == "milestone")
    assert actions > 1 and milestones == 1 and len(overdue) == actions + milestones  # the demo's mix
    first, second = panel.summary.text().split("\n")
    assert first.startswith(f"{len(overdue)} overdue, ")
    assert second == f"Overdue: {actions} actions, 1 milestone"
    panel.refresh(as_at=date(2000, 1, 1))  # nothing overdue yet: no breakdown
    assert "\n" not in panel.summary.text() and panel.summary.text().startswith("0 overdue")


def test_when_text() -> None:
    assert [when_text(d) for d in (-2, -1, 0, 1, 5)] == [
        "2 days overdue",
        "1 day overdue",
        "today",
        "in 1 day",
        "in 5 days",
    ]


def test_search_says_when_text_is_too_short_for_action_descriptions(qtbot: QtBot, demo_db: Database) -> None:
    dialog = SearchDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.box.setText("A0")
    dialog.run_search()
    assert dialog.results.count() >= 1
    assert all(dialog.results.item(i).text().startswith("Action: A0") for i in range(dialog.results.count()))
    assert "type 3 or more characters to search action descriptions" in dialog.status.text()
    dialog.box.setText("A01")
    dialog.run_search()
    assert "characters" not in dialog.status.text()
    dialog.box.setText("")
    dialog.run_search()
    assert dialog.status.text() == ""


def test_search_says_which_kinds_have_more_records_than_it_shows(qtbot: QtBot, demo_db: Database) -> None:
    dialog = SearchDialog(demo_db)
    qtbot.addWidget(dialog)
    with demo_db.read() as session:
        every = search_everything(session, "A1", limit_per_kind=1000)
    actions = [hit for hit in every if hit.kind == "action"]
    assert len(actions) > SHOWN_PER_KIND  # the demo office has more than one screen of them
    dialog.box.setText("A1")
    dialog.run_search()
    shown = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert len([text for text in shown if text.startswith("Action: ")]) == SHOWN_PER_KIND
    assert dialog.status.text().startswith(f"{len(shown)} shown · more match (Action)")
    dialog.box.setText("A12.01")  # one action: the count is complete
    dialog.run_search()
    assert dialog.status.text() == f"{dialog.results.count()} found"
