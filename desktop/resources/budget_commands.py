"""Export the budget workbook of a chosen fiscal year, and import budget lines, both in the background."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from desktop.action_updates import FlowCommands, ImportFlow
from desktop.exports import ExportFlow
from desktop.jobs import JobFn, JobRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.io.progress import CancelToken, ProgressSink
    from desktop.settings import AppSettings

__all__ = ["AskYear", "BudgetCommands", "ExportBudgetFlow", "ImportBudgetFlow", "budget_years"]

# QInputDialog.getItem's shape: (parent, caption, label, items, current) -> chosen index, or None when cancelled.
AskYear = Callable[[QWidget | None, str, str, list[str], int], int | None]


def _default_ask_year(parent: QWidget | None, caption: str, label: str, items: list[str], current: int) -> int | None:
    chosen, ok = QInputDialog.getItem(parent, caption, label, items, current, False)
    return items.index(chosen) if ok and chosen in items else None


def budget_years(db: Database, today: date) -> tuple[list[tuple[int, str]], int]:
    """(fiscal year, label) of every year with budget lines plus the current one, and the index of the current."""
    from core.reports.budget_grid import budget_year_choices

    with db.read() as session:
        return budget_year_choices(session, today)


class ExportBudgetFlow(ExportFlow):
    """Pick the fiscal year, pick the file (its name starts with the marking), write the workbook off the GUI thread."""

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        runner: JobRunner,
        settings: AppSettings,
        *,
        ask_year: AskYear | None = None,
        **injected: Any,
    ) -> None:
        super().__init__(parent, db, runner, settings, **injected)
        self._ask_year = ask_year or _default_ask_year
        self.fiscal_year: int | None = None
        self.fiscal_year_label = ""

    def title(self) -> str:
        return self.tr("Budget {0}").format(self.fiscal_year_label)

    def start(self) -> bool:
        years, current = budget_years(self._db, self._today or date.today())
        index = self._ask_year(
            self._parent,
            self.tr("Export budget workbook"),
            self.tr("Fiscal year:"),
            [label for _, label in years],
            current,
        )
        if index is None:
            self.sig_export_cancelled.emit()
            return False
        self.fiscal_year, self.fiscal_year_label = years[index]
        return super().start()

    def file_marking(self, session: Session) -> str | None:
        from core.io.budget_xlsx import budget_marking

        assert self.fiscal_year is not None
        return budget_marking(session, self.fiscal_year)

    def job(self, target: Path) -> JobFn:
        db, fy, as_at = self._db, self.fiscal_year, self._as_at
        assert fy is not None

        def export(progress: ProgressSink, cancel: CancelToken) -> Any:
            from core.io.budget_xlsx import export_budget

            return export_budget(db, fy, target, as_at=as_at, progress=progress, cancel=cancel)

        return export


class ImportBudgetFlow(ImportFlow):
    """Budget lines from a colleague's workbook or the template: dry run first, then all or nothing."""

    TABLE = "budget_line"
    FILTERS = "Excel workbook or CSV (*.xlsx *.csv)"

    def caption(self) -> str:
        return self.tr("Import budget lines")

    def importer(self) -> Any:
        from core.io.imports.budget import BudgetImporter

        return BudgetImporter()

    def _on_apply_finished(self, outcome: object) -> None:
        super()._on_apply_finished(outcome)
        result, box = self.result, self.message_box
        if result is None or result.batch_id is None or box is None or outcome is not result:
            return
        batch_id = result.batch_id
        self.undo_button = box.addButton(self.tr("Undo this import"), QMessageBox.ButtonRole.ActionRole)
        self.undo_button.clicked.connect(lambda: self.undo(batch_id))

    def undo(self, batch_id: str) -> None:
        """Revert the whole import in the background; refused, with the reason, if any of its lines changed."""
        db = self._db

        def work(_progress: ProgressSink, _cancel: CancelToken) -> Any:
            from core.io.imports.budget import undo_budget_import
            from core.services.validation import ValidationError

            try:
                return undo_budget_import(db, batch_id)
            except ValidationError as exc:
                return " ".join(exc.errors.values())

        self._runner.run(work, write=True, on_finished=self._on_undo_finished, on_failed=self._on_job_failed)

    def _on_undo_finished(self, outcome: object) -> None:
        if isinstance(outcome, str):
            self._show_box(QMessageBox.Icon.Warning, outcome)
            return
        self.sig_import_applied.emit(self.TABLE, outcome.removed + outcome.restored)  # type: ignore[attr-defined]
        self._show_box(QMessageBox.Icon.Information, outcome.summary())  # type: ignore[attr-defined]


class BudgetCommands(FlowCommands):
    """The File menu's budget commands, for the main window to connect."""

    def export_workbook(self) -> ExportBudgetFlow | None:
        flow: ExportBudgetFlow | None = self.start_export(ExportBudgetFlow)
        return flow

    def import_lines(self) -> ImportBudgetFlow | None:
        flow: ImportBudgetFlow | None = self.start_import(ImportBudgetFlow)
        return flow

    def show_grid(self) -> Any:
        """The Resources page with its budget grid in front, or None without an office."""
        from desktop.resources.page import ResourcesPage

        window = self._window
        if window.db is None:
            return None
        page = window.show_list("budget")
        assert isinstance(page, ResourcesPage)
        return page.show_grid()
