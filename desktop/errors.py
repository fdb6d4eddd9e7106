"""Unexpected errors anywhere in the app: logged to a file and shown on the GUI thread, and the app keeps running."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

import PySide6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, qVersion
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from core import APP_NAME, __version__

__all__ = [
    "LOG_BACKUPS",
    "LOG_FILE_NAME",
    "LOG_MAX_BYTES",
    "ErrorDialog",
    "ErrorHooks",
    "ErrorReport",
    "build_report",
    "install_error_hooks",
]

log = logging.getLogger(__name__)

LOG_FILE_NAME = "cyberdesk.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


# The hooks are installed right after the first frame, before the office opens, so this module keeps to what is
# loaded already: a NamedTuple (typing is loaded) rather than a dataclass, platform and datetime only for a report.
class ErrorReport(NamedTuple):
    """What went wrong, as text a user can copy into an e-mail to support."""

    summary: str  # "ValueError: bad value"
    text: str  # versions, platform, thread and traceback
    log_file: Path | None


def build_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, thread: str) -> str:
    """The copyable report: app, Python and Qt versions, platform, time, thread and traceback."""
    import platform
    from datetime import datetime

    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} ({platform.python_implementation()})",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"Platform {platform.platform()}",
        f"Time {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"Thread {thread}",
        "",
    ]
    return "\n".join(lines) + "".join(traceback.format_exception(exc_type, exc, tb))


class ErrorDialog(QDialog):
    """Tells the user that something went wrong, that the data is safe, and offers the report to copy."""

    def __init__(self, report: ErrorReport, parent: QWidget | None = None) -> None:
        # Imported here, not with the module: PySide builds each class's enums on first use, some 40 ms for these,
        # and the hooks are installed while the office is still to open.
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

        super().__init__(parent)
        self.report = report
        self.repeats = 1
        self.setWindowTitle(self.tr("{0} — unexpected error").format(APP_NAME))
        self.message = QLabel(
            self.tr("Something went wrong. Your data is safe; the last change may not have been saved.")
        )
        self.message.setWordWrap(True)
        self.repeat_label = QLabel()
        self.repeat_label.setVisible(False)
        self.details = QPlainTextEdit(report.text)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setAccessibleName(self.tr("Error report"))
        self.log_label = QLabel(
            self.tr("This report was also saved to {0}.").format(report.log_file) if report.log_file else ""
        )
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setVisible(report.log_file is not None)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(self.tr("Copy report"))
        self.copy_button.setAutoDefault(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setDefault(True)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.repeat_label)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.log_label)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def count_repeat(self) -> None:
        """Another error arrived while this dialog was open: say so instead of stacking dialogs."""
        self.repeats += 1
        self.repeat_label.setText(self.tr("This happened {0} times; the log has every report.").format(self.repeats))
        self.repeat_label.setVisible(True)

    def _on_copy_button_clicked(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self.report.text)
        self.copy_button.setText(self.tr("Copied"))


def _open_dialog(dialog: ErrorDialog) -> None:
    # open(), not exec(): no nested event loop, so more errors and the app's own work carry on underneath.
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


class ErrorHooks(QObject):
    """The installed hooks; lives on the GUI thread so that reports from any thread are shown there."""

    sig_report_received = Signal(object)
    """Emitted (from any thread) with an ErrorReport; delivered queued to the GUI thread."""
    sig_dialog_shown = Signal(object)
    """Emitted on the GUI thread with the ErrorDialog just presented (or with the open one that counted a repeat)."""

    def __init__(self, app: QCoreApplication, log_file: Path | None, present: Callable[[ErrorDialog], None]) -> None:
        super().__init__(app)
        self.log_file = log_file
        self._present = present
        self.dialog: ErrorDialog | None = None
        self.handled = 0  # reports that reached the GUI thread, shown or not
        self._presenting_broken = False
        self._local = threading.local()
        self._handler: logging.Handler | None = None
        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        self.sig_report_received.connect(self._on_hooks_report_received, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------------------------------------
    # Installed hooks: may run on any thread, so they only format, log and emit.

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_excepthook(exc_type, exc, tb)
            return
        self._report((exc_type, exc, tb), threading.current_thread().name)

    def threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return  # what threading's own hook does: a thread calling sys.exit() just ends
        self._report((args.exc_type, args.exc_value, args.exc_traceback), args.thread.name if args.thread else "?")

    def _report(self, exc_info: ExcInfo, thread: str) -> None:
        # An error while handling an error on the same thread would recurse; print it and stop there.
        if getattr(self._local, "busy", False):
            sys.__excepthook__(*exc_info)
            return
        self._local.busy = True
        try:
            text = build_report(*exc_info, thread)
            log.critical("Unexpected error\n%s", text)
            if sys.stderr is not None:  # None under pythonw and in windowed builds
                traceback.print_exception(*exc_info, file=sys.stderr)
            summary = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
            self.sig_report_received.emit(ErrorReport(summary, text, self.log_file))
        except Exception:
            with contextlib.suppress(Exception):
                sys.__excepthook__(*exc_info)
        finally:
            self._local.busy = False

    # ------------------------------------------------------------------------------------------------
    # GUI thread

    def _on_hooks_report_received(self, report: ErrorReport) -> None:
        self.handled += 1
        if self._presenting_broken:
            return  # the error is logged; showing it already failed once and would fail again
        try:
            if self.dialog is not None:
                self.dialog.count_repeat()
                self.sig_dialog_shown.emit(self.dialog)
                return
            parent = QApplication.activeWindow()
            dialog = ErrorDialog(report, parent)
            dialog.finished.connect(self._on_dialog_finished)
            self.dialog = dialog
            self._present(dialog)
            self.sig_dialog_shown.emit(dialog)
        except Exception:
            # Never raise from here: our own excepthook would queue another report and loop forever.
            self._presenting_broken = True
            self.dialog = None
            log.exception("Could not show the error dialog; further errors are only logged")

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    # ------------------------------------------------------------------------------------------------

    def _install(self) -> None:
        if self.log_file is not None:
            self._handler = _file_handler(self.log_file)
            logging.getLogger().addHandler(self._handler)
        sys.excepthook = self.excepthook
        threading.excepthook = self.threading_excepthook

    def uninstall(self) -> None:
        """Put back the hooks found at install time and close the log file (tests; the app keeps them for life)."""
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_excepthook
        if threading.excepthook == self.threading_excepthook:
            threading.excepthook = self._previous_threading_hook
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler.close()
            self._handler = None

    def __enter__(self) -> ErrorHooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.uninstall()


class DeferredFileHandler(logging.Handler):
    """The log file's RotatingFileHandler, made when the first record comes: logging.handlers (with socket and
    pickle) would add some 40 ms before the first frame, and the file is only opened on a first record anyway."""

    def __init__(self, log_file: Path) -> None:
        super().__init__(logging.WARNING)
        self.log_file = log_file
        self.target: logging.Handler | None = None
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self.target is None:
            import logging.handlers

            self.target = logging.handlers.RotatingFileHandler(
                self.log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
            )
            self.target.setFormatter(self.formatter)
        self.target.emit(record)

    def close(self) -> None:
        if self.target is not None:
            self.target.close()
        super().close()


def _file_handler(log_file: Path) -> logging.Handler:
    return DeferredFileHandler(log_file)


def install_error_hooks(
    app: QCoreApplication,
    *,
    log_dir: Path | None = None,
    present: Callable[[ErrorDialog], None] | None = None,
) -> ErrorHooks:
    """Route every uncaught exception (GUI thread, pool threads, `threading.Thread`) to the log and an ErrorDialog.

    `log_dir` defaults to the user log folder; `present` shows the dialog (default: non-blocking open()), and
    tests pass one that only records it.
    """
    if log_dir is None:
        from core.db.paths import log_dir as default_log_dir

        log_dir = default_log_dir()
    log_file: Path | None = log_dir / LOG_FILE_NAME
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A read-only profile must not stop the app from starting; errors are still shown.
        log_file = None
    hooks = ErrorHooks(app, log_file, present or _open_dialog)
    hooks._install()
    return hooks
