"""Exporting a list from the GUI: the suggested name, the background write, cancel, failure, open file or folder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMainWindow, QPushButton, QWidget

from core.db.engine import Database
from core.io.workbook_style import DEMO_LINE
from core.reports.list_filters import ListFilter
from core.reports.lists import count_list, list_spec
from desktop.exports import CSV_FILTER, XLSX_FILTER, ExportListFlow, export_list_interactive, suggest_file_name
from desktop.jobs import JobRunner
from desktop.lists.view import ListView
from desktop.settings import AppSettings
from tests.desktop.conftest import DEMO_AS_AT

TIMEOUT_MS = 30_000


@pytest.mark.parametrize(
    ("marking", "title", "suffix", "expected"),
    [
        ("OFFICIAL: Sensitive", "Actions", ".xlsx", "OFFICIAL-Sensitive_Actions_2025-08-15.xlsx"),
        (None, "Actions", ".xlsx", "Actions_2025-08-15.xlsx"),
        ("", "Meetings", "csv", "Meetings_2025-08-15.csv"),
        ("SECRET//AUSTEO", "Budget lines", ".XLSX", "SECRET-AUSTEO_Budget-lines_2025-08-15.xlsx"),
        ("PROTECTED", "con", ".csv", "PROTECTED_con__2025-08-15.csv"),
    ],
)
def test_suggested_file_names_start_with_the_marking_made_safe(
    marking: str | None, title: str, suffix: str, expected: str
) -> None:
    assert suggest_file_name(marking, title, suffix, date(2025, 8, 15)) == expected


class FakeDialogs:
    """Stands in for the save dialog and the desktop's 'open' so that nothing modal or external runs."""

    def __init__(self, answer: Path | None, selected_filter: str = XLSX_FILTER) -> None:
        self.answer = answer
        self.selected_filter = selected_filter
        self.suggested: list[str] = []
        self.opened: list[QUrl] = []

    def ask_target(self, parent: QWidget | None, caption: str, suggested: str, filters: str) -> tuple[str, str]:
        self.suggested.append(suggested)
        return (str(self.answer) if self.answer else "", self.selected_filter)

    def open_url(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "settings.ini")


@pytest.fixture
def runner(qapp: object) -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.cancel_all()
    assert runner.wait_for_all(TIMEOUT_MS)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def make_flow(
    parent: QWidget, db: Database, runner: JobRunner, settings: AppSettings, dialogs: FakeDialogs, entity: str
) -> ExportListFlow:
    return ExportListFlow(
        parent,
        db,
        entity,
        runner,
        settings,
        ask_target=dialogs.ask_target,
        open_url=dialogs.open_url,
        as_at=DEMO_AS_AT,
        today=date(2025, 8, 15),
    )


def press(flow: ExportListFlow, text: str) -> None:
    assert flow.message_box is not None
    (button,) = [b for b in flow.message_box.buttons() if b.text() == text]
    button.click()


def test_the_demo_actions_export_to_xlsx_off_the_gui_thread(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings, out: Path
) -> None:
    dialogs = FakeDialogs(out / "actions.xlsx")
    flow = make_flow(parent, demo_db, runner, settings, dialogs, "actions")
    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS) as blocker:
        assert flow.start()
    assert blocker.args is not None
    result = blocker.args[0]

    # The dialog proposed the office's marking first, in the home folder the first time.
    (suggested,) = dialogs.suggested
    assert Path(suggested) == Path.home() / "OFFICIAL-Sensitive_Action-log_2025-08-15.xlsx"
    assert flow.handle is not None and flow.handle.thread_name != threading.main_thread().name

    with demo_db.read() as session:
        expected_rows = count_list(session, "actions")
    assert expected_rows > 0
    assert result.rows == expected_rows
    wb = load_workbook(out / "actions.xlsx", read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    headers = list(list_spec("actions").headers)
    header_row = next(i for i, row in enumerate(rows) if list(row[: len(headers)]) == headers)
    assert len(rows) - header_row - 1 == expected_rows

    assert flow.message_box is not None
    assert flow.message_box.text() == result.summary()
    press(flow, "Open file")
    assert dialogs.opened == [QUrl.fromLocalFile(str(out / "actions.xlsx"))]
    assert settings.last_export_folder == out


def test_open_folder_and_a_csv_chosen_by_filter(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings, out: Path
) -> None:
    settings.last_export_folder = out
    dialogs = FakeDialogs(out / "organisations", selected_filter=CSV_FILTER)  # no extension typed
    flow = make_flow(parent, demo_db, runner, settings, dialogs, "organisations")
    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS):
        flow.start()
    assert Path(dialogs.suggested[0]).parent == out
    assert (out / "organisations.csv").is_file()
    press(flow, "Open folder")
    assert dialogs.opened == [QUrl.fromLocalFile(str(out))]


def test_cancel_in_the_progress_dialog_stops_the_export_and_leaves_no_file(
    qtbot: QtBot, parent: QWidget, demo_db: Database, settings: AppSettings, out: Path
) -> None:
    # One pool thread kept busy from the moment the save dialog answers (the marking has been read by then), so the
    # export is still queued when Cancel is pressed: no race with a fast export.
    runner = JobRunner(max_read_threads=1)
    release = threading.Event()
    dialogs = FakeDialogs(out / "actions.xlsx")
    answer = dialogs.ask_target

    def ask_target(*args: Any) -> tuple[str, str]:
        runner.prepare(lambda progress, cancel: release.wait(TIMEOUT_MS / 1000)).start()
        return answer(*args)

    dialogs.ask_target = ask_target  # type: ignore[method-assign]
    flow = make_flow(parent, demo_db, runner, settings, dialogs, "actions")
    with qtbot.waitSignal(flow.sig_export_cancelled, timeout=TIMEOUT_MS):
        assert flow.start()
        qtbot.waitUntil(lambda: flow.progress_dialog is not None, timeout=TIMEOUT_MS)
        assert flow.progress_dialog is not None
        cancel_button = flow.progress_dialog.findChild(QPushButton)
        assert cancel_button is not None and cancel_button.text() == "Cancel"
        cancel_button.click()
        release.set()
    assert runner.wait_for_all(TIMEOUT_MS)
    assert list(out.iterdir()) == []
    assert flow.message_box is None


def test_a_failed_export_shows_the_message_naming_the_place(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings, tmp_path: Path
) -> None:
    dialogs = FakeDialogs(tmp_path / "gone" / "actions.xlsx")
    flow = make_flow(parent, demo_db, runner, settings, dialogs, "actions")
    with qtbot.waitSignal(flow.sig_export_failed, timeout=TIMEOUT_MS) as blocker:
        flow.start()
    assert blocker.args is not None
    (message,) = blocker.args
    assert message == f"Cannot write to folder {tmp_path / 'gone'}: it does not exist."
    assert flow.message_box is not None
    assert flow.message_box.text() == message
    assert flow.message_box.detailedText() == ""


def test_cancelling_the_file_dialog_starts_nothing(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings
) -> None:
    dialogs = FakeDialogs(None)
    flow = export_list_interactive(parent, demo_db, "actions", runner, settings, ask_target=dialogs.ask_target)
    # The save dialog opens once the marking has been read in the background, so the cancel comes by signal.
    assert flow is not None
    with qtbot.waitSignal(flow.sig_export_cancelled, timeout=TIMEOUT_MS):
        pass
    assert len(dialogs.suggested) == 1
    assert flow.handle is None
    assert runner.active_count == 0
    assert settings.last_export_folder is None


def test_a_synchronous_runner_exports_inline_for_tests(
    qtbot: QtBot, parent: QWidget, demo_db: Database, settings: AppSettings, out: Path
) -> None:
    dialogs = FakeDialogs(out / "meetings.xlsx")
    flow = make_flow(parent, demo_db, JobRunner(synchronous=True), settings, dialogs, "meetings")
    assert flow.start()
    assert flow.result is not None and flow.result.path == out / "meetings.xlsx"
    assert (out / "meetings.xlsx").is_file()


def shown_table(view: ListView) -> list[list[str]]:
    """The list as the user sees it: the visible columns' titles in the order shown, then every row's text."""
    model, header = view.model, view.header
    while model.canFetchMore():
        model.fetchMore()
    sections = [header.logicalIndex(v) for v in range(header.count())]
    sections = [s for s in sections if not header.isSectionHidden(s)]
    titles = [model.headerData(s, Qt.Orientation.Horizontal) for s in sections]
    return [titles, *([model.index(r, s).data() for s in sections] for r in range(model.rowCount()))]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_list_writes_the_rows_and_columns_the_list_shows(
    qtbot: QtBot,
    parent: QWidget,
    demo_db: Database,
    runner: JobRunner,
    settings: AppSettings,
    out: Path,
    suffix: str,
) -> None:
    view = ListView(demo_db, "actions")
    qtbot.addWidget(view)
    view.model.set_as_at(DEMO_AS_AT)
    # As the dashboard's "Open" tile opens it (sorted by RAG), then narrowed by typing.
    view.apply_filter(ListFilter("Open", (("open", True),)), sort_key="rag")
    everything_open = view.model.total
    qtbot.keyClicks(view.search, "circulate")  # exported at once, before the typing delay has run the search
    keys = [column.key for column in view.model.columns]
    for key in keys:
        if key not in ("ref", "status", "owner_agency", "rag"):
            view.set_column_hidden(keys.index(key), True)
    view.header.moveSection(view.header.visualIndex(keys.index("owner_agency")), 0)

    dialogs = FakeDialogs(out / f"actions{suffix}", CSV_FILTER if suffix == ".csv" else XLSX_FILTER)
    flow = ExportListFlow(
        parent,
        demo_db,
        "actions",
        runner,
        settings,
        query=view.export_query(),
        ask_target=dialogs.ask_target,
        open_url=dialogs.open_url,
        as_at=view.model.as_at,
        today=date(2025, 8, 15),
    )
    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS) as blocker:
        assert flow.start()
    assert blocker.args is not None

    shown = shown_table(view)
    assert shown[0] == ["Owner agency", "Ref", "Status", "RAG"]
    assert 0 < len(shown) - 1 < everything_open  # the search narrowed the open actions, and some are left
    if suffix == ".csv":
        assert read_csv_rows(out / "actions.csv") == shown
    else:
        ws = load_workbook(out / "actions.xlsx").active
        assert [ws["A2"].value, ws["A3"].value] == ["Filter: Open; search 'circulate'", DEMO_LINE]
        assert [[cell.value for cell in row] for row in ws.iter_rows(min_row=4)] == shown
    assert blocker.args[0].rows == len(shown) - 1


def read_csv_rows(path: Path) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_the_marking_is_read_off_the_gui_thread_and_still_starts_the_name(
    qtbot: QtBot,
    demo_db: Database,
    runner: JobRunner,
    settings: AppSettings,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import core.io.table_export

    window = QMainWindow()
    qtbot.addWidget(window)
    read_on: list[str] = []
    release = threading.Event()
    real_marking = core.io.table_export.list_export_marking

    def slow_marking(*args: Any, **kwargs: Any) -> str | None:
        read_on.append(threading.current_thread().name)
        release.wait(TIMEOUT_MS / 1000)
        return real_marking(*args, **kwargs)

    monkeypatch.setattr(core.io.table_export, "list_export_marking", slow_marking)
    dialogs = FakeDialogs(out / "actions.xlsx")
    flow = make_flow(window, demo_db, runner, settings, dialogs, "actions")
    assert flow.start()
    qtbot.waitUntil(lambda: bool(read_on), timeout=TIMEOUT_MS)
    # While the marking is read the window keeps working, says what it is doing, and asks for no file yet.
    assert read_on != [threading.main_thread().name]
    assert dialogs.suggested == []
    assert window.statusBar().currentMessage() == "Preparing export…"
    assert window.cursor().shape() == Qt.CursorShape.BusyCursor
    # A second click on Export meanwhile starts no second flow.
    second = make_flow(window, demo_db, runner, settings, dialogs, "actions")
    with qtbot.waitSignal(second.sig_export_cancelled, timeout=TIMEOUT_MS):
        assert not second.start()
    assert second.marking_handle is None

    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS):
        release.set()
    assert len(read_on) == 1
    (suggested,) = dialogs.suggested
    assert Path(suggested).name == "OFFICIAL-Sensitive_Action-log_2025-08-15.xlsx"
    assert window.statusBar().currentMessage() == ""
    assert window.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert (out / "actions.xlsx").is_file()


def test_a_marking_that_cannot_be_read_fails_the_export_and_asks_for_no_file(
    qtbot: QtBot,
    parent: QWidget,
    demo_db: Database,
    runner: JobRunner,
    settings: AppSettings,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import core.io.table_export
    from core.reports.lists import UnknownMarking

    def broken(*_args: Any, **_kwargs: Any) -> str | None:
        raise UnknownMarking("The marking of this list cannot be read.")

    monkeypatch.setattr(core.io.table_export, "list_export_marking", broken)
    dialogs = FakeDialogs(out / "actions.xlsx")
    flow = make_flow(parent, demo_db, runner, settings, dialogs, "actions")
    with qtbot.waitSignal(flow.sig_export_failed, timeout=TIMEOUT_MS) as blocker:
        assert flow.start()
    assert blocker.args == ["The marking of this list cannot be read."]
    assert dialogs.suggested == []  # never a name without its marking
    assert flow.message_box is not None and flow.message_box.text() == "The marking of this list cannot be read."
    assert list(out.iterdir()) == []
