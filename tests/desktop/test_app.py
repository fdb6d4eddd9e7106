"""Start-up: --db opens that file; with none, the last office, else the first-run choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app import open_initial_database
from desktop.main_window import NAVIGATION, MainWindow
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


def test_the_start_up_paints_a_bare_shell_first_and_builds_the_rest_after_it(tmp_path: Path, demo_path: Path) -> None:
    """run_gui's path: the first frame is the titled window with a status line, painted before any enum of the Qt
    namespace exists (PySide builds all ~90 at once, a fifth of a second under load) and before the database layer
    is imported; the menus, the navigation and the error hooks follow as soon as it has painted, then the office."""
    import os
    import subprocess
    import sys

    probe = f"""
import enum, gc, sys
from pathlib import Path
from desktop.app import after_first_frame, finish_start, make_application, open_shell
from desktop.settings import AppSettings

def qt_namespace_enums():
    return [t for t in gc.get_objects() if isinstance(t, type) and issubclass(t, enum.Enum)
            and t.__module__ == "PySide6.QtCore" and t.__qualname__.startswith("Qt.")]

app = make_application([])
window = open_shell(app, AppSettings({str(tmp_path / "settings.ini")!r}))

def at_first_frame():
    print(len(qt_namespace_enums()), ",".join(m for m in {NOT_BEFORE_FIRST_FRAME!r} if m in sys.modules))
    print(window.windowTitle(), "|", window.statusBar().currentMessage(), "|", window.menuWidget() is None)
    app.quit()

after_first_frame(window, at_first_frame)
window.show()
app.exec()
finish_start(app, window, Path({str(demo_path)!r}))
print(window.db is None, window.menuWidget() is not None, window._nav.count())
window.sig_database_opened.connect(lambda _name: app.quit())
app.exec()
file_menu = [a.text().replace("&", "") for a in window.actions.menus["&File"].actions() if not a.isSeparator()]
print(len(qt_namespace_enums()) > 0, type(getattr(sys.excepthook, "__self__", None)).__name__)
print(window._nav.count(), window._nav.item(0).text(), "|", file_menu[1], "|", window.windowTitle())
print(type(window.current_page()).__name__, window.statusBar().currentMessage() == "")
window.close()
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    enums_at_frame, shell, built, after, navigation, page = done.stdout.strip().splitlines()
    assert enums_at_frame == "0 "  # no Qt-namespace enum and none of the modules the shell must not load
    assert shell == "Cyber Affairs Desk | Starting… | True"  # titled, saying so, and no menu bar yet
    assert built == f"True True {len(NAVIGATION)}"  # menus and navigation there before the office opens
    assert after == "True ErrorHooks"
    assert navigation.startswith(f"{len(NAVIGATION)} Dashboard | Open… | Cyber Affairs Desk — ")
    assert page == "DashboardView True"


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


def test_garbage_collection_pauses_for_the_start_up_and_resumes_once_the_first_page_has_its_data(
    tmp_path: Path, demo_path: Path
) -> None:
    """run_gui's path: the collector would walk the start-up's long-lived objects again and again for nothing."""
    import os
    import subprocess
    import sys

    probe = f"""
import gc
from PySide6.QtCore import QTimer
import desktop.app as app_module

seen = []
finish_start = app_module.finish_start

def watched_finish_start(app, window, target):
    seen.append(gc.isenabled())  # at the first frame
    def after_first_page():
        seen.append(gc.isenabled())
        QTimer.singleShot(0, window.close)
    window.sig_first_page_shown.connect(after_first_page)
    finish_start(app, window, target)

app_module.finish_start = watched_finish_start
code = app_module.run_gui(["--db", {str(demo_path)!r}])
print(code, seen, gc.isenabled(), gc.get_freeze_count() > 10_000)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    # Resumed with the start-up's objects frozen, so that no pass walks them all just after the first figures.
    assert done.stdout.strip().splitlines()[-1] == "0 [False, True] True True"


def test_modules_imported_after_start_up_are_not_read_for_pysides_feature_syntax(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PySide reads the source of every module imported after it; the GUI's start stops that for non-Qt packages
    (SQLAlchemy, core) and leaves PySide's own classification of Qt-using ones (ours, pyqtgraph's) alone."""
    import inspect
    import sys

    from desktop.app import skip_pyside_source_scan

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide has no __feature__ import hook")  # nothing to skip: nothing was read
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # undone after the test
    read: list[str] = []
    getsource = inspect.getsource

    def counting_getsource(obj: object) -> str:
        read.append(getattr(obj, "__name__", "?"))
        return getsource(obj)

    monkeypatch.setattr(inspect, "getsource", counting_getsource)
    (tmp_path / "plain_module_for_scan_test.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    skip_pyside_source_scan()
    skip_pyside_source_scan()  # a second start in the same process (the self-test) wraps it once
    __import__("plain_module_for_scan_test")  # an import statement's way (importlib.import_module skips the hook)
    assert read == []
    assert feature.pyside_feature_dict["plain_module_for_scan_test"] == -1  # taken as not using Qt
    wrapped = feature._mod_uses_pyside
    assert wrapped(sys.modules["desktop.app"]) is True  # ours still classified by PySide, from its source
    assert read == ["desktop.app"]
