"""Starting the GUI: the application object, error hooks, and the main window shown before anything heavy loads."""

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
    app = make_application(argv)
    # The shell paints first; the database layer (SQLAlchemy, the models) is imported after the first frame.
    from desktop.main_window import MainWindow

    window = MainWindow()
    window.show()
    target = Path(args.db).expanduser() if args.db else None
    QTimer.singleShot(0, lambda: window.open_database(target))
    return int(app.exec())
