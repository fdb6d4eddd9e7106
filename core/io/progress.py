"""Progress reporting and cancellation for long core jobs, as Protocols so that core stays free of Qt."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

__all__ = ["CancelToken", "ExportCancelled", "ProgressSink", "track"]

T = TypeVar("T")

# Reporting every row would flood a GUI's event queue on big lists; this keeps a progress bar smooth.
REPORT_EVERY = 250


class ProgressSink(Protocol):
    """Receives how far a job has got; called from the job's thread, so a GUI must hand it on by signal."""

    def report(self, done: int, total: int) -> None: ...


class CancelToken(Protocol):
    """Set by the user (a Cancel button); the job checks it between units of work."""

    @property
    def cancelled(self) -> bool: ...


class ExportCancelled(Exception):
    """The user cancelled an export; nothing was written and an existing file was left as it was."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"Export to {path.name} cancelled; nothing was written.")
        self.path = path


def track(
    items: Iterable[T],
    total: int,
    target: Path,
    *,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[T]:
    """Yield `items`, raising ExportCancelled (for `target`) as soon as `cancel` is set and reporting progress."""
    if progress is not None:
        progress.report(0, total)
    for done, item in enumerate(items, 1):
        if cancel is not None and cancel.cancelled:
            raise ExportCancelled(target)
        yield item
        if progress is not None and (done % REPORT_EVERY == 0 or done == total):
            progress.report(done, total)
    if cancel is not None and cancel.cancelled:
        raise ExportCancelled(target)
