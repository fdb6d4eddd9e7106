"""The lines behind a budget grid cell: their monthly amounts of the grid's measure, edited in place, and the
selected line's revision history. Every change goes through core set_budget_amount with the reason asked for,
so it is recorded as a revision; a bad amount or a missing reason shows a message and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from core.domain.money import format_money
from core.reports.budget import cents_to_decimal
from core.reports.budget_grid import GridLine, GridLines
from desktop.resources.grid import OVER_COLOUR

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.domain.resources import BudgetMeasure
    from core.reports.budget_grid import GridFilter, RevisionRow

__all__ = [
    "AskReason",
    "BudgetLinesDialog",
    "BudgetLinesTableModel",
    "revision_table",
    "show_revisions",
]

_Index = QModelIndex | QPersistentModelIndex
# (parent, prompt) -> the reason typed, or None when the user cancelled; injected by tests.
AskReason = Callable[[QWidget, str], str | None]
# (row, fiscal month, text typed) -> whether the amount was saved.
EditAmount = Callable[[int, int, str], bool]
_FIXED = 3  # description, category, cost centre


def _default_ask_reason(parent: QWidget, prompt: str) -> str | None:
    text, ok = QInputDialog.getText(parent, parent.tr("Reason for the change"), prompt, QLineEdit.EchoMode.Normal)
    return text if ok else None


class BudgetLinesTableModel(QAbstractTableModel):
    """Lines × the cell's months (then the year's total and the warning); month cells are editable."""

    def __init__(self, edit_amount: EditAmount, *, editable: bool, parent: Any = None) -> None:
        super().__init__(parent)
        self._edit_amount = edit_amount
        self._editable = editable
        self.lines: GridLines | None = None

    def set_lines(self, lines: GridLines) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def line(self, row: int) -> GridLine:
        assert self.lines is not None
        return self.lines.lines[row]

    def month_of(self, column: int) -> int | None:
        """The fiscal month a column shows, or None."""
        if self.lines is None or not _FIXED <= column < _FIXED + len(self.lines.shown_months):
            return None
        return self.lines.shown_months[column - _FIXED]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.lines is None else len(self.lines.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.lines is None else _FIXED + len(self.lines.shown_months) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or self.lines is None:
            return None
        month = self.month_of(section)
        if month is not None:
            return self.lines.month_labels[month - 1]
        fixed = (self.tr("Line"), self.tr("Category"), self.tr("Cost centre"))
        if section < _FIXED:
            return fixed[section]
        after = section - _FIXED - len(self.lines.shown_months)
        return (self.tr("Year"), self.tr("Warning"))[after] if 0 <= after < 2 else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self._editable and self.month_of(index.column()) is not None and not self.line(index.row()).archived:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.lines is None or not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        line, column = self.line(index.row()), index.column()
        month = self.month_of(column)
        year = column == _FIXED + len(self.lines.shown_months)
        cents = line.amount(month) if month is not None else sum(line.months) if year else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if cents is not None:
                amount = cents_to_decimal(cents)
                return format_money(amount) if role == Qt.ItemDataRole.DisplayRole else str(amount)
            if column < _FIXED:
                return (line.description, line.category, line.cost_centre)[column]
            return line.warning
        if role == Qt.ItemDataRole.TextAlignmentRole and cents is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and line.warning:
            return QBrush(OVER_COLOUR)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        month = self.month_of(index.column())
        if role != Qt.ItemDataRole.EditRole or month is None or not index.isValid():
            return False
        return self._edit_amount(index.row(), month, str(value))


class BudgetLinesDialog(QDialog):
    """The lines of one forum (or the office-wide lines) in the grid's filter, with the chosen cell's months."""

    sig_amount_changed = Signal()
    """An amount was saved (a revision recorded)."""

    def __init__(
        self,
        db: Database,
        grid_filter: GridFilter,
        forum_id: int | None,
        measure: BudgetMeasure,
        months: tuple[int, ...],
        parent: QWidget | None = None,
        *,
        ask_reason: AskReason | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = grid_filter
        self._forum_id = forum_id
        self._measure = measure
        self._months = months
        self._ask_reason = ask_reason or _default_ask_reason
        self.resize(1100, 600)
        self.model = BudgetLinesTableModel(self.edit_amount, editable=not db.readonly, parent=self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Budget lines"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        self.message.setStyleSheet("color: #a4262c;")
        self.history_label = QLabel(self.tr("Revision history of the selected line"))
        self.history = revision_table(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.message)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history, 2)
        layout.addWidget(buttons)
        self.reload()
        self.table.selectionModel().currentChanged.connect(self._on_selection_current_changed)

    def reload(self) -> None:
        from core.reports.budget_grid import grid_lines

        with self._db.read() as session:
            lines = grid_lines(session, self._filter, self._forum_id, self._measure, self._months)
        self.model.set_lines(lines)
        self.table.resizeColumnsToContents()
        self.setWindowTitle(self.tr("Budget lines — {0} ({1})").format(lines.title, self._measure.label))

    def edit_amount(self, row: int, fiscal_month: int, text: str) -> bool:
        """Save one month's amount of a line, asking the reason; a message instead when it cannot be saved."""
        from core.domain.money import MoneyError, parse_money
        from core.services.budget import set_budget_amount
        from core.services.validation import ValidationError

        line = self.model.line(row)
        assert self.model.lines is not None
        where = f"{line.description}, {self.model.lines.month_labels[fiscal_month - 1]}"
        try:
            amount = parse_money(text)
        except MoneyError as exc:
            self.message.setText(f"{where}: {exc}")
            return False
        if amount == cents_to_decimal(line.amount(fiscal_month)):
            return False
        reason = self._ask_reason(
            self,
            self.tr("Why does the {0} of {1} change from {2} to {3}?").format(
                self._measure.label.lower(),
                where,
                format_money(cents_to_decimal(line.amount(fiscal_month))),
                format_money(amount),
            ),
        )
        if reason is None:
            self.message.setText(self.tr("{0}: not changed.").format(where))
            return False
        try:
            with self._db.write() as session:
                change = set_budget_amount(
                    session, line.line_id, fiscal_month, self._measure, Decimal(amount), reason=reason
                )
        except ValidationError as exc:
            self.message.setText(f"{where}: " + " ".join(exc.errors.values()))
            return False
        self.message.setText(f"{line.description}: {change.warning}" if change.warning else "")
        self.reload()
        self.show_history(line)
        self.sig_amount_changed.emit()
        return True

    def show_history(self, line: GridLine) -> None:
        revisions = show_revisions(self._db, line.line_id, self.history)
        self.history_label.setText(
            self.tr("Revision history of {0}: {1} change(s)").format(line.description, len(revisions))
        )

    def _on_selection_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_history(self.model.line(current.row()))


def revision_table(widget: QWidget) -> QTableWidget:
    """The table of a budget line's revisions (old, new, reason, who, when), newest first."""
    from desktop.editing.tables import read_only_table

    headers = [widget.tr(h) for h in ("When", "Month", "Measure", "Old", "New", "Reason", "Who")]
    return read_only_table(headers, widget.tr("Revision history"), 5)


def show_revisions(db: Database, line_id: int, table: QTableWidget) -> list[RevisionRow]:
    """Fill `table` with the line's revisions; the lines dialog and the budget line's editor both show them."""
    from core.reports.budget_grid import line_revisions
    from desktop.editing.tables import fill_rows

    with db.read() as session:
        revisions = line_revisions(session, line_id)
    fill_rows(
        table,
        [
            (
                rev.when.astimezone().strftime("%d %b %Y %H:%M"),
                rev.month,
                rev.measure,
                format_money(rev.old),
                format_money(rev.new),
                rev.reason,
                rev.who,
            )
            for rev in revisions
        ],
    )
    return revisions
