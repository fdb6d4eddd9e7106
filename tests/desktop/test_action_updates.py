"""The action-update round trip from the File menu: export for an agency, dry run shown, apply, views refreshed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox

from core.domain.meetings import Action, ActionStatus
from desktop.action_updates import ExportActionUpdatesFlow, ImportActionUpdatesFlow
from tests.desktop.conftest import DEMO_AS_AT


def _export(window, qtbot, tmp_path: Path, asked: list[str]) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "returned.xlsx"
    opened: list[QUrl] = []

    def ask_agency(_parent, _caption, _label, items):  # type: ignore[no-untyped-def]
        return next(i for i, item in enumerate(items) if item.startswith("MFA — "))

    def ask_target(_parent, _caption, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(Path(suggested).name)
        return str(target), filters

    flow = ExportActionUpdatesFlow(
        window,
        window.db,
        window.jobs,
        window.settings,
        ask_agency=ask_agency,
        ask_target=ask_target,
        open_url=lambda url: opened.append(url) or True,
        as_at=DEMO_AS_AT,
        today=DEMO_AS_AT,
    )
    with qtbot.waitSignal(flow.sig_export_finished):
        assert flow.start()
    assert flow.message_box is not None and "for MFA to returned.xlsx" in flow.message_box.text()
    flow._open_folder_button.click()  # the same open file / open folder as every export
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]
    return target


def _set(path: Path, ref: str, column: str, value: object) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Actions"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Version" for c in r))
    cols = {c.value: c.column for c in header}
    for row in range(header[0].row + 1, ws.max_row + 1):
        if ws.cell(row=row, column=cols["Ref"]).value == ref:
            ws.cell(row=row, column=cols[column]).value = value
    wb.save(path)


def _status(window, ref: str) -> ActionStatus:  # type: ignore[no-untyped-def]
    with window.db.read() as session:
        return session.scalars(sa.select(Action.status).where(Action.ref == ref)).one()


def test_menu_has_both_commands_enabled_with_an_office(window, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    export, imported = window.actions["export_action_updates"], window.actions["import_action_updates"]
    assert not export.isEnabled() and not imported.isEnabled()
    assert window.open_database(demo_path)
    assert export.isEnabled() and imported.isEnabled()
    assert export in window.actions.menus["&File"].actions() and imported.text() == "&Import action updates…"


def test_dry_run_is_shown_then_apply_changes_the_action_log(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    asked: list[str] = []
    path = _export(window, qtbot, tmp_path, asked)
    assert asked == ["OFFICIAL-Sensitive_Action-updates-MFA_2025-08-15.xlsx"]
    _set(path, "A10.10", "New status", "Complete")
    _set(path, "A10.10", "Progress update", "Costings sent.")

    flow = ImportActionUpdatesFlow(
        window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), "")
    )
    assert flow.start()
    dialog = flow.dialog
    assert dialog is not None and dialog.isVisible()
    lines = dialog.lines()
    assert "Changes (1)" in lines
    assert any(line.startswith(f"{_row(path, 'A10.10')} | A10.10 | Status: In progress → Complete") for line in lines)
    assert dialog.apply_button.isEnabled() and dialog.apply_button.text() == "Apply 1 change(s)"
    assert _status(window, "A10.10") is ActionStatus.IN_PROGRESS  # the dry run changed nothing

    refreshed: list[tuple[str, int]] = []
    window.updates.sig_import_applied.connect(lambda table, n: refreshed.append((table, n)))
    flow.sig_import_applied.connect(window.updates.sig_import_applied)
    with qtbot.waitSignal(flow.sig_import_applied):
        dialog.apply_button.click()
    assert _status(window, "A10.10") is ActionStatus.COMPLETE
    assert refreshed == [("action", 1)]
    assert flow.message_box is not None and flow.message_box.text().startswith("Imported returned.xlsx: 1 record")


def _row(path: Path, ref: str) -> int:
    from openpyxl import load_workbook

    ws = load_workbook(path)["Actions"]
    return next(c.row for c in ws["C"] if c.value == ref)


def test_a_file_with_problems_cannot_be_applied(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = _export(window, qtbot, tmp_path, [])
    _set(path, "A10.10", "Proposed new due date", "03/04/2026")
    flow = ImportActionUpdatesFlow(
        window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), "")
    )
    flow.start()
    assert flow.dialog is not None and not flow.dialog.apply_button.isEnabled()
    assert any("could be read two ways" in line for line in flow.dialog.lines())
    flow.dialog.copy_button.click()
    from PySide6.QtGui import QGuiApplication

    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Problem Actions, row ") and "could be read two ways" in copied
    assert "Correct the problems in the file" in flow.dialog.headline.text()


def test_a_hostile_file_gets_one_line_and_the_app_carries_on(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = tmp_path / "returned.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    flow = ImportActionUpdatesFlow(
        window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), "")
    )
    flow.start()
    assert flow.dialog is None and flow.message_box is not None
    assert flow.message_box.icon() is QMessageBox.Icon.Warning
    assert flow.message_box.text().startswith("Cannot import returned.xlsx: it is an old Excel 97-2003 (.xls)")
    assert window.isVisible()


def test_commands_from_the_window(window, demo_path: Path, monkeypatch, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    assert window.open_database(demo_path)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("", False))
    assert window.updates.export_for_agency() is None
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    assert window.updates.import_updates() is None


def test_cancelling_the_plan_ends_the_flow_and_changes_nothing(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = _export(window, qtbot, tmp_path, [])
    _set(path, "A10.10", "New status", "Complete")
    flow = ImportActionUpdatesFlow(
        window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), "")
    )
    flow.start()
    assert flow.dialog is not None
    with qtbot.waitSignal(flow.sig_import_ended):
        flow.dialog.reject()
    assert flow.dialog is None
    assert _status(window, "A10.10") is ActionStatus.IN_PROGRESS
    nothing = ImportActionUpdatesFlow(window, window.db, window.jobs, window.settings, ask_source=lambda *_: ("", ""))
    with qtbot.waitSignal(nothing.sig_import_ended):
        assert not nothing.start()
