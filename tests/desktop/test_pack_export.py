"""Exporting a meeting pack from the GUI: a marked name, PDF or Excel in the background, open it; the menu command."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QWidget

from core.db.engine import Database
from desktop.jobs import JobRunner
from desktop.pack_export import PDF_FILTER, ExportPackFlow, export_pack_from_gui, meeting_for_pack
from desktop.settings import AppSettings
from tests.desktop.conftest import DEMO_AS_AT
from tests.desktop.test_exports import TIMEOUT_MS, FakeDialogs, out, parent, press, runner, settings

__all__ = ["out", "parent", "runner", "settings"]  # fixtures shared with the list export tests


def make_flow(
    parent: QWidget, db: Database, runner: JobRunner, settings: AppSettings, dialogs: FakeDialogs
) -> ExportPackFlow:
    return ExportPackFlow(
        parent,
        db,
        "next",
        runner,
        settings,
        ask_target=dialogs.ask_target,
        open_url=dialogs.open_url,
        as_at=DEMO_AS_AT,
        today=date(2025, 8, 15),
    )


def test_the_next_meetings_pack_exports_to_pdf_in_the_background(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings, out: Path
) -> None:
    dialogs = FakeDialogs(out / "pack", selected_filter=PDF_FILTER)  # no extension typed
    flow = make_flow(parent, demo_db, runner, settings, dialogs)
    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS) as blocker:
        assert flow.start()
    (suggested,) = dialogs.suggested
    assert Path(suggested).name == "OFFICIAL-Sensitive_Meeting-13-pack-2025–26-Q1_2025-08-15.xlsx"
    assert flow.handle is not None and flow.handle.thread_name != threading.main_thread().name
    assert blocker.args is not None
    result = blocker.args[0]
    assert result.path == out / "pack.pdf"
    assert (out / "pack.pdf").read_bytes().startswith(b"%PDF")
    assert flow.message_box is not None and flow.message_box.text() == result.summary()
    press(flow, "Open folder")
    assert dialogs.opened == [QUrl.fromLocalFile(str(out))]


def test_pack_exports_to_excel(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings, out: Path
) -> None:
    dialogs = FakeDialogs(out / "pack.xlsx")
    flow = make_flow(parent, demo_db, runner, settings, dialogs)
    with qtbot.waitSignal(flow.sig_export_finished, timeout=TIMEOUT_MS):
        flow.start()
    assert load_workbook(out / "pack.xlsx", read_only=True).sheetnames[0] == "Cover"
    press(flow, "Open file")
    assert dialogs.opened == [QUrl.fromLocalFile(str(out / "pack.xlsx"))]


def test_cancelling_the_dialog_or_naming_no_meeting_writes_nothing(
    qtbot: QtBot, parent: QWidget, demo_db: Database, runner: JobRunner, settings: AppSettings, out: Path
) -> None:
    dialogs = FakeDialogs(None)
    ask = dialogs.ask_target
    flow = export_pack_from_gui(parent, demo_db, "next", runner, settings, ask_target=ask, as_at=DEMO_AS_AT)
    # The save dialog opens once the marking has been read in the background, so the cancel comes by signal.
    assert flow is not None
    with qtbot.waitSignal(flow.sig_export_cancelled, timeout=TIMEOUT_MS):
        pass
    assert flow.handle is None
    assert dialogs.suggested and not parent.findChildren(QMessageBox)
    assert export_pack_from_gui(parent, demo_db, 99_999, runner, settings, ask_target=ask) is None
    (box,) = parent.findChildren(QMessageBox)
    assert box.text() == "There is no meeting 99999."
    box.close()
    assert list(out.iterdir()) == []


def test_the_menu_command_exports_the_next_meeting(
    qtbot: QtBot, window: QWidget, demo_path: Path, monkeypatch: object
) -> None:
    from core.reports.meeting_pack import resolve_meeting

    assert window.open_database(demo_path)  # type: ignore[attr-defined]
    db = window.db  # type: ignore[attr-defined]
    with db.read() as session:
        assert meeting_for_pack(db, DEMO_AS_AT) == resolve_meeting(session, "next", DEMO_AS_AT)
        # Long after the demo's as-at date no meeting is scheduled: the latest held one's pack is offered.
        assert meeting_for_pack(db, date(2030, 1, 1)) == resolve_meeting(session, "latest", date(2030, 1, 1))
    expected = meeting_for_pack(db)
    assert expected is not None
    started: list[object] = []
    monkeypatch.setattr(  # type: ignore[attr-defined]
        "desktop.pack_export.export_pack_from_gui", lambda *args, **_: started.append(args[2])
    )
    window.actions["export_pack"].trigger()  # type: ignore[attr-defined]
    assert started == [expected]


def test_the_self_test_exports_both_pack_formats(demo_db: Database, tmp_path: Path, capsys: object) -> None:
    from desktop import selftest

    assert selftest._export_packs(demo_db, tmp_path) == []
    assert (tmp_path / "pack.xlsx").exists() and (tmp_path / "pack.pdf").exists()
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "Wrote the pack for Meeting" in out and "pack.pdf" in out


def test_the_workspace_button_exports_the_pack_of_the_meeting_shown(
    window: object, demo_path: Path, monkeypatch: object, qtbot: object
) -> None:
    from PySide6.QtCore import Qt

    from desktop.main_window import page_of
    from desktop.meetings.view import MeetingsPage

    assert window.open_database(demo_path)  # type: ignore[attr-defined]
    started: list[object] = []
    monkeypatch.setattr(  # type: ignore[attr-defined]
        "desktop.pack_export.export_pack_from_gui", lambda *args, **_: started.append(args[2])
    )
    page = window.page(page_of("meetings"))  # type: ignore[attr-defined]
    assert isinstance(page, MeetingsPage)
    workspace = page.show_workspace()
    shown = workspace._detail
    assert shown is not None
    qtbot.mouseClick(workspace.export_pack_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert started == [shown.id]
