"""An office double-clicked in the file manager opens in the window, however the platform hands it over."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_a_double_clicked_office_opens_in_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop.app
    from desktop.__main__ import main

    seen: list[list[str]] = []
    monkeypatch.setattr(desktop.app, "run_gui", lambda argv: seen.append(argv) or 0)
    assert main(["/home/ana/Team Office.cyberdesk"]) == 0
    assert seen == [["--db", "/home/ana/Team Office.cyberdesk"]]


def test_an_office_opened_from_the_finder_while_running_opens_in_the_window(  # type: ignore[no-untyped-def]
    qapp, window, demo_path: Path
) -> None:
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from desktop.app import open_files_from_finder

    handler = open_files_from_finder(qapp, window)
    try:
        QApplication.sendEvent(qapp, QFileOpenEvent(str(demo_path)))
        assert window.db is not None and window.db.path == demo_path
    finally:
        qapp.removeEventFilter(handler)
