"""The liaison round trip from the File menu: export an agency's update workbook, dry-run and apply a returned one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import APP_NAME
from desktop.exports import XLSX_FILTER, ExportFlow, job_progress_dialog
from desktop.jobs import JobFn, JobRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.io.imports.pipeline import ImportPlan, ImportResult
    from core.io.progress import CancelToken, ProgressSink
    from desktop.main_window import MainWindow
    from desktop.settings import AppSettings

__all__ = [
    "ActionUpdateCommands",
    "AskAgency",
    "AskSource",
    "ExportActionUpdatesFlow",
    "FlowCommands",
    "ImportActionUpdatesFlow",
    "ImportFlow",
    "ImportPlanDialog",
]

# QInputDialog.getItem's shape: (parent, caption, label, items) -> (chosen index, or None when cancelled).
AskAgency = Callable[[QWidget | None, str, str, list[str]], int | None]
# QFileDialog.getOpenFileName's shape: (parent, caption, folder, filter) -> (chosen path or "", filter).
AskSource = Callable[[QWidget | None, str, str, str], tuple[str, str]]


def _default_ask_agency(parent: QWidget | None, caption: str, label: str, items: list[str]) -> int | None:
    chosen, ok = QInputDialog.getItem(parent, caption, label, items, 0, False)
    return items.index(chosen) if ok and chosen in items else None


def _default_ask_source(parent: QWidget | None, caption: str, folder: str, filters: str) -> tuple[str, str]:
    return QFileDialog.getOpenFileName(parent, caption, folder, filters)


def agency_choices(db: Database) -> list[tuple[str, str]]:
    """(code, name) of every agency with a code, for the picker."""
    from core.reports.agency_view import coded_agencies

    with db.read() as session:
        return list(coded_agencies(session))


class ExportActionUpdatesFlow(ExportFlow):
    """Pick an agency, pick the file (its name starts with the marking), write the workbook in the background."""

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        runner: JobRunner,
        settings: AppSettings,
        *,
        ask_agency: AskAgency | None = None,
        **injected: Any,
    ) -> None:
        super().__init__(parent, db, runner, settings, **injected)
        self._ask_agency = ask_agency or _default_ask_agency
        self.agency: str | None = None

    def title(self) -> str:
        return self.tr("Action updates {0}").format(self.agency)

    def start(self) -> bool:
        agencies = agency_choices(self._db)
        if not agencies:
            QMessageBox.information(self._parent, APP_NAME, self.tr("No agency has a code to export updates for."))
            self.sig_export_cancelled.emit()
            return False
        labels = [f"{code} — {name}" for code, name in agencies]
        index = self._ask_agency(
            self._parent, self.tr("Export action updates"), self.tr("Agency whose open actions to export:"), labels
        )
        if index is None:
            self.sig_export_cancelled.emit()
            return False
        self.agency = agencies[index][0]
        return super().start()

    def file_marking(self, session: Session) -> str | None:
        from core.io.action_updates import action_updates_marking

        assert self.agency is not None
        return action_updates_marking(session, self.agency, as_at=self._as_at)

    def job(self, target: Path) -> JobFn:
        db, code, as_at = self._db, self.agency, self._as_at
        assert code is not None

        def export(progress: ProgressSink, cancel: CancelToken) -> Any:
            # Runs on a pool thread: the queries and openpyxl stay off the GUI thread.
            from core.io.action_updates import export_action_updates

            return export_action_updates(db, code, target, as_at=as_at, progress=progress, cancel=cancel)

        return export


class ImportPlanDialog(QDialog):
    """The dry run of a returned workbook: what will change, the rows refused and any problems; Apply or Cancel."""

    sig_apply_requested = Signal()
    """The user pressed Apply on a plan that can be applied."""

    # A budget file may hold 100,000 new lines: the tree lists the first of them and says how many more follow.
    SHOWN_CHANGES = 2000

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None, *, caption: str | None = None) -> None:
        super().__init__(parent)
        caption = caption or self.tr("Import action updates")
        self.setWindowTitle(self.tr("{0} — {1}").format(caption, plan.source.path.name))
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        self.headline = QLabel(self._headline(plan))
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Changes, refused rows and problems"))
        self.tree.setHeaderLabels([self.tr("Row"), self.tr("What"), self.tr("Detail")])
        self.tree.setRootIsDecorated(True)
        self._fill(plan)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox()
        self.apply_button = QPushButton(self.tr("Apply %n change(s)", "", len(plan.changes)))
        self.apply_button.setEnabled(plan.can_apply)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # The refused rows and problems usually go back to the liaison by e-mail.
        self.copy_button = QPushButton(self.tr("&Copy the list"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText("\n".join(plan.lines())))
        buttons.accepted.connect(self._on_apply_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _headline(self, plan: ImportPlan) -> str:
        text = self.tr("{0} change(s) to apply, {1} row(s) refused, {2} problem(s).").format(
            len(plan.changes), len(plan.refused), len(plan.problems)
        )
        if plan.problems:
            text += " " + self.tr("Correct the problems in the file and import it again; nothing will be changed.")
        elif not plan.changes:
            text += " " + self.tr("There is nothing to change.")
        return text

    def _group(self, title: str, count: int) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self.tree, ["", f"{title} ({count})", ""])
        group.setExpanded(True)
        return group

    def _fill(self, plan: ImportPlan) -> None:
        if plan.changes:
            group = self._group(self.tr("Changes"), len(plan.changes))
            for change in plan.changes[: self.SHOWN_CHANGES]:
                detail = "; ".join(str(f) for f in change.fields)
                QTreeWidgetItem(group, [str(change.row), change.ref, detail])
            hidden = len(plan.changes) - self.SHOWN_CHANGES
            if hidden > 0:
                QTreeWidgetItem(group, ["", "", self.tr("… and %n more change(s)", "", hidden)])
        for title, problems in ((self.tr("Refused"), plan.refused), (self.tr("Problems"), plan.problems)):
            if problems:
                group = self._group(title, len(problems))
                for problem in problems:
                    where = problem.sheet + (f" — {problem.column}" if problem.column else "")
                    QTreeWidgetItem(group, ["" if problem.row is None else str(problem.row), where, problem.message])
        if plan.warnings:
            group = self._group(self.tr("Notes"), len(plan.warnings))
            for warning in plan.warnings:
                QTreeWidgetItem(group, ["", "", warning])
        for column in range(2):
            self.tree.resizeColumnToContents(column)

    def lines(self) -> list[str]:
        """What the tree shows, one line per row (for tests and copying)."""
        out: list[str] = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out.append(group.text(1))
            out += [" | ".join(group.child(j).text(c) for c in range(3)) for j in range(group.childCount())]
        return out

    def _on_apply_clicked(self) -> None:
        if self.apply_button.isEnabled():
            self.sig_apply_requested.emit()
            self.accept()


class _Refused:
    """A file the pipeline refused, handed back as a job's result (its message is one line for the user)."""

    def __init__(self, message: str) -> None:
        self.message = message


class ImportFlow(QObject):
    """Open a file, dry-run it in the background, show the plan, then apply it in the background.

    A subclass names the importer (`importer`), the dialog's caption (`caption`) and the table it changes
    (`TABLE`, for the views to refresh); everything else is the same for every kind of import."""

    TABLE = ""
    FILTERS = XLSX_FILTER

    sig_import_applied = Signal(str, int)
    """The import changed the database: (TABLE, number of records changed), so open views refresh."""
    sig_import_ended = Signal()
    """The flow is over (applied, refused, failed or cancelled)."""

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        runner: JobRunner,
        settings: AppSettings,
        *,
        ask_source: AskSource | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._db = db
        self._runner = runner
        self._settings = settings
        self._ask_source = ask_source or _default_ask_source
        self.source: Path | None = None
        self.dialog: ImportPlanDialog | None = None
        self.message_box: QMessageBox | None = None
        self.result: ImportResult | None = None
        self.progress_dialog: QProgressDialog | None = None

    def caption(self) -> str:
        raise NotImplementedError

    def importer(self) -> Any:
        """The core importer (core.io.imports.pipeline.Importer) the job runs; built on the pool thread."""
        raise NotImplementedError

    def start(self) -> bool:
        folder = self._settings.last_export_folder or Path.home()
        chosen, _ = self._ask_source(self._parent, self.caption(), str(folder), self.tr(self.FILTERS) + ";;*")
        if not chosen:
            self.sig_import_ended.emit()
            return False
        self.source = Path(chosen)
        self._run(dry_run=True)
        return True

    def _run(self, *, dry_run: bool) -> None:
        db, source, make_importer = self._db, self.source, self.importer
        assert source is not None

        def work(progress: ProgressSink, cancel: CancelToken) -> Any:
            from core.io.imports import ImportRejected
            from core.io.imports.pipeline import run_import

            try:
                return run_import(db, source, make_importer(), dry_run=dry_run, progress=progress, cancel=cancel)
            except ImportRejected as exc:
                return _Refused(str(exc))

        handle = self._runner.prepare(work, write=not dry_run)
        progress = job_progress_dialog(
            self._parent,
            self.tr("Checking {0}…").format(source.name) if dry_run else self.tr("Importing {0}…").format(source.name),
            self.tr("Cancel"),
        )
        progress.canceled.connect(handle.cancel)
        self.progress_dialog = progress
        handle.signals.sig_progress.connect(self._on_job_progress)
        for signal in (handle.signals.sig_finished, handle.signals.sig_failed, handle.signals.sig_cancelled):
            signal.connect(self._close_progress)
        handle.signals.sig_finished.connect(self._on_dry_run_finished if dry_run else self._on_apply_finished)
        handle.signals.sig_failed.connect(self._on_job_failed)
        handle.signals.sig_cancelled.connect(self.sig_import_ended.emit)
        handle.start()

    def _on_job_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setMaximum(total)
            self.progress_dialog.setValue(done)

    def _close_progress(self, *_: object) -> None:
        if self.progress_dialog is not None:
            # hide(), not close(): closing a progress dialog emits canceled.
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _result(self, outcome: object) -> ImportResult | None:
        """The job's ImportResult, or None after showing why the file was refused."""
        from core.io.imports.pipeline import ImportResult

        if isinstance(outcome, _Refused):
            self._show_box(QMessageBox.Icon.Warning, outcome.message)
            return None
        assert isinstance(outcome, ImportResult)
        return outcome

    def _on_dry_run_finished(self, outcome: object) -> None:
        result = self._result(outcome)
        if result is None:
            return
        dialog = ImportPlanDialog(result.plan, self._parent, caption=self.caption())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_apply_requested.connect(lambda: self._run(dry_run=False))
        dialog.rejected.connect(self.sig_import_ended.emit)
        # The dialog deletes itself on close; forget it then so nothing reaches for a deleted widget.
        dialog.finished.connect(self._forget_dialog)
        self.dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self.dialog = None

    def _on_apply_finished(self, outcome: object) -> None:
        result = self._result(outcome)
        if result is None:
            return
        self.result = result
        self.sig_import_applied.emit(self.TABLE, len(result.plan.changes))
        self._show_box(QMessageBox.Icon.Information, result.summary())

    def _on_job_failed(self, message: str, details: str) -> None:
        self._show_box(QMessageBox.Icon.Warning, message, details)

    def _show_box(self, icon: QMessageBox.Icon, message: str, details: str = "") -> None:
        box = QMessageBox(icon, APP_NAME, message, parent=self._parent)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # finished carries the button's result; sig_import_ended carries nothing.
        box.finished.connect(lambda *_: self.sig_import_ended.emit())
        self.message_box = box
        box.open()


class ImportActionUpdatesFlow(ImportFlow):
    """A returned action-update workbook: statuses, updates and new due dates."""

    TABLE = "action"

    def caption(self) -> str:
        return self.tr("Import action updates")

    def importer(self) -> Any:
        from core.io.imports.action_updates import ActionUpdatesImporter

        return ActionUpdatesImporter()


class FlowCommands(QObject):
    """Menu commands that start an export or an import flow on the window's database (a base for each area)."""

    sig_import_applied = Signal(str, int)
    """An import changed records: (table, how many), so that open views refresh."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def start_export(self, flow_class: type[ExportFlow]) -> Any:
        """The running export flow, or None without a database or when the user cancelled."""
        window = self._window
        if window.db is None:
            return None
        flow = flow_class(window, window.db, window.jobs, window.settings)
        if not flow.start():
            flow.deleteLater()
            return None
        return flow

    def start_import(self, flow_class: type[ImportFlow]) -> Any:
        """The running import flow, or None without a writable database or when the user cancelled."""
        window = self._window
        if window.db is None or window.db.readonly:
            return None
        flow = flow_class(window, window.db, window.jobs, window.settings)
        flow.sig_import_applied.connect(self.sig_import_applied)
        flow.sig_import_ended.connect(flow.deleteLater)
        if not flow.start():
            return None
        return flow


class ActionUpdateCommands(FlowCommands):
    """The File menu's two action-update commands, for the main window to connect."""

    def export_for_agency(self) -> ExportActionUpdatesFlow | None:
        flow: ExportActionUpdatesFlow | None = self.start_export(ExportActionUpdatesFlow)
        return flow

    def import_updates(self) -> ImportActionUpdatesFlow | None:
        flow: ImportActionUpdatesFlow | None = self.start_import(ImportActionUpdatesFlow)
        return flow
