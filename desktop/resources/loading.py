"""Background loading for the Resources page's report views: a report over a 100,000-line office takes seconds, so
it runs on a pool thread (desktop/jobs.py) and only the answer to the newest request is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop.jobs import JobRunner

__all__ = ["BackgroundLoad"]


class BackgroundLoad:
    """Runs a view's report off the GUI thread; a result overtaken by a newer request (a filter changed meanwhile)
    is dropped, so the view never shows figures for filters it no longer has."""

    def __init__(self, owner: QWidget, jobs: JobRunner | None, reload: Callable[[], None]) -> None:
        self._owner = owner
        self._reload = reload
        self._jobs = jobs
        self._generation = 0
        self._pending = 0

    @property
    def requested(self) -> bool:
        """Whether the view ever asked for its figures (views load when first shown, not when built)."""
        return self._generation > 0

    @property
    def loading(self) -> bool:
        """A request is still running whose answer would be shown."""
        return self._pending > 0

    def ensure(self) -> None:
        """Have the view compute its figures if nothing has asked for them yet."""
        if not self.requested:
            self._reload()

    def runner(self) -> JobRunner:
        """The runner given, else the main window's, else one of the view's own (a view used on its own)."""
        if self._jobs is None:
            from desktop.jobs import JobRunner

            jobs = getattr(self._owner.window(), "jobs", None)
            self._jobs = jobs if isinstance(jobs, JobRunner) else JobRunner(self._owner)
        return self._jobs

    def start(self, work: Callable[[], Any], on_result: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
        """Run `work()` (which opens its own session) in the background; the newest request's outcome is delivered."""
        self._generation += 1
        self._pending = generation = self._generation

        def current() -> bool:
            # Closing the office deletes the page while its report may still run: its answer has nowhere to go.
            return generation == self._generation and shiboken6.isValid(self._owner)

        def finished(result: Any) -> None:
            if current():
                self._pending = 0
                on_result(result)

        def failed(message: str, _details: str) -> None:
            if current():
                self._pending = 0
                on_error(message)

        self.runner().run(lambda _progress, _cancel: work(), on_finished=finished, on_failed=failed)
