"""Starting the GUI: the application object, error hooks, theme, and the main window shown before heavy imports."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from core import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from desktop.main_window import MainWindow
    from desktop.settings import AppSettings


def parse_gui_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cyberdesk")
    parser.add_argument("--db", default=None)
    parser.add_argument("--self-test", action="store_true")
    return parser.parse_args(argv)


def make_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    from desktop.assets import app_icon

    app.setWindowIcon(app_icon())
    return app


def run_gui(argv: list[str]) -> int:
    skip_pyside_source_scan()
    args = parse_gui_args(argv)
    if args.self_test:
        from desktop.selftest import run_self_test

        return run_self_test(Path(args.db).expanduser() if args.db else None)
    pause_garbage_collection()
    app = make_application(argv)
    from desktop.settings import AppSettings

    window = open_shell(app, AppSettings())
    window.show()
    target: Path | str | None = None
    if args.db:  # a server URL stays a string; Path() would fold its "//"
        target = args.db if "://" in args.db else Path(args.db).expanduser()
    window.sig_first_page_shown.connect(resume_garbage_collection)
    QTimer.singleShot(GC_PAUSE_MAX_MS, resume_garbage_collection)  # no office opened, or it failed to
    after_first_frame(window, lambda: finish_start(app, window, target))
    if sys.platform == "darwin":
        open_files_from_finder(app, window)
    if os.environ.get("CYBERDESK_BENCH_EXIT"):
        _report_bench_marks(app, window)
    return int(app.exec())


# Packages whose modules PySide may go on classifying by their source: ours and pyqtgraph's use Qt.
QT_USING_PACKAGES = frozenset({"desktop", "pyqtgraph"})


def skip_pyside_source_scan() -> None:
    """PySide reads the whole source of every module imported after it (inspect.getsource), to learn whether the
    module opts into its `from __feature__ import snake_case, true_property` syntax, which this app never does:
    SQLAlchemy's modules and ours were read that way, 60-100 ms of the first figures (napari#8584 traces the same
    tax). Modules of other packages are now taken as not using Qt without being read; PySide still classifies
    ours and pyqtgraph's. A PySide without this hook (a later version) is left as it is."""
    feature = sys.modules.get("shibokensupport.feature")
    classify = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(classify) or getattr(classify, "skips_non_qt_packages", False):
        return

    def uses_pyside(module: object) -> bool:
        package = str(getattr(module, "__name__", "")).partition(".")[0]
        return bool(classify(module)) if package in QT_USING_PACKAGES else False

    uses_pyside.skips_non_qt_packages = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


# Start-up creates a few hundred thousand objects that live as long as the app (Qt's wrappers, SQLAlchemy, the
# models, the window), and the collector's passes over them while they were made freed nothing: 65-160 ms of the
# first figures on the 200,000-action office. Collection resumes once the first page has its data, or after this.
GC_PAUSE_MAX_MS = 10_000


def pause_garbage_collection() -> None:
    gc.disable()


def resume_garbage_collection() -> None:
    """Collection resumes with the start-up's objects frozen (gc.freeze, the standard library's way for objects
    that live as long as the process): else its first pass walks all of them at once, 50-90 ms on the GUI thread
    just as the first figures are painted, and later full passes walk them again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def open_shell(app: QApplication, settings: AppSettings) -> MainWindow:
    """The window of the first frame, not yet shown: its theme, title, size and place, an empty page and a status
    line. Nothing in it may use the Qt namespace (`Qt.…`), whose enums PySide builds all at once on first use."""
    from desktop.main_window import MainWindow
    from desktop.theme import theme_controller

    theme_controller(app).apply_at_start(settings.theme)
    window = MainWindow(settings, shell_only=True)
    settings.restore_geometry(window)
    return window


def finish_start(app: QApplication, window: MainWindow, target: Path | str | None) -> None:
    """After the first frame: the error hooks, the rest of the window, the platform's colour scheme, the office."""
    importing = import_database_layer_in_background()  # first: it is the longest wait for the first figures
    from desktop.errors import install_error_hooks
    from desktop.theme import apply_theme

    install_error_hooks(app)
    window.build()
    window.settings.restore_layout(window)
    apply_theme(app, window.settings.theme)
    # The menus and the navigation are painted before the office opens: importing the database layer and opening a
    # large office hold the GUI thread for a second or more, and the window should not sit there without them.
    # Joined first: the GUI thread imports nothing of the database layer while the other thread is at it.
    after_first_frame(window, lambda: (importing.join(), open_initial_database(window, target)), watched=app)


def import_database_layer_in_background() -> threading.Thread:
    """Import the database layer (SQLAlchemy, the models) and the first page's reports on a worker thread while
    the GUI thread builds the menus and paints them: those imports are most of the wait for the first figures,
    and a paint holds no Python lock. The GUI thread waits for this thread before it opens the office, so that the
    two never import the same modules at once (SQLAlchemy's own import cycles could then deadlock); an error here
    is left for the GUI thread to meet and report when it imports the same modules."""

    def run() -> None:
        with contextlib.suppress(Exception):
            from sqlalchemy.orm import configure_mappers

            import core.db.engine
            import core.reports.dashboard  # noqa: F401
            from core.db.migrate import head_revision

            configure_mappers()  # else the office's first query would, on the GUI thread
            head_revision()

    thread = threading.Thread(target=run, name="cyberdesk-import", daemon=True)
    thread.start()
    return thread


# When no frame comes (a window restored minimised, a platform that paints late), the database opens anyway.
FIRST_FRAME_WAIT_MS = 1000


def after_first_frame(window: QWidget, then: Callable[[], None], *, watched: QObject | None = None) -> None:
    """Run `then` once `window` has painted its first frame: a zero timer after show() fires before the paint,
    so opening the database (SQLAlchemy, the models, the first list) there would hold the window back blank.
    `watched` (such as the application, for a paint of any widget) is watched for the paint instead."""
    done = False
    source = watched or window

    def run() -> None:
        nonlocal done
        if not done:
            done = True
            source.removeEventFilter(watcher)
            then()

    class _FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, run)  # after this paint has reached the screen
            return False

    watcher = _FirstPaint(window)
    source.installEventFilter(watcher)
    QTimer.singleShot(FIRST_FRAME_WAIT_MS, watcher, run)


def open_files_from_finder(app: QApplication, window: QWidget) -> QObject:
    """macOS hands an office double-clicked while the app runs to it as a FileOpen event, not as an argument (the
    first one, at launch, PyInstaller's argv emulation turns into argv). Only there: an application-wide event filter
    runs for every event of every widget."""
    from PySide6.QtGui import QFileOpenEvent

    class _FileOpen(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
                window.open_database(Path(event.file()))  # type: ignore[attr-defined]
                return True
            return False

    handler = _FileOpen(window)
    app.installEventFilter(handler)
    return handler


def _report_bench_marks(app: QApplication, window: QWidget) -> None:
    """bench/bench_gui_start.py only (CYBERDESK_BENCH_EXIT=1): write perf_counter() at the first frame and at the
    first frame after the database opened and its first page has its data (the dashboard's tiles filled, or the
    first list), then close the window."""
    import time

    def mark(name: str) -> None:
        sys.stdout.write(f"MARK {name} {time.perf_counter():.6f}\n")
        sys.stdout.write(f"CPU {name} {time.process_time():.6f}\n")  # every thread's, for a loaded machine
        sys.stdout.flush()

    class _Frames(QObject):
        painted = opened = done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.done:
                if not self.painted:
                    self.painted = True
                    QTimer.singleShot(0, lambda: mark("first_frame"))
                if self.opened:
                    self.done = True
                    QTimer.singleShot(0, lambda: (mark("populated"), after_charts()))
            return False

    def after_charts() -> None:
        """On the dashboard, also mark when its charts have been built and painted, then close."""
        page = window.current_page()  # type: ignore[attr-defined]
        built = getattr(page, "sig_charts_built", None)
        if built is None or page.charts_built:
            window.close()
            return
        built.connect(lambda: after_first_frame(page, lambda: (mark("charts"), window.close())))

    def on_opened(_name: str) -> None:
        refreshed = getattr(window.current_page(), "sig_refreshed", None)  # type: ignore[attr-defined]
        if refreshed is not None:
            refreshed.connect(on_filled)  # the dashboard computes its figures in the background
        else:
            on_filled()

    def on_filled() -> None:
        if not frames.opened:
            frames.opened = True
            app.installEventFilter(frames)  # the first paint of any widget in the window, after the data came

    frames = _Frames(window)
    window.installEventFilter(frames)
    window.sig_database_opened.connect(on_opened)  # type: ignore[attr-defined]


def open_initial_database(window: object, target: Path | str | None) -> None:
    """--db opens that file directly; otherwise the last or default office, or the first-run choice."""
    from core.db.paths import default_database_path, demo_database_path
    from desktop.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if target is not None:
        window.open_database(target)
        return
    for candidate in (window.settings.last_database, default_database_path()):
        if candidate is not None and candidate.exists():
            window.open_database(candidate)
            return
    from desktop.office_dialogs import FirstRunDialog

    dialog = FirstRunDialog(window)
    dialog.exec()
    if dialog.choice == "demo":
        demo = demo_database_path()
        if not demo.exists():
            build_demo_office(demo)
        window.open_database(demo)
    elif dialog.choice == "new":
        window.files.create_new_office()
    elif dialog.choice == "open":
        window.files.choose_and_open()


def build_demo_office(path: Path) -> None:
    from datetime import date

    from core.db.engine import open_database
    from core.demo import build_demo

    with open_database(path, create=True) as db:
        build_demo(db, as_at=date.today())
