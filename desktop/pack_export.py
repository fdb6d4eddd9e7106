"""Exporting a meeting's pack from the GUI: the shared export flow with the pack's name, formats and writer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtWidgets import QWidget

from desktop.exports import XLSX_FILTER, ExportFlow
from desktop.jobs import JobFn, JobRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.io.progress import CancelToken, ProgressSink
    from desktop.settings import AppSettings

__all__ = ["PDF_FILTER", "ExportPackFlow", "export_pack_from_gui", "meeting_for_pack"]

PDF_FILTER = "PDF document (*.pdf)"


class ExportPackFlow(ExportFlow):
    """One interactive export of a meeting pack to .xlsx or .pdf, in the background."""

    FORMATS: ClassVar[dict[str, str]] = {XLSX_FILTER: ".xlsx", PDF_FILTER: ".pdf"}

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        meeting: int | str,
        runner: JobRunner,
        settings: AppSettings,
        *,
        max_marking: str | None = None,
        **injected: Any,
    ) -> None:
        super().__init__(parent, db, runner, settings, **injected)
        self._meeting = meeting
        self._max_marking = max_marking
        self._title: str | None = None
        self._file_title = ""

    def title(self) -> str:
        """`Meeting pack — Meeting 9 — 2024–25 Q1`; raises PackError for a meeting that does not exist."""
        if self._title is None:
            from core.domain.fiscal import meeting_title
            from core.domain.meetings import Meeting
            from core.reports.meeting_pack import resolve_meeting
            from core.services.office import load_settings

            with self._db.read() as session:
                meeting_id = resolve_meeting(session, self._meeting, self._as_at or date.today())
                row = session.get(Meeting, meeting_id)
                assert row is not None
                calendar = load_settings(session).calendar
                self._meeting = meeting_id  # "next" stays the meeting the user saw named, whatever happens meanwhile
                self._title = self.tr("Meeting pack — {0}").format(
                    meeting_title(row.number, calendar, row.meeting_date)
                )
                quarter = calendar.quarter_label(row.fiscal_year, row.fiscal_quarter)
                self._file_title = self.tr("Meeting {0} pack {1}").format(row.number, quarter)
        return self._title

    def file_title(self) -> str:
        """`Meeting 9 pack 2024–25 Q1`: the file name needs no dashes of the full title."""
        self.title()
        return self._file_title

    def file_marking(self, session: Session) -> str | None:
        from core.io.pack_export import pack_marking

        self.title()  # resolves "next" to the meeting the user saw named
        return pack_marking(session, self._meeting, as_at=self._as_at, max_marking=self._max_marking)

    def job(self, target: Path) -> JobFn:
        from desktop.renderers import install_renderers

        install_renderers()
        db, meeting, as_at, max_marking = self._db, self._meeting, self._as_at, self._max_marking

        def export(progress: ProgressSink, cancel: CancelToken) -> Any:
            # Runs on a pool thread: the queries, openpyxl and the PDF layout stay off the GUI thread.
            from core.io.pack_export import export_pack

            return export_pack(
                db, meeting, target, as_at=as_at, max_marking=max_marking, progress=progress, cancel=cancel
            )

        return export


def meeting_for_pack(db: Database, as_at: date | None = None) -> int | None:
    """The meeting whose pack the menu command exports: the next scheduled one, else the latest held."""
    from core.reports.meeting_pack import PackError, resolve_meeting

    with db.read() as session:
        for which in ("next", "latest"):
            try:
                return resolve_meeting(session, which, as_at or date.today())
            except PackError:
                continue
    return None


def export_pack_from_gui(
    parent: QWidget,
    db: Database,
    meeting: int | str,
    runner: JobRunner,
    settings: AppSettings,
    **injected: Any,
) -> ExportPackFlow | None:
    """The "Export meeting pack…" command for `meeting` (an id, or "next"/"latest"): asks where to save, exports in
    the background with progress, then offers to open the file or its folder. Returns the running flow, or None if
    the user cancelled the file dialog or the meeting cannot be found (then a message says why)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from core import APP_NAME
    from core.reports.meeting_pack import PackError

    flow = ExportPackFlow(parent, db, meeting, runner, settings, **injected)
    try:
        started = flow.start()
    except PackError as exc:
        flow.deleteLater()
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, str(exc), parent=parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): no nested event loop
        return None
    if not started:
        flow.deleteLater()
        return None
    return flow
