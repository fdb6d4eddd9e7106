"""Background jobs: results by signal, a responsive GUI, progress, cancel, failures and one writer at a time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer

from core.db.engine import Database
from core.io.errors import ExportError
from core.io.imports.errors import ImportRejected
from core.io.progress import CancelToken, ExportCancelled, ProgressSink
from core.io.table_export import export_list
from desktop.jobs import JobRunner

TIMEOUT_MS = 20_000  # generous: a loaded CI machine is slow, and waitSignal returns as soon as the signal comes


@pytest.fixture
def runner(qapp: object) -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.cancel_all()
    assert runner.wait_for_all(TIMEOUT_MS)


def busy_for(seconds: float) -> int:
    """CPU work (it holds the GIL between switches), the worst case for a GUI thread that wants to paint."""
    end = time.monotonic() + seconds
    spins = 0
    while time.monotonic() < end:
        spins += sum(range(200))
    return spins


def test_result_arrives_by_signal_and_the_gui_keeps_ticking(qtbot: QtBot, runner: JobRunner) -> None:
    ticks = 0

    def on_tick() -> None:
        nonlocal ticks
        ticks += 1

    timer = QTimer(interval=20)
    timer.timeout.connect(on_tick)
    handle = runner.prepare(lambda progress, cancel: (busy_for(0.5), threading.current_thread().name)[1])
    with qtbot.waitSignal(handle.signals.sig_finished, timeout=TIMEOUT_MS) as blocker:
        timer.start()
        handle.start()
    timer.stop()
    assert blocker.args is not None
    assert blocker.args[0] != threading.main_thread().name
    # 25 ticks when idle; 5 leaves room for a loaded two-core machine while still catching a frozen GUI (0 or 1).
    assert ticks >= 5
    assert handle.done


def test_progress_reaches_the_gui_throttled_and_ends_at_the_total(qtbot: QtBot, runner: JobRunner) -> None:
    reports: list[tuple[int, int]] = []

    def count_to_thousand(progress: ProgressSink, cancel: CancelToken) -> str:
        for done in range(1001):
            progress.report(done, 1000)
        return "counted"

    handle = runner.prepare(count_to_thousand)
    handle.signals.sig_progress.connect(lambda done, total: reports.append((done, total)))
    with qtbot.waitSignal(handle.signals.sig_finished, timeout=TIMEOUT_MS):
        handle.start()
    # Signals from one thread arrive in order, so every report came before the result.
    assert reports[0] == (0, 1000)
    assert reports[-1] == (1000, 1000)
    assert len(reports) < 100


def test_cancel_stops_an_export_and_leaves_no_file(
    qtbot: QtBot, runner: JobRunner, demo_db: Database, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "actions.xlsx"
    seen: list[tuple[int, int]] = []

    def export_and_press_cancel_at_first_report(progress: ProgressSink, cancel: CancelToken) -> object:
        class PressCancel:
            def report(self, done: int, total: int) -> None:
                # Stands in for the user pressing Cancel once the progress bar has appeared.
                seen.append((done, total))
                handle.cancel()
                progress.report(done, total)

        return export_list(demo_db, "actions", target, progress=PressCancel(), cancel=cancel)

    handle = runner.prepare(export_and_press_cancel_at_first_report)
    with qtbot.waitSignal(handle.signals.sig_cancelled, timeout=TIMEOUT_MS):
        handle.start()
    assert seen and seen[0][1] > 0  # it was under way, with rows to write
    assert not target.exists()
    assert list(out.iterdir()) == []  # no temporary file left behind either
    assert handle.error is None


def test_a_job_cancelled_while_queued_never_runs(qtbot: QtBot) -> None:
    runner = JobRunner(max_read_threads=1)
    release = threading.Event()
    ran: list[str] = []
    blocker_job = runner.prepare(lambda progress, cancel: release.wait(TIMEOUT_MS / 1000))
    queued = runner.prepare(lambda progress, cancel: ran.append("ran"))
    with qtbot.waitSignal(queued.signals.sig_cancelled, timeout=TIMEOUT_MS):
        blocker_job.start()
        queued.start()
        queued.cancel()
        release.set()
    assert ran == []
    assert runner.wait_for_all(TIMEOUT_MS)


def test_write_jobs_run_one_at_a_time_in_order(qtbot: QtBot, runner: JobRunner) -> None:
    lock = threading.Lock()
    running = 0
    most_at_once = 0
    finished: list[int] = []

    def write(number: int) -> int:
        nonlocal running, most_at_once
        with lock:
            running += 1
            most_at_once = max(most_at_once, running)
        busy_for(0.03)
        with lock:
            running -= 1
            finished.append(number)
        return number

    handles = [runner.prepare(lambda progress, cancel, n=n: write(n), write=True) for n in range(4)]
    with qtbot.waitSignals([h.signals.sig_finished for h in handles], timeout=TIMEOUT_MS):
        for handle in handles:
            handle.start()
    assert most_at_once == 1
    assert finished == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("error_type", "message"),
    [
        (ExportError, "Cannot write to folder /nowhere: it does not exist."),
        (ImportRejected, "Cannot import budget.xlsx: the file is empty."),
    ],
)
def test_a_user_error_fails_with_its_own_message(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path, error_type: type[Exception], message: str
) -> None:
    def refuse(progress: ProgressSink, cancel: CancelToken) -> None:
        raise error_type(message, tmp_path / "x.xlsx")

    handle = runner.prepare(refuse)
    with qtbot.waitSignal(handle.signals.sig_failed, timeout=TIMEOUT_MS) as blocker:
        handle.start()
    assert blocker.args == [message, ""]
    assert isinstance(handle.error, error_type)


def test_a_pack_that_cannot_be_made_fails_with_its_own_message(qtbot: QtBot, runner: JobRunner) -> None:
    # A meeting deleted between choosing it and the pack's background read: said plainly, no background-error box.
    from core.reports.meeting_pack import PackError

    def build(progress: ProgressSink, cancel: CancelToken) -> None:
        raise PackError("There is no meeting 12.")

    handle = runner.prepare(build)
    with qtbot.waitSignal(handle.signals.sig_failed, timeout=TIMEOUT_MS) as blocker:
        handle.start()
    assert blocker.args == ["There is no meeting 12.", ""]


def test_an_unexpected_error_fails_with_a_traceback_and_is_logged(
    qtbot: QtBot, runner: JobRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def divide(progress: ProgressSink, cancel: CancelToken) -> float:
        return 1 / 0

    handle = runner.prepare(divide)
    with (
        caplog.at_level(logging.ERROR, logger="desktop.jobs"),
        qtbot.waitSignal(handle.signals.sig_failed, timeout=TIMEOUT_MS) as blocker,
    ):
        handle.start()
    assert blocker.args is not None
    message, details = blocker.args
    assert "ZeroDivisionError" in message
    assert "Traceback (most recent call last)" in details
    assert "return 1 / 0" in details
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)


def test_a_synchronous_runner_runs_inline_and_emits_the_same_signals(qapp: object) -> None:
    runner = JobRunner(synchronous=True)
    events: list[object] = []

    def job(progress: ProgressSink, cancel: CancelToken) -> str:
        progress.report(1, 1)
        return threading.current_thread().name

    runner.run(job, on_progress=lambda done, total: events.append((done, total)), on_finished=events.append)
    assert events == [(1, 1), threading.main_thread().name]

    def cancelled(progress: ProgressSink, cancel: CancelToken) -> None:
        raise ExportCancelled(Path("x.xlsx"))

    runner.run(cancelled, on_cancelled=lambda: events.append("cancelled"))
    assert events[-1] == "cancelled"
    assert runner.active_count == 0


def test_shutdown_cancels_and_waits_for_running_jobs(qtbot: QtBot) -> None:
    runner = JobRunner()
    started = threading.Event()

    def until_cancelled(progress: ProgressSink, cancel: CancelToken) -> None:
        started.set()
        while not cancel.cancelled:
            busy_for(0.01)
        raise ExportCancelled(Path("x.xlsx"))

    handle = runner.prepare(until_cancelled)
    with qtbot.waitSignal(handle.signals.sig_cancelled, timeout=TIMEOUT_MS):
        handle.start()
        assert started.wait(TIMEOUT_MS / 1000)
        runner.cancel_all()
        assert runner.wait_for_all(TIMEOUT_MS)
