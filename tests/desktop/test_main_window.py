"""The main window on the demo office: it opens, says it is demo data, and every list shows rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from core.db.engine import Database
from core.db.errors import CorruptDatabase
from desktop.lists.table_model import PAGE_SIZE, ListTableModel
from desktop.main_window import NAVIGATION, MainWindow
from tests.core.db.test_engine import scribble


def test_opens_demo_office_and_visits_every_view(qtbot: QtBot, window: MainWindow, demo_path: Path) -> None:
    window.open_database(demo_path)
    assert window.windowTitle().startswith("Cyber Affairs Desk — ")
    assert window._banner.isVisible()
    # Read in the background (it looks at every marked table).
    qtbot.waitUntil(lambda: window._status_marking.text() == "Highest marking held: OFFICIAL: Sensitive")
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


def test_double_click_opens_the_editor_and_a_save_refreshes_the_list(window: MainWindow, demo_path: Path) -> None:
    window.open_database(demo_path)
    register = window.show_list("organisations")
    view = register.current_list
    first_id = view.model.row_id(0)
    dialog = window.show_record("organisations", first_id)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    assert window.show_record("audit", 1) is None  # read-only list: navigation only


def test_recent_databases_and_window_state_are_remembered(window: MainWindow, demo_path: Path, app_settings) -> None:  # type: ignore[no-untyped-def]
    window.open_database(demo_path)
    window.close()
    assert app_settings.recent_databases == [demo_path]
    assert app_settings.last_database == demo_path
    assert app_settings.window_geometry


def test_self_test_command_exits_0() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test"], capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test: passed" in result.stdout
    assert "Wrote" in result.stdout and "actions.xlsx" in result.stdout


def test_second_copy_opens_read_only_and_names_the_holder(
    window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from core.db.lock import DatabaseLock

    asked: list[str] = []

    def answer_yes(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    with DatabaseLock(demo_path):
        assert window.open_database(demo_path)
    assert window.db is not None and window.db.readonly
    assert "is open in Cyber Affairs Desk by" in asked[0] and "Open it read-only?" in asked[0]
    assert window.windowTitle().endswith("(read-only)")
    assert not window.actions["new_record"].isEnabled()
    # Still said once the question is gone: the banner names who holds the file.
    assert window.location_banner.isVisibleTo(window)
    assert window.location_banner.text().startswith("Read-only: ")
    assert "is open in Cyber Affairs Desk by" in window.location_banner.text()


def test_closing_with_an_unsaved_editor_asks_first(window: MainWindow, demo_path: Path) -> None:
    window.open_database(demo_path)
    register = window.show_list("organisations")
    dialog = window.show_record("organisations", register.current_list.model.row_id(0))
    assert dialog is not None
    dialog.editor("notes").set_field_value("A note not yet saved")
    assert dialog.is_dirty()
    assert not window.close()
    assert window.isVisible() and dialog.isVisible()
    assert dialog.prompt.isVisible() and "unsaved changes" in dialog.prompt.text()
    dialog.prompt_yes_button.click()  # Discard
    assert not dialog.isVisible()
    assert window.close()


def test_settings_dialog_renames_the_office_in_the_title(window: MainWindow, demo_path: Path) -> None:
    window.open_database(demo_path)
    dialog = window.show_settings()
    assert dialog is not None
    dialog._widget("name").set_field_value("Office of the Ambassador — renamed")
    with_saved = []
    dialog.sig_settings_saved.connect(lambda: with_saved.append(True))
    dialog.save()
    assert with_saved
    assert window.windowTitle() == "Cyber Affairs Desk — Office of the Ambassador — renamed"


def test_rag_cells_carry_text_and_theme_colours(demo_db) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from desktop.theme import rag_colours

    model = ListTableModel(demo_db, "actions")
    rag_column = next(i for i, c in enumerate(model.columns) if c.kind == "rag")
    index = model.index(0, rag_column)
    text = index.data()
    assert text in {"Red", "Amber", "Green", "Blue", "Cancelled"}
    light = rag_colours(False)[text]
    assert index.data(Qt.ItemDataRole.BackgroundRole) == light.background
    assert index.data(Qt.ItemDataRole.ForegroundRole) == light.foreground


def test_damage_found_after_opening_is_shown_and_nothing_can_be_saved(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    # Already in WAL mode, as an office is once opened (one not yet in it is checked in full before switching);
    # the audit log is a table that opening does not read.
    conn = sqlite3.connect(demo_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    scribble(demo_path, demo_path, "audit_log")
    assert window.open_database(demo_path)  # the page check is deferred: the office opens first
    assert window.db is not None and window.db.integrity_pending
    qtbot.waitUntil(lambda: window.integrity_box is not None, timeout=5_000)
    box = window.integrity_box
    assert box is not None and box.isVisible()
    assert "office.cyberdesk is damaged" in box.text() and "Changes cannot be saved." in box.text()
    assert window.windowTitle().endswith("(damaged: changes cannot be saved)")
    assert window.statusBar().currentMessage() == "This office is damaged: changes cannot be saved."
    assert window._status_db.text() == "office.cyberdesk — damaged, read-only"
    assert not window.actions["new_record"].isEnabled()
    with pytest.raises(CorruptDatabase), window.db.write() as session:
        session.execute(sa.text("UPDATE office SET name = 'x'"))
    box.close()


def test_a_sound_office_opens_without_a_warning(qtbot: QtBot, window: MainWindow, demo_path: Path) -> None:
    assert window.open_database(demo_path)
    assert window.due_panel is not None
    panel = window.due_panel
    qtbot.waitUntil(lambda: "overdue," in panel.summary.text(), timeout=10_000)
    assert window.db is not None and not window.db.integrity_pending
    assert window.integrity_box is None and not window.db.damaged


def test_file_menu_groups_its_commands(window: MainWindow) -> None:
    """Sixteen commands in one run are hard to scan: opening, backups, exports, imports and settings are groups."""
    groups: list[list[str]] = [[]]
    for action in window.actions.menus["&File"].actions():
        if action.isSeparator():
            groups.append([])
        else:
            groups[-1].append(action.text().replace("&", ""))
    assert [group[0] for group in groups] == [
        "New office…",
        "Back up now",
        "Export this list…",
        "Import action updates…",
        "Settings…",
    ]
    assert all(text.startswith("Export") for text in groups[2])
    assert all(text.startswith("Import") for text in groups[3])


def test_every_page_with_the_due_soon_panel_fits_a_laptop_screen(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    """1366 pixels is the narrowest common laptop screen, less its frame; a page visited once stays in the window,
    so the widest page ever visited sets the minimum. The navigation keeps its longest label."""
    window.open_database(demo_path)
    page = window.current_page()
    qtbot.waitUntil(lambda: getattr(page, "charts_built", False))
    window._due_dock.show()
    for row, (label, _) in enumerate(NAVIGATION):
        window._nav.setCurrentRow(row)
        qtbot.wait(10)  # the layouts settle on the event loop, as on screen
        assert window.minimumSizeHint().width() <= 1340, label
    nav = window._nav
    assert nav.minimumWidth() >= nav.sizeHintForColumn(0)


def test_a_window_closed_before_it_was_built_remembers_its_place(qtbot: QtBot, app_settings) -> None:  # type: ignore[no-untyped-def]
    """The start-up shows the shell and builds the rest after the first frame; closing it in between loses nothing."""
    shell = MainWindow(app_settings, shell_only=True)
    qtbot.addWidget(shell)
    shell.resize(640, 480)
    shell.show()
    assert not shell.built and shell.menuWidget() is None
    assert shell.close()
    again = MainWindow(app_settings, shell_only=True)
    qtbot.addWidget(again)
    assert app_settings.restore_geometry(again)
    assert (again.width(), again.height()) == (640, 480)
    again.build()
    assert again.menuWidget() is not None and again.actions.menus["&File"].actions()


def test_the_budget_grid_filters_wrap_and_stay_whole_at_the_narrowest_window(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    from desktop.resources.page import ResourcesPage

    window.open_database(demo_path)
    window._due_dock.show()
    window._nav.setCurrentRow(NAVIGATION.index(("Resources", ("budget", "allocations"))))
    page = window.current_page()
    assert isinstance(page, ResourcesPage)
    grid = page.show_grid()
    window.resize(window.minimumSizeHint().width(), 768)
    qtbot.waitUntil(lambda: grid.isVisible())
    boxes = (grid.year_box, grid.category_box, grid.type_box, grid.priority_box, grid.measure_box, grid.by_month)
    for box in boxes:
        corner = box.mapTo(grid, box.rect().bottomRight())
        assert grid.rect().contains(corner), box.accessibleName()
        assert box.width() >= box.minimumSizeHint().width(), box.accessibleName()
    tops = [box.mapTo(grid, box.rect().topLeft()).y() for box in boxes]
    assert max(tops) > tops[0]  # a second row: in one row they needed 1,203 px


def test_the_marking_status_is_read_again_after_a_save(
    qtbot: QtBot, window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.reports.markings

    window.open_database(demo_path)
    qtbot.waitUntil(lambda: window._status_marking.text() == "Highest marking held: OFFICIAL: Sensitive")
    # What core.reports.markings finds once a save has marked a record higher (tested there on real rows).
    monkeypatch.setattr(core.reports.markings, "highest_marking_held", lambda _session: "PROTECTED")
    window._on_editor_record_saved("action", 1)  # what an editor's save signals
    qtbot.waitUntil(lambda: window._status_marking.text() == "Highest marking held: PROTECTED")


def test_a_marking_that_cannot_be_read_says_so_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.reports.markings

    def broken(_session: object) -> str:
        raise sa.exc.OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(core.reports.markings, "highest_marking_held", broken)
    window.open_database(demo_path)
    qtbot.waitUntil(lambda: window._status_marking.text() == "Highest marking held: could not be read")
    assert window._status_marking.toolTip()
    assert window.db is not None  # the office stays open
