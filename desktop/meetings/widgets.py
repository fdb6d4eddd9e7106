"""Small widgets and table helpers the meeting workspace's tabs share."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.meetings.table_model import EDITABLE_STATUSES, RowsTableModel

__all__ = [
    "MESSAGE_STYLES",
    "AgendaTableView",
    "AttendanceStatusDelegate",
    "button_row",
    "fit_columns",
    "rows_table",
]

LONG_TEXT_WIDTH = 360
MESSAGE_STYLES = {
    "error": "background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 6px;",
    "info": "background: #e8f0fe; color: #174ea6; border: 1px solid #c6dafc; padding: 6px;",
}


def fit_columns(table: QTableView, long_column: int | None, *, wrap: bool = False) -> None:
    """Columns fit their contents whenever the rows change (a meeting's worth of rows), long free text up to
    LONG_TEXT_WIDTH so that the short columns beside it stay in view; the last column takes what is left.
    With `wrap`, long text runs onto more lines of a taller row instead of ending in an ellipsis."""
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    table.setWordWrap(wrap)

    def fit() -> None:
        table.resizeColumnsToContents()
        if long_column is not None and header.sectionSize(long_column) > LONG_TEXT_WIDTH:
            header.resizeSection(long_column, LONG_TEXT_WIDTH)
        if wrap:
            table.resizeRowsToContents()

    table.model().modelReset.connect(fit)
    if wrap and long_column is not None:
        # A column widened or narrowed by hand re-wraps its text, rows taking the height it now needs.
        header.sectionResized.connect(
            lambda section, _old, _new: table.resizeRowsToContents() if section == long_column else None
        )


def rows_table(model: RowsTableModel[Any], name: str, stretch: int | None = None) -> QTableView:
    table = QTableView()
    table.setModel(model)
    fit_columns(table, stretch)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    return table


def button_row(*buttons: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class AgendaTableView(QTableView):
    """The agenda table: Ctrl+Up and Ctrl+Down move the current item, rows can be dragged to a new place."""

    sig_move_requested = Signal(int)
    """The user asked to move the current item: (-1 up, +1 down)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.sig_move_requested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        super().keyPressEvent(event)


class AttendanceStatusDelegate(QStyledItemDelegate):
    """A drop-down of the statuses a row can be set to directly."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(self.tr("Attendance status"))
        for status in EDITABLE_STATUSES:
            combo.addItem(self.tr(status.label), status.value)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
