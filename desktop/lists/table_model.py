"""A thin table model over `core.reports.lists.fetch_list`: rows in, cells out, pages fetched on demand."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from core.domain.money import format_money
from desktop.theme import current_rag_colours

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.reports.list_filters import ListFilter
    from core.reports.lists import ListColumn, ListOrder, ListQuery

log = logging.getLogger(__name__)

PAGE_SIZE = 200
RIGHT_ALIGNED_KINDS = ("money", "int", "fte")
_ANSWERED_ROLES = frozenset(
    (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
    )
)
Index = QModelIndex | QPersistentModelIndex


def _read_in_background(
    db: Database,
    name: str,
    read: Callable[[Session], Any],
    report: Callable[[int, Any], None],
    generation: int,
    failed: Any,
) -> None:
    """`read` in a read session on a thread of its own, then `report(generation, result)`, or `failed` as the result
    when the read raised (the database was closed meanwhile, or failed). The caller's generation tells it whether
    the result is stale by the time it arrives."""

    def work() -> None:
        result = failed
        try:
            with db.read() as session:
                result = read(session)
        except Exception:
            log.debug("%s in the background failed", name, exc_info=True)
        with contextlib.suppress(RuntimeError):  # the model was deleted meanwhile
            report(generation, result)

    threading.Thread(target=work, name=name, daemon=True).start()


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
        return _date_text(value)
    return str(value)


@lru_cache(maxsize=1)
def _archived_font() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


@lru_cache(maxsize=4096)
def _date_text(value: date) -> str:
    # strftime() imports `time` on every call, through PySide's import hook: some 30 µs a cell otherwise.
    return value.strftime("%d %b %Y")


class ListTableModel(QAbstractTableModel):
    """Rows PAGE_SIZE at a time, sorted and searched in SQL. The rows matching the search are counted only when
    asked for (`total`), or with `count_in_background` on a worker thread after each reload, so that a new search
    or sort shows its first rows without waiting for the count; `sig_total_counted` tells when it is known."""

    sig_total_counted = Signal(int)
    """The rows matching the current search are counted, after a reload or search: (their number)."""
    _sig_counted_in_background = Signal(int, int)  # (reload generation, count, or -1 when counting failed)
    sig_order_read = Signal()
    """Every row's place in the current sort has been read: a search typed now finds its page quickly."""
    _sig_order_read_in_background = Signal(int, object)  # (order generation, ListOrder or None when reading failed)

    def __init__(
        self, db: Database, entity: str, *, as_at: date | None = None, count_in_background: bool = False
    ) -> None:
        super().__init__()
        from core.reports.lists import list_spec

        self._db = db
        self._spec = list_spec(entity)
        self._columns: tuple[ListColumn, ...] = self._spec.columns
        self._rows: list[tuple[object, ...]] = []
        self._ids: list[int] = []
        self._total: int | None = None
        self._more = False
        self._generation = 0  # one per reload: a count started before the last reload is stale
        self._count_in_background = count_in_background
        self._counting = False  # one counting thread at a time
        self._count_wanted = False
        self._sig_counted_in_background.connect(self._on_counted_in_background)
        # The order of every row in the current sort, read on a thread after each sort or change of the data, so
        # that each keystroke of a search finds its page by reading rows in that order (core ListOrder).
        self._order: ListOrder | None = None
        self._order_generation = 0  # one per change of sort or data: an order read before it is stale
        self._ordering = False  # one reading thread at a time
        self._order_wanted = False
        self._sig_order_read_in_background.connect(self._on_order_read_in_background)
        self._as_at = as_at or date.today()
        self._sort: tuple[str, bool] | None = None
        self._rag_colours = current_rag_colours()
        self._search: str | None = None
        self._preset: ListFilter | None = None
        self._include_archived = False
        self._archived: set[int] = set()  # ids of the loaded rows that are archived
        self.reload()

    @property
    def total(self) -> int:
        """The rows matching the current search, all pages together (counted now if not known yet)."""
        if self._total is None:
            from core.reports.lists import count_list

            with self._db.read() as session:
                total = count_list(
                    session,
                    self._spec.entity,
                    search=self._search,
                    include_archived=self._include_archived,
                    preset=self._preset,
                )
                self._set_total(total)
        assert self._total is not None
        return self._total

    @property
    def known_total(self) -> int | None:
        """`total` when known without counting, else None."""
        return self._total

    @property
    def loaded_rows(self) -> int:
        return len(self._rows)

    def _set_total(self, total: int) -> None:
        self._total = total
        self.sig_total_counted.emit(total)

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

        query = functools.partial(
            fetch_list,
            entity=self._spec.entity,
            as_at=self._as_at,
            sort=self._sort,
            order=self._order,
            search=self._search,
            include_archived=self._include_archived,
            preset=self._preset,
        )
        with self._db.read() as session:
            try:
                page = query(session, offset=offset, limit=PAGE_SIZE, count=False)
            except UnsortableColumn:
                # Computed columns sort over the whole list at once.
                page = query(session)
        self._more = page.more
        self._archived.update(page.archived_ids)
        first = len(self._rows)
        if page.rows:
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._ids.extend(page.ids)
            self.endInsertRows()
        if page.total is not None and self._total is None:
            self._set_total(page.total)

    def reload(self, *, keep_total: bool = False, keep_order: bool = False) -> None:
        """Fetch the first page again; `keep_total` when only the order changed, so the count still holds;
        `keep_order` when only the search changed, so every row's place in the sort still holds."""
        if not keep_order:
            self._forget_order()
        self._generation += 1
        if not keep_total:
            self._total = None
        self._count_wanted = False
        self.beginResetModel()
        self._rows.clear()
        self._ids.clear()
        self._archived.clear()
        self.endResetModel()
        self._fetch(0)
        if not keep_order:
            # Once the page is painted: the reading thread would slow the paint down, holding Python's lock between
            # the rows it reads.
            generation = self._order_generation
            QTimer.singleShot(0, self, lambda: self._read_order() if generation == self._order_generation else None)
        if self._total is None and self._count_in_background:
            self._count_wanted = True
            if not self._counting:
                self._start_counting()

    def _start_counting(self) -> None:
        from core.reports.lists import count_list

        self._count_wanted = False
        self._counting = True
        entity, search, archived, preset = self._spec.entity, self._search, self._include_archived, self._preset

        def count(session: Session) -> int:
            return count_list(session, entity, search=search, include_archived=archived, preset=preset)

        # On failure -1: `total` counts again when read.
        _read_in_background(
            self._db, f"count {entity}", count, self._sig_counted_in_background.emit, self._generation, -1
        )

    def _on_counted_in_background(self, generation: int, total: int) -> None:
        self._counting = False
        if generation == self._generation and total >= 0 and self._total is None:
            self._set_total(total)
        if self._count_wanted and self._total is None:
            self._start_counting()

    def set_search(self, text: str) -> None:
        self._search = text.strip() or None
        self.reload(keep_order=True)

    @property
    def has_order(self) -> bool:
        """Whether every row's place in the current sort is known (read in the background after a sort)."""
        return self._order is not None

    def _forget_order(self) -> None:
        self._order = None
        self._order_generation += 1
        self._order_wanted = False

    def _read_order(self) -> None:
        """Read every row's place in the current sort on a thread, when searching in that sort would be slow
        without it (core order_worth_reading)."""
        from core.reports.lists import order_worth_reading

        if not order_worth_reading(self._spec.entity, self._sort):
            return
        if self._ordering:
            self._order_wanted = True  # after the one reading now, which is stale
            return
        self._ordering = True
        entity, as_at, sort = self._spec.entity, self._as_at, self._sort
        assert sort is not None

        def read(session: Session) -> ListOrder:
            from core.reports.lists import read_list_order

            return read_list_order(session, entity, as_at=as_at, sort=sort)

        # On failure None: searches sort every row, as without an order.
        report = self._sig_order_read_in_background.emit
        _read_in_background(self._db, f"order {entity}", read, report, self._order_generation, None)

    def _on_order_read_in_background(self, generation: int, order: ListOrder | None) -> None:
        self._ordering = False
        if generation == self._order_generation and order is not None:
            self._order = order
            self.sig_order_read.emit()
        elif self._order_wanted or generation != self._order_generation:
            self._order_wanted = False
            self._read_order()

    @property
    def preset(self) -> ListFilter | None:
        """The structured filter another view opened this list with (a dashboard figure), or None."""
        return self._preset

    def set_preset(self, preset: ListFilter | None, *, search: str = "", include_archived: bool | None = None) -> None:
        """Show only the rows `preset` selects (None: every row), with `search` and, if given, archived rows
        shown or not: one reload for all three."""
        self._preset = preset if preset is not None and preset.conditions else None
        self._search = search.strip() or None
        if include_archived is not None:
            self._include_archived = include_archived
        self.reload(keep_order=True)  # the order holds every row, archived or not, before any filter

    @property
    def query(self) -> ListQuery:
        """The search, filter, archived choice and sort the rows are fetched with (every column)."""
        from core.reports.lists import ListQuery

        return ListQuery(self._search, self._preset, self._include_archived, self._sort)

    @property
    def can_show_archived(self) -> bool:
        """Whether the list's records can be archived (and so shown or hidden as such)."""
        return self._spec.archived is not None

    @property
    def include_archived(self) -> bool:
        return self._include_archived

    def set_include_archived(self, include: bool) -> None:
        if include != self._include_archived:
            self._include_archived = include
            self.reload(keep_order=True)

    def is_archived(self, row: int) -> bool:
        return self._ids[row] in self._archived

    # --- Qt model interface ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

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
        # Views ask for a dozen roles per cell and this model answers five: the others return first.
        if role not in _ANSWERED_ROLES or not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        column = self._columns[index.column()]
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(value, column.kind)
        archived = bool(self._archived) and self._ids[index.row()] in self._archived
        if role == Qt.ItemDataRole.ToolTipRole:
            text = display_text(value, column.kind)
            return QCoreApplication.translate("ListTableModel", "Archived: {0}").format(text) if archived else text
        if archived and role == Qt.ItemDataRole.FontRole:
            return _archived_font()
        if archived and role == Qt.ItemDataRole.ForegroundRole and column.kind != "rag":
            # Greyed as well as italic, so an archived row reads as set aside without relying on colour alone.
            return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
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
            self.reload(keep_total=True)
