"""A register's list: the column chooser and its remembered choice, the row count, the order; the README pictures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage

from core.db.engine import Database
from desktop.lists.table_model import ListTableModel
from desktop.lists.view import KIND_WIDTHS, ListView
from desktop.settings import AppSettings

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots.py"


def make_view(qtbot: QtBot, db: Database, entity: str) -> ListView:
    view = ListView(db, entity)
    qtbot.addWidget(view)
    return view


def column_entries(view: ListView) -> dict[str, QAction]:
    """The chooser's checkable entries by column title, as the menu shows them."""
    return {action.text(): action for action in view.column_menu().actions() if action.isCheckable()}


def test_column_chooser_hides_and_shows_a_column_and_the_choice_survives_a_restart(
    qtbot: QtBot, demo_db: Database, app_settings: AppSettings
) -> None:
    view = make_view(qtbot, demo_db, "actions")
    entries = column_entries(view)
    assert list(entries) == [column.header for column in view.model.columns]
    owner = [column.key for column in view.model.columns].index("owner")
    assert all(action.isChecked() for action in entries.values())

    entries["Owner"].setChecked(False)
    assert view.table.isColumnHidden(owner)
    assert not column_entries(view)["Owner"].isChecked()
    app_settings.save_columns("actions", view.table.horizontalHeader())
    app_settings.sync()

    reopened = make_view(qtbot, demo_db, "actions")
    assert not reopened.table.isColumnHidden(owner)
    assert AppSettings(Path(app_settings.file_name)).restore_columns("actions", reopened.table.horizontalHeader())
    assert reopened.table.isColumnHidden(owner)

    column_entries(reopened)["Owner"].setChecked(True)
    assert not reopened.table.isColumnHidden(owner)
    assert reopened.table.columnWidth(owner) > 20


def test_the_last_visible_column_cannot_be_hidden_and_show_all_brings_every_column_back(
    qtbot: QtBot, demo_db: Database
) -> None:
    view = make_view(qtbot, demo_db, "people")
    count = view.model.columnCount()
    for section in range(count):
        view.set_column_hidden(section, True)
    assert view.table.horizontalHeader().hiddenSectionCount() == count - 1
    last = column_entries(view)
    assert [title for title, action in last.items() if not action.isEnabled()] == [
        title for title, action in last.items() if action.isChecked()
    ]
    show_all = next(a for a in view.column_menu().actions() if a.text() == "Show all columns")
    show_all.trigger()
    assert view.table.horizontalHeader().hiddenSectionCount() == 0


def test_the_header_context_menu_and_the_columns_button_offer_the_chooser(qtbot: QtBot, demo_db: Database) -> None:
    view = make_view(qtbot, demo_db, "commitments")
    assert view.table.horizontalHeader().contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    menu = view.columns_button.menu()
    menu.aboutToShow.emit()
    titles = [action.text() for action in menu.actions() if action.isCheckable()]
    assert titles == [column.header for column in view.model.columns]


def test_columns_start_at_widths_by_kind(qtbot: QtBot, demo_db: Database) -> None:
    view = make_view(qtbot, demo_db, "budget")
    kinds = {column.key: column.kind for column in view.model.columns}
    keys = list(kinds)
    header = view.table.horizontalHeader()
    revised = keys.index("revised")
    assert header.sectionSize(revised) >= KIND_WIDTHS["money"]
    assert view.model.headerData(revised, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    description, fiscal_year = keys.index("description"), keys.index("fiscal_year")
    assert header.sectionSize(description) > header.sectionSize(fiscal_year)  # long text gets room
    actions = make_view(qtbot, demo_db, "actions")
    header = actions.table.horizontalHeader()
    keys = [column.key for column in actions.model.columns]
    for key, kind in (("due", "date"), ("rag", "rag")):
        section = keys.index(key)
        assert header.sectionSize(section) == max(KIND_WIDTHS[kind], header.sectionSizeHint(section)), key


def test_the_row_count_follows_the_search(qtbot: QtBot, demo_db: Database) -> None:
    view = make_view(qtbot, demo_db, "organisations")
    everything = view.model.total
    assert view.count.text() == f"{everything:,} rows"
    expected = ListTableModel(demo_db, "organisations")
    expected.set_search("ministry")
    with qtbot.waitSignal(view.sig_rows_counted, timeout=2000) as counted:
        view.search.setText("ministry")
    assert counted.args == [expected.total]
    assert 0 < expected.total < everything
    assert view.count.text() == f"{expected.total} rows"
    with qtbot.waitSignal(view.sig_rows_counted, timeout=2000):
        view.search.setText("no organisation is called this")
    assert view.count.text() == "0 rows"


def test_a_list_opens_in_its_own_order_with_that_column_marked(qtbot: QtBot, demo_db: Database) -> None:
    view = make_view(qtbot, demo_db, "actions")  # the core orders actions by due date, then ref
    keys = [column.key for column in view.model.columns]
    header = view.table.horizontalHeader()
    assert header.sortIndicatorSection() == keys.index("due")
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    due = [view.model.index(row, keys.index("due")).data() for row in range(view.model.rowCount())]
    assert due[0] == ListTableModel(demo_db, "actions").index(0, keys.index("due")).data()


def load_screenshots() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_screenshots", SCREENSHOTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_screenshots_script_writes_every_picture(qtbot: QtBot, tmp_path: Path) -> None:
    screenshots = load_screenshots()
    written = screenshots.render_screenshots(tmp_path)
    assert sorted(path.name for path in written) == sorted(f"{name}.png" for name in screenshots.SHOT_NAMES)
    for path in written:
        assert 0 < path.stat().st_size <= screenshots.MAX_BYTES, path.name
        image = QImage(str(path))
        assert image.width() == round(screenshots.WINDOW_SIZE[0] * screenshots.SCALE), path.name


def test_screenshots_script_refuses_without_a_font(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screenshots = load_screenshots()
    monkeypatch.setattr(screenshots.QFontDatabase, "families", staticmethod(lambda *_: []))
    assert screenshots.main([str(tmp_path)]) == 1
    assert "fonts-dejavu-core" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_show_archived_brings_archived_records_back_greyed_and_italic(qtbot: QtBot, demo_db: Database) -> None:
    import sqlalchemy as sa

    from core.domain.forums import Forum
    from core.services.records import archive_record

    with demo_db.write() as session:
        forum = session.scalars(sa.select(Forum).where(Forum.acronym == "UN GGE")).one()
        archive_record(session, Forum, forum.id, forum.version_id)
        archived_id = forum.id
    view = make_view(qtbot, demo_db, "forums")
    shown = view.model.total
    assert archived_id not in [view.model.row_id(r) for r in range(view.model.rowCount())]
    assert view.show_archived.isVisibleTo(view)
    view.show_archived.setChecked(True)
    assert view.count.text() == f"{shown + 1:,} rows"
    row = [view.model.row_id(r) for r in range(view.model.rowCount())].index(archived_id)
    cell = view.model.index(row, 0)
    assert view.model.is_archived(row)
    assert cell.data(Qt.ItemDataRole.FontRole).italic()
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "Archived: UN GGE"
    assert view.model.index(0 if row else 1, 0).data(Qt.ItemDataRole.FontRole) is None
    view.show_archived.setChecked(False)
    assert view.count.text() == f"{shown:,} rows"


def test_lists_of_records_that_cannot_be_archived_offer_no_archived_switch(qtbot: QtBot, demo_db: Database) -> None:
    assert not make_view(qtbot, demo_db, "audit").show_archived.isVisibleTo(None)
