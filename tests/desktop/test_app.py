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


def test_an_office_opens_on_the_dashboard_whose_charts_follow_its_first_frame(tmp_path: Path, demo_path: Path) -> None:
    """The ambassador opens the app to the dashboard. Its shell and tiles come first; pyqtgraph, which the charts
    need, is imported only once that page has painted."""
    import os
    import subprocess
    import sys

    probe = f"""
import sys, time
from pathlib import Path
from desktop.app import make_application
from desktop.settings import AppSettings
app = make_application([])
from desktop.main_window import MainWindow
window = MainWindow(AppSettings({str(tmp_path / "settings.ini")!r}))
window.show()
app.processEvents()
window.open_database(Path({str(demo_path)!r}))
page = window.current_page()
print(type(page).__name__, "pyqtgraph" in sys.modules, page.charts_built)
deadline = time.monotonic() + 60  # a guard against hanging, not a measurement
while not (page.charts_built and page.dashboard is not None) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print(page.charts_built, "pyqtgraph" in sys.modules, page.tiles["actions"].text().split(chr(10))[0])
print(sum(chart.table_model.rowCount() > 0 for chart in page.charts))
window.close()
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    at_open, filled, charts_with_rows = done.stdout.strip().splitlines()
    assert at_open == "DashboardView False False"
    built, loaded, actions_tile = filled.split(" ", 2)
    assert (built, loaded) == ("True", "True")
    assert actions_tile.startswith("Actions not closed: ") and actions_tile.split(": ")[1].isdigit()
    assert int(charts_with_rows) >= 6  # every chart drew the figures computed before it existed
