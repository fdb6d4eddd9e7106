"""Live refresh for a shared office: another client's saved change appears in the open lists and the dashboard.

Every second a background read asks the database for its change counter (the newest audit entry's id: one index
lookup). When it moved, `sig_changed` is emitted and the window refreshes what is open. The poll never runs on the
GUI thread and never overlaps itself, so a slow or restarting server delays the refresh rather than the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.jobs import JobRunner

POLL_MS = 1000


class LiveRefresh(QObject):
    sig_changed = Signal()
    """The office changed since the last poll, by another client (this window refreshes on its own saves)."""

    def __init__(self, db: Database, jobs: JobRunner, parent: QObject | None = None, *, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self._db = db
        self._jobs = jobs
        self._seen: int | None = None
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self._db.own_changes.active = True  # so that this window's own saves can be told apart
        self.poll()  # the first answer only sets the baseline
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def poll(self) -> None:
        if self._polling:
            return
        self._polling = True
        db = self._db
        self._jobs.run(
            lambda *_job: _read_counter(db),
            on_finished=self._on_counter,
            on_failed=self._on_failed,
        )

    def _on_counter(self, counter: Any) -> None:
        self._polling = False
        if counter is None or (not self._timer.isActive() and self._seen is not None):
            return  # the server did not answer this time, or polling stopped while it ran (the office was closed)
        previous, self._seen = self._seen, int(counter)
        if previous is None or self._seen == previous:
            return
        if self._seen > previous and self._db.own_changes.cover(previous, self._seen):
            return  # only this client's own saves: the window refreshed when it saved, a second refresh is waste
        self.sig_changed.emit()

    def _on_failed(self, _message: str, _details: str) -> None:
        self._polling = False


def _read_counter(db: Database) -> int | None:
    import sqlalchemy as sa

    try:
        return db.change_counter()
    except sa.exc.DBAPIError:
        # The server is unreachable for a moment: the lists stay as they are and the next tick asks again
        # (pool_pre_ping replaces the broken connection then).
        return None
