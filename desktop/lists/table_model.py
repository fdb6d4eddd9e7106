"""A thin table model over `core.reports.lists.fetch_list`: rows in, cells out, pages fetched on demand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.domain.money import format_money
from desktop.theme import current_rag_colours

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.lists import ListColumn

PAGE_SIZE = 200
RIGHT_ALIGNED_KINDS = ("money", "int", "fte")
Index = QModelIndex | QPersistentModelIndex


def display_text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format_money(value) if kind == "money" else f"{value:.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    return str(value)


class ListTableModel(QAbstractTableModel):
    def __init__(self, db: Database, entity: str, *, as_at: date | None = None) -> None:
        super().__init__()
        from core.reports.lists import list_spec

        self._db = db
        self._spec = list_spec(entity)
        self._columns: tuple[ListColumn, ...] = self._spec.columns
        self._rows: list[tuple[object, ...]] = []
        self._ids: list[int] = []
        self._total = 0
        self._as_at = as_at or date.today()
        self._sort: tuple[str, bool] | None = None
        self._rag_colours = current_rag_colours()
        self._search: str | None = None
        self.reload()

    @property
    def total(self) -> int:
        return self._total

    @property
    def columns(self) -> tuple[ListColumn, ...]:
        """The list's columns in model order (a view reads their kinds and width hints)."""
        return self._columns

    def default_sort(self) -> tuple[int, Qt.SortOrder] | None:
        """The column and direction the list is first ordered by, when no sort has been chosen (for the header)."""
        if not self._spec.default_order:
            return None
        key, descending = self._spec.default_order[0]
        section = next(i for i, column in enumerate(self._columns) if column.key == key)
        return section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder

    @property
    def as_at(self) -> date:
        return self._as_at

    def set_as_at(self, as_at: date) -> None:
        """Count RAG and other date-relative columns from `as_at` (e.g. a demo's date) from the next reload()."""
        self._as_at = as_at

    def row_id(self, row: int) -> int:
        return self._ids[row]

    def _fetch(self, offset: int) -> None:
        from core.reports.lists import UnsortableColumn, fetch_list

        with self._db.read() as session:
            try:
                page = fetch_list(
                    session,
                    self._spec.entity,
                    as_at=self._as_at,
                    sort=self._sort,
                    search=self._search,
                    offset=offset,
                    limit=PAGE_SIZE,
                )
            except UnsortableColumn:
                # Computed columns sort over the whole list at once.
                page = fetch_list(session, self._spec.entity, as_at=self._as_at, sort=self._sort, search=self._search)
        self._total = page.total
        first = len(self._rows)
        if page.rows:
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._ids.extend(page.ids)
            self.endInsertRows()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._ids.clear()
        self.endResetModel()
        self._fetch(0)

    def set_search(self, text: str) -> None:
        self._search = text.strip() or None
        self.reload()

    # --- Qt model interface ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid() and self.canFetchMore(parent):
            self._fetch(len(self._rows))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self._columns)):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in RIGHT_ALIGNED_KINDS:
            # Figures' titles line up with the figures under them.
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        column = self._columns[index.column()]
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return display_text(value, column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in RIGHT_ALIGNED_KINDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column.kind == "rag" and isinstance(value, str) and value in self._rag_colours:
            # RAG is always a word; the colour (from the theme, readable in light and dark) only adds to it.
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._rag_colours[value].background
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._rag_colours[value].foreground
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self._columns):
            self._sort = (self._columns[column].key, order == Qt.SortOrder.DescendingOrder)
            self.reload()
