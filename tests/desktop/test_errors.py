"""Unexpected errors: from a slot, a thread or a pool job they reach one dialog on the GUI thread and the log."""

from __future__ import annotations

import logging.handlers
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRunnable, QThreadPool, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from core import __version__
from desktop.errors import (
    LOG_BACKUPS,
    LOG_FILE_NAME,
    LOG_MAX_BYTES,
    DeferredFileHandler,
    ErrorDialog,
    ErrorHooks,
    install_error_hooks,
)

TIMEOUT_MS = 10_000


@dataclass
class Installed:
    hooks: ErrorHooks
    log_file: Path
    presented: list[ErrorDialog] = field(default_factory=list)
    presented_on: list[str] = field(default_factory=list)


@pytest.fixture
def installed(qapp: QApplication, tmp_path: Path) -> Iterator[Installed]:
    # Installed in the test's own setup and removed in its teardown, inside pytest-qt's capture, which then
    # puts everything back. The presenter records the dialog instead of showing it, so nothing blocks.
    log_dir = tmp_path / "logs"
    box: list[Installed] = []

    def present(dialog: ErrorDialog) -> None:
        box[0].presented.append(dialog)
        box[0].presented_on.append(threading.current_thread().name)

    with install_error_hooks(qapp, log_dir=log_dir, present=present) as hooks:
        box.append(Installed(hooks, log_dir / LOG_FILE_NAME))
        yield box[0]
    for dialog in box[0].presented:
        dialog.deleteLater()


def raise_value_error() -> None:
    raise ValueError("the slot went wrong")


def test_an_exception_in_a_slot_shows_the_dialog_and_the_app_keeps_running(qtbot: QtBot, installed: Installed) -> None:
    with qtbot.waitSignal(installed.hooks.sig_dialog_shown, timeout=TIMEOUT_MS) as blocker:
        QTimer.singleShot(0, raise_value_error)
    assert blocker.args is not None
    dialog = blocker.args[0]
    assert installed.presented == [dialog]
    assert installed.presented_on == [threading.main_thread().name]
    assert dialog.message.text() == (
        "Something went wrong. Your data is safe; the last change may not have been saved."
    )
    report = dialog.details.toPlainText()
    assert f"Cyber Affairs Desk {__version__}" in report
    assert "Python " in report and "Qt " in report and "Platform " in report
    assert "Traceback (most recent call last)" in report
    assert 'raise ValueError("the slot went wrong")' in report
    assert "ValueError: the slot went wrong" in report

    # Still alive: not shutting down, and the event loop runs the next timer.
    assert not QApplication.closingDown()
    timer = QTimer(singleShot=True, interval=0)
    with qtbot.waitSignal(timer.timeout, timeout=TIMEOUT_MS):
        timer.start()

    dialog.reject()
    assert installed.hooks.dialog is None


def test_copy_report_puts_the_whole_report_on_the_clipboard(qtbot: QtBot, installed: Installed) -> None:
    with qtbot.waitSignal(installed.hooks.sig_dialog_shown, timeout=TIMEOUT_MS) as blocker:
        QTimer.singleShot(0, raise_value_error)
    assert blocker.args is not None
    dialog: ErrorDialog = blocker.args[0]
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report.text
    assert "ValueError: the slot went wrong" in QGuiApplication.clipboard().text()


def test_an_exception_in_a_thread_reaches_the_dialog_on_the_gui_thread(qtbot: QtBot, installed: Installed) -> None:
    def work() -> None:
        raise RuntimeError("the thread went wrong")

    thread = threading.Thread(target=work, name="report-builder")
    with qtbot.waitSignal(installed.hooks.sig_dialog_shown, timeout=TIMEOUT_MS) as blocker:
        thread.start()
        thread.join(TIMEOUT_MS / 1000)
    assert blocker.args is not None
    report = blocker.args[0].details.toPlainText()
    assert "Thread report-builder" in report
    assert "RuntimeError: the thread went wrong" in report
    assert installed.presented_on == [threading.main_thread().name]


def test_an_exception_in_a_pool_runnable_reaches_the_dialog(qtbot: QtBot, installed: Installed) -> None:
    class FailingRunnable(QRunnable):
        def run(self) -> None:
            raise KeyError("pool")

    pool = QThreadPool()
    with qtbot.waitSignal(installed.hooks.sig_dialog_shown, timeout=TIMEOUT_MS) as blocker:
        pool.start(FailingRunnable())
    assert pool.waitForDone(TIMEOUT_MS)
    assert blocker.args is not None
    assert "KeyError: 'pool'" in blocker.args[0].details.toPlainText()
    assert installed.presented_on == [threading.main_thread().name]


def test_the_log_file_holds_the_traceback_and_rotates(installed: Installed) -> None:
    try:
        raise LookupError("logged for support")
    except LookupError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    text = installed.log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert 'raise LookupError("logged for support")' in text
    assert "LookupError: logged for support" in text
    handler = installed.hooks._handler
    assert isinstance(handler, DeferredFileHandler)
    assert isinstance(handler.target, logging.handlers.RotatingFileHandler)  # made by the first record
    assert (handler.target.maxBytes, handler.target.backupCount) == (LOG_MAX_BYTES, LOG_BACKUPS)


def test_a_flood_of_errors_shows_one_dialog_that_counts_them(qtbot: QtBot, installed: Installed) -> None:
    with qtbot.waitSignal(installed.hooks.sig_dialog_shown, timeout=TIMEOUT_MS):
        for _ in range(3):
            QTimer.singleShot(0, raise_value_error)
    qtbot.waitUntil(lambda: installed.hooks.handled == 3, timeout=TIMEOUT_MS)
    assert len(installed.presented) == 1
    dialog = installed.presented[0]
    assert dialog.repeats == 3
    assert "3 times" in dialog.repeat_label.text()

    dialog.reject()  # closed: the next error opens a new dialog
    with qtbot.waitSignal(installed.hooks.sig_dialog_shown, timeout=TIMEOUT_MS):
        QTimer.singleShot(0, raise_value_error)
    assert len(installed.presented) == 2


def test_an_error_while_showing_the_dialog_does_not_loop(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    attempts: list[ErrorDialog] = []

    def broken_present(dialog: ErrorDialog) -> None:
        attempts.append(dialog)
        raise RuntimeError("cannot show")

    with install_error_hooks(qapp, log_dir=tmp_path, present=broken_present) as hooks:
        QTimer.singleShot(0, raise_value_error)
        qtbot.waitUntil(lambda: hooks.handled == 1, timeout=TIMEOUT_MS)
        QTimer.singleShot(0, raise_value_error)
        qtbot.waitUntil(lambda: hooks.handled == 2, timeout=TIMEOUT_MS)
    assert len(attempts) == 1  # tried once, then only logged
    assert "Could not show the error dialog" in (tmp_path / LOG_FILE_NAME).read_text(encoding="utf-8")
    for dialog in attempts:
        dialog.deleteLater()


def test_the_default_presenter_opens_a_dialog_without_blocking(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    with install_error_hooks(qapp, log_dir=tmp_path) as hooks:
        with qtbot.waitSignal(hooks.sig_dialog_shown, timeout=TIMEOUT_MS) as blocker:
            QTimer.singleShot(0, raise_value_error)
        assert blocker.args is not None
        dialog: ErrorDialog = blocker.args[0]
        assert dialog.isVisible()
        assert f"saved to {tmp_path / LOG_FILE_NAME}" in dialog.log_label.text()
        with qtbot.waitSignal(dialog.finished, timeout=TIMEOUT_MS):
            dialog.close_button.click()
    assert hooks.dialog is None


def test_uninstall_puts_the_previous_hooks_back(qapp: QApplication, tmp_path: Path) -> None:
    before = (sys.excepthook, threading.excepthook)
    with install_error_hooks(qapp, log_dir=tmp_path, present=lambda dialog: None) as hooks:
        assert sys.excepthook == hooks.excepthook
        assert threading.excepthook == hooks.threading_excepthook
    assert (sys.excepthook, threading.excepthook) == before
