"""The budget grid on the Resources page: forum × quarter (or month) of a chosen measure with row and column
totals, filtered by fiscal year, cost category, forum type and priority. Double-click opens the lines behind a
cell, where the monthly amounts are edited. The sums come from core/reports/budget_grid.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.domain.forums import ForumType, Priority
from core.domain.money import format_money
from core.domain.resources import BudgetMeasure
from core.reports.budget import cents_to_decimal
from core.reports.budget_grid import GRID_MEASURES, BudgetGrid, GridFilter, period_months
from desktop.flow_layout import FlowLayout, labelled
from desktop.resources.loading import BackgroundLoad

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.jobs import JobRunner
    from desktop.resources.lines import BudgetLinesDialog

__all__ = ["OVER_COLOUR", "BudgetGridTableModel", "BudgetGridView"]

_Index = QModelIndex | QPersistentModelIndex
# The warning colour of a forum or line whose committed + actual exceed its revised budget.
OVER_COLOUR = QColor("#fde2e1")
# (parent, question) -> True to go ahead; injected by tests.
Confirm = Callable[[QWidget, str], bool]


def _default_confirm(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, parent.tr("Start the next fiscal year"), question)
    return answer == QMessageBox.StandardButton.Yes


class BudgetGridTableModel(QAbstractTableModel):
    """Forum rows, then a total row; columns: forum, priority, one per period, the year's total."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: BudgetGrid | None = None

    def set_grid(self, grid: BudgetGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    @property
    def periods(self) -> int:
        return len(self.grid.period_labels) if self.grid is not None else 0

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() or self.grid is None or not self.grid.rows:
            return 0
        return len(self.grid.rows) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.grid is None else self.periods + 3

    def is_total_row(self, row: int) -> bool:
        return self.grid is not None and row == len(self.grid.rows)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or self.grid is None:
            return None
        if section == 0:
            return self.tr("Forum")
        if section == 1:
            return self.tr("Priority")
        if 2 <= section < 2 + self.periods:
            return self.grid.period_labels[section - 2]
        return self.tr("Year") if section == 2 + self.periods else None

    def amount(self, row: int, column: int) -> int | None:
        """The cents shown in a cell (None for the name columns)."""
        if self.grid is None or column < 2:
            return None
        if self.is_total_row(row):
            cells, total = self.grid.column_totals, self.grid.total
        else:
            cells, total = self.grid.rows[row].cells, self.grid.rows[row].total
        return cells[column - 2] if column - 2 < self.periods else total

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        grid = self.grid
        if grid is None or not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row, column = index.row(), index.column()
        total = self.is_total_row(row)
        amount = self.amount(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if amount is not None:
                return format_money(cents_to_decimal(amount))
            if total:
                return self.tr("Total") if column == 0 else ""
            return grid.rows[row].forum if column == 0 else grid.rows[row].priority
        if role == Qt.ItemDataRole.TextAlignmentRole and amount is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        over = not total and grid.rows[row].overcommitted
        if role == Qt.ItemDataRole.BackgroundRole and over:
            return QBrush(OVER_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and over:
            return self.tr("Committed + actual exceed this forum's revised budget")
        return None


class BudgetGridView(QWidget):
    """The grid with its filters; `open_cell` is what a double-click does."""

    sig_lines_changed = Signal()
    """Amounts were edited or a year was rolled forward: other views of the budget should reload."""

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        jobs: JobRunner | None = None,
        confirm: Confirm | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._today = today or date.today()
        self.load = BackgroundLoad(self, jobs, self.reload)
        self._confirm = confirm or _default_confirm
        self.lines_dialog: BudgetLinesDialog | None = None
        self.message_box: QMessageBox | None = None
        self.year_box = self._combo(self.tr("Fiscal year"))
        self.category_box = self._combo(self.tr("Cost category"))
        self.type_box = self._combo(self.tr("Forum type"))
        self.priority_box = self._combo(self.tr("Priority"))
        self.measure_box = self._combo(self.tr("Measure"))
        self.by_month = QCheckBox(self.tr("By &month"))
        self.roll_button = QPushButton(self.tr("Start the &next fiscal year from this one…"))
        self.roll_button.setToolTip(
            self.tr("Copy this year's lines into the next, their revised budget becoming its plan")
        )
        self.roll_button.setEnabled(not db.readonly)
        self._fill_choices()
        # The filters wrap onto a second row rather than set the window's minimum width (1,366-px laptops).
        bar = FlowLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        for text, box in (
            (self.tr("&Fiscal year:"), self.year_box),
            (self.tr("&Category:"), self.category_box),
            (self.tr("Forum &type:"), self.type_box),
            (self.tr("&Priority:"), self.priority_box),
            (self.tr("M&easure:"), self.measure_box),
        ):
            bar.addWidget(labelled(text, box))
        bar.addWidget(self.by_month)
        # The year's command on a row of its own: beside the filters it made the page wider than the window.
        commands = QHBoxLayout()
        commands.setContentsMargins(6, 0, 6, 0)
        commands.addStretch(1)
        commands.addWidget(self.roll_button)
        self.model = BudgetGridTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Budget by forum and period"))
        self.table.setModel(self.model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(commands)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        for box in (self.year_box, self.category_box, self.type_box, self.priority_box, self.measure_box):
            box.currentIndexChanged.connect(self.reload)
        self.by_month.toggled.connect(self.reload)
        self.roll_button.clicked.connect(self._on_roll_button_clicked)
        # No figures yet: the page loads them when this tab is first shown (load.ensure), on a pool thread.

    def _combo(self, name: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        # Long category names would otherwise set the page's minimum width; the open list still shows them whole.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(12)
        return box

    def _fill_choices(self) -> None:
        from core.reports.budget_grid import cost_category_choices
        from desktop.resources.budget_commands import budget_years

        years, current = budget_years(self._db, self._today)
        for fy, text in years:
            self.year_box.addItem(text, fy)
        self.year_box.setCurrentIndex(current)
        self.category_box.addItem(self.tr("All"), None)
        with self._db.read() as session:
            categories = cost_category_choices(session)
        for category_id, label in categories:
            self.category_box.addItem(label, category_id)
        self.type_box.addItem(self.tr("All"), None)
        for forum_type in ForumType:
            self.type_box.addItem(forum_type.label, forum_type.value)
        self.priority_box.addItem(self.tr("All"), None)
        for priority in Priority:
            self.priority_box.addItem(priority.label, priority.value)
        for measure in GRID_MEASURES:
            self.measure_box.addItem(measure.label, measure.value)

    @property
    def grid_filter(self) -> GridFilter:
        # Combo boxes hand enums back as their codes.
        forum_type, priority = self.type_box.currentData(), self.priority_box.currentData()
        return GridFilter(
            fiscal_year=int(self.year_box.currentData()),
            category_id=self.category_box.currentData(),
            forum_type=ForumType(forum_type) if forum_type else None,
            priority=Priority(priority) if priority else None,
        )

    @property
    def measure(self) -> BudgetMeasure:
        return BudgetMeasure(self.measure_box.currentData())

    def reload(self, *_: object) -> None:
        """Recompute the grid for the current filters on a pool thread; seconds on a 100,000-line office."""
        if self.year_box.currentData() is None:
            return
        db, grid_filter, measure, by_month = self._db, self.grid_filter, self.measure, self.by_month.isChecked()

        def work() -> BudgetGrid:
            from core.reports.budget_grid import budget_grid

            with db.read() as session:
                return budget_grid(session, grid_filter, measure, by_month=by_month)

        self.note.setText(self.tr("Loading…"))
        self.load.start(work, self._show_grid, self.note.setText)

    def _show_grid(self, grid: BudgetGrid) -> None:
        self.model.set_grid(grid)
        self.table.resizeColumnsToContents()
        over = sum(1 for row in grid.rows if row.overcommitted)
        text = self.tr("{0} of {1}; amounts in {2}. Double-click a cell for its lines.").format(
            grid.measure.label, grid.fiscal_year_label, grid.currency
        )
        if over:
            text += " " + self.tr("{0} forum(s) shaded: committed + actual exceed the revised budget.").format(over)
        self.note.setText(text)

    def open_cell(self, row: int, column: int) -> BudgetLinesDialog | None:
        """The lines behind a forum's cell: the period's months, or the whole year from the name or total."""
        from desktop.resources.lines import BudgetLinesDialog

        grid = self.model.grid
        # While new figures are computed the grid on screen belongs to the old filters: its lines would not match.
        if grid is None or self.load.loading or self.model.is_total_row(row) or not 0 <= row < len(grid.rows):
            return None
        period = column - 1  # columns 2.. are periods 1..
        months = period_months(grid.by_month, period) if 1 <= period <= self.model.periods else tuple(range(1, 13))
        dialog = BudgetLinesDialog(self._db, self.grid_filter, grid.rows[row].forum_id, self.measure, months, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_amount_changed.connect(self._on_lines_amount_changed)
        self.lines_dialog = dialog
        dialog.show()
        return dialog

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.open_cell(index.row(), index.column())

    def _on_lines_amount_changed(self) -> None:
        self.reload()
        self.sig_lines_changed.emit()

    def roll_forward(self) -> bool:
        """Ask, then copy this year's lines into the next off the GUI thread; the result is shown in a message."""
        fy = int(self.year_box.currentData())
        this_label, next_label = self.year_box.currentText(), self._year_label(fy + 1)
        question = self.tr(
            "Copy the {0} budget lines into {1}? Their revised budget becomes {1}'s original and revised plan, "
            "with nothing committed, spent or forecast."
        ).format(this_label, next_label)
        if not self._confirm(self, question):
            return False
        db = self._db

        def job(_progress: Any, _cancel: Any) -> int | str:
            from core.services.budget import roll_forward
            from core.services.validation import ValidationError

            try:
                with db.write() as session:
                    return roll_forward(session, fy, fy + 1)
            except ValidationError as exc:  # the sentence alone, without the field's name
                return " ".join(exc.errors.values())

        self.roll_button.setEnabled(False)
        self.load.runner().run(
            job,
            write=True,
            on_finished=lambda count: self._on_rolled(count, next_label),
            on_failed=lambda message, _details: self._tell(message, warning=True),
        )
        return True

    def _year_label(self, fy: int) -> str:
        from core.services.office import load_settings

        with self._db.read() as session:
            return load_settings(session).calendar.label(fy)

    def _on_rolled(self, count: int | str, label: str) -> None:
        if isinstance(count, str):
            self._tell(count, warning=True)
            return
        if self.year_box.findData(self.year_box.currentData() + 1) < 0:
            self.year_box.addItem(label, self.year_box.currentData() + 1)
        self._tell(self.tr("Started {0} with {1:,} budget line(s) copied forward.").format(label, count))
        self.sig_lines_changed.emit()

    def _tell(self, text: str, *, warning: bool = False) -> None:
        self.roll_button.setEnabled(not self._db.readonly)
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, self.tr("Start the next fiscal year"), text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()

    def _on_roll_button_clicked(self) -> None:
        self.roll_forward()
