"""Starting the GUI: the application object, error hooks, theme, and the main window shown before heavy imports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core import APP_ID, APP_NAME, __version__


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
    return app


def run_gui(argv: list[str]) -> int:
    args = parse_gui_args(argv)
    if args.self_test:
        from desktop.selftest import run_self_test

        return run_self_test(Path(args.db).expanduser() if args.db else None)
    app = make_application(argv)
    from desktop.errors import install_error_hooks
    from desktop.settings import AppSettings
    from desktop.theme import apply_theme

    install_error_hooks(app)
    settings = AppSettings()
    apply_theme(app, settings.theme)
    # The shell paints first; the database layer (SQLAlchemy, the models) is imported after the first frame.
    from desktop.main_window import MainWindow

    window = MainWindow(settings)
    settings.restore_window(window)
    window.show()
    target = Path(args.db).expanduser() if args.db else None
    QTimer.singleShot(0, lambda: open_initial_database(window, target))
    return int(app.exec())


def open_initial_database(window: object, target: Path | None) -> None:
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
