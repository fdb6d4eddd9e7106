"""The budget grid: forum × quarter (revised budget and actual) with totals, for one fiscal year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from core.domain.money import format_money
from core.reports.budget import cents_to_decimal

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.budget import BudgetWorkbookFigures

__all__ = ["BudgetGridDialog", "BudgetGridRow", "BudgetGridTableModel", "grid_rows"]

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class BudgetGridRow:
    forum: str
    priority: str
    quarters: tuple[tuple[int, int], ...]  # (revised, actual) in cents, Q1-Q4
    year: tuple[int, int]
    rag: str
    total: bool = False


def grid_rows(figures: BudgetWorkbookFigures) -> list[BudgetGridRow]:
    """One row per forum (as the workbook's Summary orders them) and a total row, from the core figures."""
    rows = [
        BudgetGridRow(
            forum=f.forum,
            priority=f.priority,
            quarters=tuple(f.quarter(q) for q in range(1, 5)),
            year=(f.amounts.revised, f.amounts.actual),
            rag=f.rag,
        )
        for f in figures.forums
    ]
    if rows:
        quarters = tuple((sum(r.quarters[q][0] for r in rows), sum(r.quarters[q][1] for r in rows)) for q in range(4))
        total = figures.total
        rows.append(BudgetGridRow("Total", "", quarters, (total.revised, total.actual), "", total=True))
    return rows


class Column(IntEnum):
    FORUM = 0
    PRIORITY = 1
    # then per quarter: budget, actual; then the year's budget, actual; then RAG


class BudgetGridTableModel(QAbstractTableModel):
    """Rows in, cells out: amounts shown in the office's currency, right-aligned, the total row in bold."""

    def __init__(self, rows: Sequence[BudgetGridRow] = (), currency: str = "", parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = list(rows)
        self._currency = currency
        self._headers = [self.tr("Forum"), self.tr("Priority")]
        for q in range(1, 5):
            self._headers += [self.tr("Q{0} budget").format(q), self.tr("Q{0} actual").format(q)]
        self._headers += [self.tr("Year budget"), self.tr("Year actual"), self.tr("RAG")]

    def set_rows(self, rows: Sequence[BudgetGridRow], currency: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._currency = currency
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def _amount(self, row: BudgetGridRow, column: int) -> int | None:
        if 2 <= column < 10:
            quarter, which = divmod(column - 2, 2)
            return row.quarters[quarter][which]
        if column in (10, 11):
            return row.year[column - 10]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        amount = self._amount(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.FORUM:
                return row.forum
            if column == Column.PRIORITY:
                return row.priority
            if amount is not None:
                return format_money(cents_to_decimal(amount))
            return row.rag
        if role == Qt.ItemDataRole.TextAlignmentRole and amount is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.total:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


class BudgetGridDialog(QDialog):
    """Pick a fiscal year; the grid shows each forum's quarters, the year and its RAG, with the totals."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, today: date | None = None) -> None:
        from desktop.resources.budget_commands import budget_years

        super().__init__(parent)
        self._db = db
        self.setWindowTitle(self.tr("Budget by forum and quarter"))
        self.resize(1100, 520)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        label = QLabel(self.tr("&Fiscal year:"))
        self.year_box = QComboBox()
        self.year_box.setAccessibleName(self.tr("Fiscal year"))
        label.setBuddy(self.year_box)
        years, current = budget_years(db, today or date.today())
        for fy, text in years:
            self.year_box.addItem(text, fy)
        bar.addWidget(label)
        bar.addWidget(self.year_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = BudgetGridTableModel(parent=self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Budget by forum and quarter"))
        self.table.setModel(self.model)
        layout.addWidget(self.table, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.year_box.currentIndexChanged.connect(self._on_year_box_changed)
        self.year_box.setCurrentIndex(current)
        self._on_year_box_changed()

    def _on_year_box_changed(self, *_: object) -> None:
        from core.reports.budget import BudgetScope, budget_workbook_figures

        fy = self.year_box.currentData()
        if fy is None:
            return
        # Read on the GUI thread: the office's own years hold tens of lines; the workbook export is the bulk path.
        with self._db.read() as session:
            figures = budget_workbook_figures(BudgetScope(session, int(fy)), as_at=date.today())
        self.model.set_rows(grid_rows(figures), figures.currency)
        self.table.resizeColumnsToContents()
        warnings = [flag.sentence() for flag in figures.priority_flags]
        self.note.setText(
            self.tr("Budget = revised budget phased by quarter; amounts in {0}.").format(figures.currency)
            + ("\n" + "\n".join(warnings) if warnings else "")
        )
