"""Exporting from the GUI: a marked file name, a save dialog, a background write, then open file or folder.

The marking the name starts with is read on a pool thread too (on a large list it is a long query); the save dialog
opens when it arrives.

`ExportFlow` is the shared flow; a list export and the meeting pack (desktop/pack_export.py) each say only what
the file is called, which formats it may take and which core function writes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMainWindow, QMessageBox, QProgressDialog, QWidget

from core import APP_NAME
from core.domain.text import safe_filename_part
from desktop.jobs import JobFn, JobHandle, JobRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.io.pack_export import PackExportResult
    from core.io.progress import CancelToken, ProgressSink
    from core.io.table_export import ExportResult
    from core.reports.lists import ListQuery
    from desktop.settings import AppSettings

__all__ = [
    "ICS_FILTER",
    "AskTarget",
    "ExportFlow",
    "ExportListFlow",
    "OpenUrl",
    "export_list_interactive",
    "suggest_file_name",
]

# QFileDialog.getSaveFileName's shape: (parent, caption, suggested path, filter) -> (chosen path or "", filter).
AskTarget = Callable[[QWidget | None, str, str, str], tuple[str, str]]
OpenUrl = Callable[[QUrl], bool]

XLSX_FILTER = "Excel workbook (*.xlsx)"
CSV_FILTER = "CSV file (*.csv)"
ICS_FILTER = "iCalendar file (*.ics)"
# A quick export finishes before the progress dialog would appear; it only shows for exports that take a while.
PROGRESS_DELAY_MS = 400


def job_progress_dialog(parent: QWidget, text: str, cancel_text: str) -> QProgressDialog:
    """The window-modal progress of one background job: shown only if it runs past PROGRESS_DELAY_MS, and left open
    until the job says it ended (closed by the flow, never by reaching its maximum)."""
    progress = QProgressDialog(text, cancel_text, 0, 0, parent)
    progress.setWindowTitle(APP_NAME)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(PROGRESS_DELAY_MS)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    return progress


def suggest_file_name(marking: str | None, title: str, suffix: str, today: date) -> str:
    """`OFFICIAL-Sensitive_Actions_2025-08-15.xlsx`: marking first (safe on every file system), title, date."""
    parts = [safe_filename_part(marking) if marking else "", safe_filename_part(title) or "Export", today.isoformat()]
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    return "_".join(part for part in parts if part) + suffix.lower()


class _Preparing(QObject):
    """Shows, on the window, that an export is reading its marking: a busy cursor and a status-bar message.

    A child of the window rather than of the flow, so that the window recovers even if the flow is gone by then."""

    def __init__(self, window: QWidget, handle: JobHandle) -> None:
        super().__init__(window)
        self._window = window
        self.ended = False
        self._message = self.tr("Preparing export…")
        window.setCursor(Qt.CursorShape.BusyCursor)
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(self._message)
        # Connected before the flow's slots, so that the window is back to normal when the save dialog opens.
        for signal in (handle.signals.sig_finished, handle.signals.sig_failed, handle.signals.sig_cancelled):
            signal.connect(self._on_ended)

    @staticmethod
    def under_way(window: QWidget) -> bool:
        return any(not preparing.ended for preparing in window.findChildren(_Preparing))

    def _on_ended(self, *_: object) -> None:
        if self.ended:
            return
        self.ended = True
        self._window.unsetCursor()
        if isinstance(self._window, QMainWindow) and self._window.statusBar().currentMessage() == self._message:
            self._window.statusBar().clearMessage()
        self.deleteLater()


def _default_ask_target(parent: QWidget | None, caption: str, suggested: str, filters: str) -> tuple[str, str]:
    return QFileDialog.getSaveFileName(parent, caption, suggested, filters)


def _target_from_dialog(chosen: str, selected_filter: str, formats: dict[str, str]) -> Path:
    """The chosen path, with the suffix of the selected type added when the dialog left it off."""
    path = Path(chosen)
    suffixes = set(formats.values())
    if path.suffix.lower() in suffixes:
        return path
    # Some platforms' dialogs do not add the extension of the chosen type.
    return path.with_name(path.name + formats.get(selected_filter, next(iter(formats.values()))))


class ExportFlow(QObject):
    """One interactive export: file dialog, background job with progress and cancel, then the result.

    A subclass says what is exported (`title`), the file types it may take (`FORMATS`, filter -> suffix, the
    first the default) and returns the core job that writes the chosen file (`job`)."""

    FORMATS: ClassVar[dict[str, str]] = {XLSX_FILTER: ".xlsx"}

    sig_export_finished = Signal(object)
    """Emitted with the ExportResult after the file was written."""
    sig_export_failed = Signal(str)
    """Emitted with the one-line message shown to the user when the export failed."""
    sig_export_cancelled = Signal()
    """Emitted when the user cancelled the file dialog or the export itself; nothing was written."""

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        runner: JobRunner,
        settings: AppSettings,
        *,
        ask_target: AskTarget | None = None,
        open_url: OpenUrl | None = None,
        as_at: date | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._db = db
        self._runner = runner
        self._settings = settings
        self._ask_target = ask_target or _default_ask_target
        self._open_url = open_url or QDesktopServices.openUrl
        self._as_at = as_at
        self._today = today
        self.target: Path | None = None
        self.handle: JobHandle | None = None
        self.marking_handle: JobHandle | None = None
        self._dialog_cancelled = False
        self.progress_dialog: QProgressDialog | None = None
        self.message_box: QMessageBox | None = None
        self.result: ExportResult | PackExportResult | None = None
        self._open_file_button: QAbstractButton | None = None
        self._open_folder_button: QAbstractButton | None = None

    def title(self) -> str:
        """What is exported, for the dialog's caption and the progress message."""
        raise NotImplementedError

    def file_title(self) -> str:
        """The title part of the suggested file name; the title itself unless a subclass has a shorter one."""
        return self.title()

    def suggested_marking(self) -> str | None:
        """The marking the suggested file name starts with: the one the file will carry in its headers.

        Run on a pool thread by start(): on the largest lists this query takes a noticeable fraction of a second."""
        with self._db.read() as session:
            return self.file_marking(session)

    def file_marking(self, session: Session) -> str | None:
        """The marking the file will carry (what its header says: the highest of what it holds, not the office's
        ceiling), from the same core function as the writer's."""
        raise NotImplementedError

    def job(self, target: Path) -> JobFn:
        """The core function, run on a pool thread, that writes `target` and returns a result with summary()."""
        raise NotImplementedError

    def start(self) -> bool:
        """Read the marking in the background, then ask for the target and start the export.

        True once the flow is under way: it ends with sig_export_finished, sig_export_failed or sig_export_cancelled
        (also when the user cancels the save dialog, which opens only once the marking is read). False if it did not
        start because another export of this window is still reading its marking, or if the user cancelled the save
        dialog before start() returned (a synchronous runner runs the whole flow inline)."""
        window = self._parent.window()
        if _Preparing.under_way(window):
            # A second click while the first export reads its marking: that first save dialog is about to open.
            self.sig_export_cancelled.emit()
            return False
        self.title()  # on this thread: a subclass may refuse here (the pack of a meeting that does not exist)
        handle = self._runner.prepare(lambda _progress, _cancel: self.suggested_marking())
        self.marking_handle = handle
        _Preparing(window, handle)
        handle.signals.sig_finished.connect(self._on_marking_read)
        handle.signals.sig_failed.connect(self._on_job_failed)  # the name needs the marking: no name without it
        handle.signals.sig_cancelled.connect(self._on_job_cancelled)
        handle.start()
        return not self._dialog_cancelled

    def _on_marking_read(self, marking: str | None) -> None:
        title = self.title()
        today = self._today or date.today()
        default_suffix = next(iter(self.FORMATS.values()))
        name = suggest_file_name(marking, self.file_title(), default_suffix, today)
        folder = self._settings.last_export_folder or Path.home()
        # The filters are matched back by their untranslated text, so translate them only for showing.
        shown = {self.tr(f): f for f in self.FORMATS}
        chosen, selected_filter = self._ask_target(
            self._parent,
            self.tr("Export {0}").format(title),
            str(folder / name),
            ";;".join(shown),
        )
        if not chosen:
            self._dialog_cancelled = True
            self.sig_export_cancelled.emit()
            self.deleteLater()
            return
        target = _target_from_dialog(chosen, shown.get(selected_filter, selected_filter), self.FORMATS)
        self.target = target
        self._settings.last_export_folder = target.parent

        progress = job_progress_dialog(
            self._parent, self.tr("Exporting {0} to {1}…").format(title, target.name), self.tr("Cancel")
        )
        self.progress_dialog = progress

        handle = self._runner.prepare(self.job(target))
        self.handle = handle
        progress.canceled.connect(handle.cancel)
        handle.signals.sig_progress.connect(self._on_job_progress)
        handle.signals.sig_finished.connect(self._on_job_finished)
        handle.signals.sig_failed.connect(self._on_job_failed)
        handle.signals.sig_cancelled.connect(self._on_job_cancelled)
        handle.start()

    def cancel(self) -> None:
        """What the progress dialog's Cancel button does (before the save dialog: stop reading the marking)."""
        for handle in (self.marking_handle, self.handle):
            if handle is not None:
                handle.cancel()

    # ------------------------------------------------------------------------------------------------

    def _on_job_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setMaximum(total)
            self.progress_dialog.setValue(done)

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            # hide(), not close(): closing a progress dialog emits canceled.
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _on_job_finished(self, result: ExportResult | PackExportResult) -> None:
        self._close_progress()
        self.result = result
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, result.summary(), parent=self._parent)
        self._open_file_button = box.addButton(self.tr("Open file"), QMessageBox.ButtonRole.ActionRole)
        self._open_folder_button = box.addButton(self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.buttonClicked.connect(self._on_message_box_button_clicked)
        self._show_box(box)
        self.sig_export_finished.emit(result)

    def _on_job_failed(self, message: str, details: str) -> None:
        self._close_progress()
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, message, parent=self._parent)
        if details:
            box.setDetailedText(details)
        self._show_box(box)
        self.sig_export_failed.emit(message)

    def _on_job_cancelled(self) -> None:
        self._close_progress()
        self.sig_export_cancelled.emit()
        self.deleteLater()

    def _show_box(self, box: QMessageBox) -> None:
        self.message_box = box
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The flow lives as long as its last box, so that the box's buttons still reach it.
        box.finished.connect(self.deleteLater)
        # open(), not exec(): no nested event loop, and a test can press the buttons.
        box.open()

    def _on_message_box_button_clicked(self, button: QAbstractButton) -> None:
        if self.result is None:
            return
        if button is self._open_file_button:
            self._open_url(QUrl.fromLocalFile(str(self.result.path)))
        elif button is self._open_folder_button:
            self._open_url(QUrl.fromLocalFile(str(self.result.path.parent)))


class ExportListFlow(ExportFlow):
    """One interactive export of a list to .xlsx or .csv: with `query` (ListView.export_query) the rows and
    columns the list shows, else the whole list."""

    FORMATS: ClassVar[dict[str, str]] = {XLSX_FILTER: ".xlsx", CSV_FILTER: ".csv"}

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        entity: str,
        runner: JobRunner,
        settings: AppSettings,
        *,
        query: ListQuery | None = None,
        **injected: Any,
    ) -> None:
        super().__init__(parent, db, runner, settings, **injected)
        self._entity = entity
        self._query = query

    def title(self) -> str:
        from core.reports.lists import list_spec

        return list_spec(self._entity).title

    def file_marking(self, session: Session) -> str | None:
        from core.io.table_export import list_export_marking

        return list_export_marking(session, self._entity, self._query)

    def job(self, target: Path) -> JobFn:
        db, entity, as_at, query = self._db, self._entity, self._as_at, self._query

        def export(progress_sink: ProgressSink, cancel: CancelToken) -> Any:
            # Runs on a pool thread: the query and openpyxl stay off the GUI thread.
            from core.io.table_export import export_list

            return export_list(db, entity, target, as_at=as_at, query=query, progress=progress_sink, cancel=cancel)

        return export


def export_list_interactive(
    parent: QWidget,
    db: Database,
    entity: str,
    runner: JobRunner,
    settings: AppSettings,
    **injected: Any,
) -> ExportListFlow | None:
    """The Export command of a list view: returns the running flow (which emits sig_export_cancelled if the user
    cancels the save dialog), or None if it did not start (see ExportFlow.start)."""
    flow = ExportListFlow(parent, db, entity, runner, settings, **injected)
    if not flow.start():
        flow.deleteLater()
        return None
    return flow
