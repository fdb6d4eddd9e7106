"""Exporting a meeting pack: build it once, hand it to the renderer of the target's format (.xlsx here, .pdf by Qt).

core never imports Qt, so the PDF renderer lives in desktop and registers itself here by file suffix
(`register_pack_renderer`); without it a .pdf target is refused with a message saying what is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from core.db.engine import Database
from core.io.errors import ExportError
from core.io.progress import CancelToken, ExportCancelled, ProgressSink
from core.reports.meeting_pack import SECTIONS, MeetingPack, PackError, build_meeting_pack

__all__ = [
    "PACK_SUFFIXES",
    "PackExportResult",
    "PackRenderer",
    "export_pack",
    "pack_marking",
    "pack_renderer",
    "register_pack_renderer",
]

PackRenderer = Callable[[MeetingPack, Path], None]


def pack_marking(
    session: Session, meeting: str | int, *, as_at: date | None = None, max_marking: str | None = None
) -> str | None:
    """The marking every page of the meeting's pack carries (the highest of anything in it), known before the file
    is written: the GUI's suggested file name starts with it. The pack is read to know it. Raises PackError."""
    return build_meeting_pack(session, meeting, as_at=as_at, max_marking=max_marking).marking


PACK_SUFFIXES = (".xlsx", ".pdf")


def _write_xlsx(pack: MeetingPack, target: Path) -> None:
    from core.io.meeting_pack_xlsx import write_pack_xlsx

    write_pack_xlsx(pack, target)


_RENDERERS: dict[str, PackRenderer] = {".xlsx": _write_xlsx}


def register_pack_renderer(suffix: str, renderer: PackRenderer) -> None:
    """Let `renderer(pack, target)` write packs to files ending in `suffix` (such as ".pdf")."""
    _RENDERERS[suffix.lower()] = renderer


def pack_renderer(target: Path) -> PackRenderer:
    """The renderer for `target`'s format; ExportError names what is missing."""
    suffix = target.suffix.lower()
    if suffix not in PACK_SUFFIXES:
        raise ExportError(
            f"Cannot export a meeting pack to {target.name}: the file name must end in .xlsx or .pdf.", target
        )
    renderer = _RENDERERS.get(suffix)
    if renderer is None:
        raise ExportError(
            f"Cannot write {target.name}: PDF packs are drawn by the desktop program; run `cyberdesk` "
            "(not `python -m core.cli`) with the desktop package installed.",
            target,
        )
    return renderer


@dataclass(frozen=True)
class PackExportResult:
    path: Path
    meeting: str
    marking: str | None
    left_out: int
    ceiling: str | None

    def summary(self) -> str:
        """One line for the command line or status bar: what was written and what was left out."""
        facts = [f"marking {self.marking}" if self.marking else "no marking"]
        if self.left_out:
            items = "item" if self.left_out == 1 else "items"
            facts.append(f"{self.left_out:,} {items} above {self.ceiling} left out")
        return f"Wrote the pack for {self.meeting} to {self.path.name} ({'; '.join(facts)})."


def export_pack(
    db: Database,
    meeting: str | int,
    target: Path,
    *,
    as_at: date | None = None,
    max_marking: str | None = None,
    generated_at: datetime | None = None,
    progress: ProgressSink | None = None,
    cancel: CancelToken | None = None,
) -> PackExportResult:
    """Write the pack of `meeting` (an id, "next" or "latest") to `target` exactly, in the format its suffix names.

    Raises ExportError (one line for the user: no such meeting, unknown marking, locked file, no PDF renderer) or
    ExportCancelled; a failed or cancelled export never leaves a partial file and never harms an existing one."""
    from core.io.cells import check_target_writable

    renderer = pack_renderer(target)
    check_target_writable(target)
    total = len(SECTIONS) + 2  # the sections, the attendance matrix, then writing the file
    done = 0

    def step(_section: str) -> None:
        nonlocal done
        if cancel is not None and cancel.cancelled:
            raise ExportCancelled(target)
        if progress is not None:
            progress.report(done, total)
        done += 1

    with db.read() as session:
        try:
            pack = build_meeting_pack(
                session, meeting, as_at=as_at, max_marking=max_marking, generated_at=generated_at, step=step
            )
        except PackError as exc:
            raise ExportError(str(exc), target) from exc
    step("write")
    try:
        renderer(pack, target)
    except ValueError as exc:
        # A value the file cannot hold (text past Excel's cell limit, say): name the file and the reason.
        raise ExportError(f"Cannot write {target.name}: {exc}", target) from exc
    if progress is not None:
        progress.report(total, total)
    return PackExportResult(
        path=target,
        meeting=pack.cover.title,
        marking=pack.marking,
        left_out=pack.left_out_total,
        ceiling=pack.ceiling,
    )
