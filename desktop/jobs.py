"""Background jobs: every long core function runs off the GUI thread with progress, cancel and signals back."""

from __future__ import annotations

import functools
import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QRunnable, QThreadPool, Signal

from core.io.progress import CancelToken, ExportCancelled, ProgressSink

__all__ = [
    "CANCELLED_ERRORS",
    "CancelFlag",
    "Job",
    "JobFn",
    "JobHandle",
    "JobRunner",
    "JobSignals",
    "SignalProgress",
    "user_error_types",
]

log = logging.getLogger(__name__)

# A job receives where to report progress and what to check for cancel; it opens its own read or write session.
JobFn = Callable[[ProgressSink, CancelToken], Any]

# How a core function says it stopped because the user cancelled (it has written nothing).
CANCELLED_ERRORS: tuple[type[BaseException], ...] = (ExportCancelled,)

# Progress bars cannot show more than a few dozen updates a second; more would only flood the GUI's event queue.
PROGRESS_INTERVAL_S = 0.05


def _tr(text: str) -> str:
    return QCoreApplication.translate("JobRunner", text)


@functools.cache
def user_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions whose message is a sentence written for the user; anything else is a bug and gets a traceback.

    Imported on first failure, not at start: they pull in SQLAlchemy, which the GUI loads after its first frame.
    """
    from core.db.errors import DatabaseError
    from core.db.lock import DatabaseLocked
    from core.domain.fiscal import FiscalYearError
    from core.domain.money import MoneyError
    from core.io.errors import ExportError
    from core.io.imports.errors import ImportRejected
    from core.reports.lists import UnknownList, UnknownMarking, UnsortableColumn
    from core.reports.meeting_pack import PackError
    from core.services.office import OfficeExists, OfficeMissing
    from core.services.records import EditConflict, RecordInUse, RecordNotFound
    from core.services.validation import ValidationError

    return (
        ExportError,
        ImportRejected,
        DatabaseError,
        DatabaseLocked,
        ValidationError,
        EditConflict,
        RecordInUse,
        RecordNotFound,
        OfficeExists,
        OfficeMissing,
        UnknownList,
        UnknownMarking,
        UnsortableColumn,
        PackError,
        FiscalYearError,
        MoneyError,
    )


class CancelFlag:
    """A thread-safe cancel request: set on the GUI thread, read by the job between units of work (a CancelToken)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()


class JobSignals(QObject):
    """What a job tells the GUI; created on the GUI thread so that every connected slot runs there."""

    sig_progress = Signal(int, int)
    """Emitted with (done, total) as the job advances; total 0 means the amount of work is not known."""
    sig_finished = Signal(object)
    """Emitted with the job function's return value when it completed."""
    sig_failed = Signal(str, str)
    """Emitted with (one-line message for the user, technical details or "") when the job raised."""
    sig_cancelled = Signal()
    """Emitted when the job stopped because the user cancelled it; nothing was written."""


class SignalProgress:
    """A ProgressSink that hands reports to the GUI by signal, at most one every PROGRESS_INTERVAL_S (plus the last)."""

    def __init__(self, signals: JobSignals, interval_s: float = PROGRESS_INTERVAL_S) -> None:
        self._signals = signals
        self._interval_s = interval_s
        self._last_emit = float("-inf")

    def report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self._last_emit >= self._interval_s:
            self._last_emit = now
            self._signals.sig_progress.emit(done, total)


class JobHandle:
    """One submitted job: the signals to connect to, cancel(), and `error` (the exception of a failed job)."""

    def __init__(self, runner: JobRunner, fn: JobFn, write: bool) -> None:
        self._runner = runner
        self.fn = fn
        self.write = write
        self.signals = JobSignals()  # created here, on the GUI thread, so that connected slots run there
        self.cancel_flag = CancelFlag()
        self.error: BaseException | None = None
        self.thread_name: str | None = None  # where the job ran: a pool thread, or the caller's when synchronous
        self.started = False
        self.done = False
        self._on_ended: Callable[..., None] | None = None

    def start(self) -> JobHandle:
        """Queue the job (or, in a synchronous runner, run it now); connect to `signals` before calling this."""
        if self.started:
            raise RuntimeError("A job can be started only once.")
        self.started = True
        self._runner._start(self)
        return self

    def cancel(self) -> None:
        """Ask the job to stop; it ends with sig_cancelled if it had not finished yet."""
        self.cancel_flag.cancel()

    def execute(self) -> None:
        """Run the job function here and emit its outcome; called on a pool thread (or inline when synchronous)."""
        signals = self.signals
        self.thread_name = threading.current_thread().name
        outcome: Callable[[], object]
        if self.cancel_flag.cancelled:
            # Cancelled while still queued: the work never starts.
            outcome = signals.sig_cancelled.emit
        else:
            try:
                result = self.fn(SignalProgress(signals), self.cancel_flag)
            except CANCELLED_ERRORS:
                outcome = signals.sig_cancelled.emit
            except user_error_types() as exc:
                self.error = exc
                outcome = functools.partial(signals.sig_failed.emit, str(exc), "")
            except Exception as exc:
                self.error = exc
                log.error("A background job failed unexpectedly", exc_info=exc)
                details = "".join(traceback.format_exception(exc))
                message = _tr("Something went wrong in the background ({0}). Your data is safe.")
                outcome = functools.partial(signals.sig_failed.emit, message.format(type(exc).__name__), details)
            else:
                outcome = functools.partial(signals.sig_finished.emit, result)
        # Set before the signal goes out, so that every slot already sees the job as ended.
        self.done = True
        outcome()


class Job(QRunnable):
    """The pool's unit of work: runs one JobHandle on a pool thread; never touches widgets."""

    def __init__(self, handle: JobHandle) -> None:
        super().__init__()
        # The pool deletes this runnable after run(); everything the GUI reads afterwards lives on the handle.
        self._handle = handle

    def run(self) -> None:
        self._handle.execute()


class JobRunner(QObject):
    """Owns the pools: reads and exports run side by side, database writes one at a time on their own thread.

    With `synchronous=True` (tests) a job runs inline on the caller's thread and emits the same signals.
    """

    sig_job_ended = Signal(object)
    """Emitted with the JobHandle when a job has finished, failed or been cancelled."""

    def __init__(
        self, parent: QObject | None = None, *, synchronous: bool = False, max_read_threads: int | None = None
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._read_pool = QThreadPool(self)
        if max_read_threads is not None:
            self._read_pool.setMaxThreadCount(max_read_threads)
        # SQLite allows one writer; one thread keeps writes in submission order instead of queueing on the lock.
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        self._active: list[JobHandle] = []

    def prepare(self, fn: JobFn, *, write: bool = False) -> JobHandle:
        """A job that has not started yet, so that its signals can be connected (or waited on) first."""
        return JobHandle(self, fn, write)

    def run(
        self,
        fn: JobFn,
        *,
        write: bool = False,
        on_progress: Callable[[int, int], Any] | None = None,
        on_finished: Callable[[Any], Any] | None = None,
        on_failed: Callable[[str, str], Any] | None = None,
        on_cancelled: Callable[[], Any] | None = None,
    ) -> JobHandle:
        """Start `fn(progress, cancel)` in the background (`write=True`: on the single write thread)."""
        handle = self.prepare(fn, write=write)
        signals = handle.signals
        for signal, slot in (
            (signals.sig_progress, on_progress),
            (signals.sig_finished, on_finished),
            (signals.sig_failed, on_failed),
            (signals.sig_cancelled, on_cancelled),
        ):
            if slot is not None:
                signal.connect(slot)
        return handle.start()

    @property
    def active_count(self) -> int:
        """Jobs started and not yet ended (as far as the GUI thread has heard)."""
        return len(self._active)

    def cancel_all(self) -> None:
        for handle in list(self._active):
            handle.cancel()

    def wait_for_all(self, timeout_ms: int = -1) -> bool:
        """Block until both pools are idle or `timeout_ms` passed (-1: no limit); True if all jobs ended.

        For shutdown only: call cancel_all() first so that long exports stop at their next row.
        """
        deadline = (
            QDeadlineTimer(timeout_ms) if timeout_ms >= 0 else QDeadlineTimer(QDeadlineTimer.ForeverConstant.Forever)
        )
        return self._write_pool.waitForDone(deadline) and self._read_pool.waitForDone(deadline)

    def _start(self, handle: JobHandle) -> None:
        self._active.append(handle)
        signals = handle.signals
        # Connected after the caller's slots, so the runner lets go of the handle only once they have all run.
        ended = functools.partial(self._on_job_ended, handle)
        handle._on_ended = ended
        signals.sig_finished.connect(ended)
        signals.sig_failed.connect(ended)
        signals.sig_cancelled.connect(ended)
        if self.synchronous:
            handle.execute()
        else:
            (self._write_pool if handle.write else self._read_pool).start(Job(handle))

    def _on_job_ended(self, handle: JobHandle, *_: object) -> None:
        if handle in self._active:
            self._active.remove(handle)
        ended, handle._on_ended = handle._on_ended, None
        if ended is not None:
            # The connection holds the handle; dropping it lets a finished job be freed once its caller lets go.
            for signal in (handle.signals.sig_finished, handle.signals.sig_failed, handle.signals.sig_cancelled):
                signal.disconnect(ended)
        self.sig_job_ended.emit(handle)
