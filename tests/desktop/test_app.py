"""Start-up: --db opens that file; with none, the last office, else the first-run choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app import open_initial_database
from desktop.main_window import MainWindow
from desktop.office_dialogs import FirstRunDialog, NewOfficeDialog


def test_db_argument_opens_that_file(window: MainWindow, demo_path: Path) -> None:
    open_initial_database(window, demo_path)
    assert window.db is not None and window.db.path == demo_path


def test_first_run_offers_the_demo_office(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = tmp_path / "data" / "demo-office.cyberdesk"
    monkeypatch.setattr("core.db.paths.default_database_path", lambda: tmp_path / "data" / "office.cyberdesk")
    monkeypatch.setattr("core.db.paths.demo_database_path", lambda: demo)

    def choose_demo(dialog: FirstRunDialog) -> int:
        dialog._choose("demo")
        return 1

    monkeypatch.setattr(FirstRunDialog, "exec", choose_demo)
    open_initial_database(window, None)
    assert demo.exists()
    assert window.db is not None and window.db.path == demo
    assert window._banner.isVisible()


def test_new_office_dialog_shows_core_messages_next_to_fields(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = NewOfficeDialog(tmp_path / "office.cyberdesk")
    qtbot.addWidget(dialog)
    dialog.name.setText("  ")
    dialog.currency.setText("XYZ")
    dialog._on_buttons_accepted()
    assert dialog.result() == 0
    assert dialog.messages["name"].text() == "Give the office a name."
    assert dialog.messages["currency"].text() == "Enter a three-letter ISO 4217 currency code, such as AUD, EUR or USD."
    dialog.name.setText("Office of the Ambassador")
    dialog.currency.setText("eur")
    dialog._on_buttons_accepted()
    assert dialog.result() == 1
    assert dialog.values() == ("Office of the Ambassador", "eur", 7)


# What the shell must not load before its first frame: each is imported when the database opens or a command runs.
NOT_BEFORE_FIRST_FRAME = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "pyqtgraph",
    "core.db.engine",
    "desktop.exports",
    "desktop.action_updates",
    "desktop.resources.budget_commands",
    "desktop.editing.dialog",
)


def test_the_first_frame_loads_no_database_layer_and_no_export_code(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    probe = f"""
import sys
from desktop.app import make_application
from desktop.settings import AppSettings
app = make_application([])
from desktop.main_window import MainWindow
window = MainWindow(AppSettings({str(tmp_path / "settings.ini")!r}))
window.show()
app.processEvents()
print(",".join(m for m in {NOT_BEFORE_FIRST_FRAME!r} if m in sys.modules))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
