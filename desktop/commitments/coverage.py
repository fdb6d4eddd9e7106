"""The norms and strategy coverage view: for a fiscal year, each tag, what implements it, and the gaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.reports.coverage import CoverageReport, coverage
from core.services.office import load_settings
from desktop.exports import ExportFlow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.io.progress import CancelToken, ProgressSink
    from desktop.jobs import JobFn, JobRunner
    from desktop.settings import AppSettings

# The list each implementing record opens in.
ENTITY_OF_KIND = {"forum": "forums", "action": "actions", "commitment": "commitments", "budget_line": "budget"}
_KIND_TEXT = {"forum": "Forum", "action": "Action", "commitment": "Commitment", "budget_line": "Budget line"}
_GAP_BRUSH = QBrush(QColor("#fdecea"))


class CoverageExportFlow(ExportFlow):
    """The coverage of one fiscal year to an .xlsx workbook."""

    def __init__(self, *args: Any, fiscal_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fiscal_year = fiscal_year

    def title(self) -> str:
        return self.tr("Coverage {0}").format(self._fiscal_year)

    def file_marking(self, session: Session) -> str | None:
        from core.io.coverage_xlsx import coverage_marking

        return coverage_marking(session, self._fiscal_year)

    def job(self, target: Path) -> JobFn:
        db, year, as_at = self._db, self._fiscal_year, self._as_at

        def export(_progress: ProgressSink, _cancel: CancelToken) -> Any:
            # Runs on a pool thread: the report and openpyxl stay off the GUI thread.
            from core.io.coverage_xlsx import export_coverage

            return export_coverage(db, year, target, as_at=as_at)

        return export


class CoverageView(QWidget):
    """One row per tag (gaps shaded and marked "Gap" in words), its implementing records beneath it."""

    sig_record_opened = Signal(str, int)
    """The user opened an implementing record: (list entity, row id)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.report: CoverageReport | None = None
        self.flow: CoverageExportFlow | None = None
        with db.read() as session:
            calendar = load_settings(session).calendar
        this_year = calendar.fiscal_year_of(date.today())
        self.year = QComboBox()
        self.year.setAccessibleName(self.tr("Fiscal year"))
        for fy in range(this_year + 1, this_year - 4, -1):
            self.year.addItem(calendar.label(fy), fy)
        self.year.setCurrentIndex(1)
        self.gaps_only = QCheckBox(self.tr("Only gaps"))
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Coverage"))
        self.tree.setHeaderLabels(
            [
                self.tr("Tag"),
                self.tr("List"),
                self.tr("Signed or in implementation"),
                self.tr("Open actions"),
                self.tr("Forums"),
                self.tr("Budget lines"),
                self.tr("Gap"),
            ]
        )
        self.tree.setAlternatingRowColors(True)
        bar = QHBoxLayout()
        caption = QLabel(self.tr("Fiscal year:"))
        caption.setBuddy(self.year)
        for widget in (caption, self.year, self.gaps_only, self.export_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.year.currentIndexChanged.connect(self._on_year_current_index_changed)
        self.gaps_only.toggled.connect(self._on_gaps_only_toggled)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.export_button.clicked.connect(self._on_export_button_clicked)

    @property
    def fiscal_year(self) -> int:
        return int(self.year.currentData())

    def reload(self) -> None:
        with self._db.read() as session:
            self.report = coverage(session, self.fiscal_year)
        self._fill()

    def _fill(self) -> None:
        report = self.report
        if report is None:
            return
        self.tree.clear()
        shown = report.gaps if self.gaps_only.isChecked() else report.tags
        for tag in shown:
            top = QTreeWidgetItem(
                [
                    f"{tag.code} — {tag.label}",
                    self.tr(tag.kind.label),
                    str(tag.working_commitments),
                    str(tag.open_actions),
                    str(len(tag.forums)),
                    str(len(tag.budget_lines)),
                    self.tr("Gap") if tag.gap else "",
                ]
            )
            if tag.gap:
                for column in range(self.tree.columnCount()):
                    top.setBackground(column, _GAP_BRUSH)
            for item in tag.items:
                detail = " · ".join(
                    part
                    for part in (self.tr(item.status), item.via and self.tr("through {0}").format(item.via))
                    if part
                )
                child = QTreeWidgetItem(top, [f"{self.tr(_KIND_TEXT[item.kind])}: {item.title}", detail])
                child.setData(0, Qt.ItemDataRole.UserRole, (ENTITY_OF_KIND[item.kind], item.row_id))
                child.setFirstColumnSpanned(False)
            self.tree.addTopLevelItem(top)
        self.tree.resizeColumnToContents(0)
        self.summary.setText(
            self.tr("{0}: {1} tags, {2} gaps (no signed or in-implementation commitment and no open action).").format(
                report.fy_label, len(report.tags), len(report.gaps)
            )
        )

    def export(self, runner: JobRunner, settings: AppSettings, **injected: Any) -> CoverageExportFlow | None:
        flow = CoverageExportFlow(self, self._db, runner, settings, fiscal_year=self.fiscal_year, **injected)
        if not flow.start():
            flow.deleteLater()
            return None
        self.flow = flow
        return flow

    def showEvent(self, event: Any) -> None:
        if self.report is None:
            self.reload()  # on first sight, not when the page is built
        super().showEvent(event)

    def _on_year_current_index_changed(self, _index: int) -> None:
        self.reload()

    def _on_gaps_only_toggled(self, _checked: bool) -> None:
        self._fill()

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if target:
            self.sig_record_opened.emit(target[0], int(target[1]))

    def _on_export_button_clicked(self) -> None:
        from desktop.jobs import JobRunner
        from desktop.settings import AppSettings

        window = self.window()
        runner = getattr(window, "jobs", None) or JobRunner(self)
        settings = getattr(window, "settings", None) or AppSettings()
        self.export(runner, settings)
