"""A register's list: a search box, a row count and a column chooser over a table fed by the core list query."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.lists.table_model import ListTableModel

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.list_filters import ListFilter
    from core.reports.lists import ListColumn, ListQuery

SEARCH_DELAY_MS = 150
# Starting widths in pixels by column kind; a saved header state (AppSettings.restore_columns) replaces them.
KIND_WIDTHS = {"date": 100, "datetime": 140, "money": 120, "rag": 80, "int": 80, "fte": 70, "bool": 80}
# Short text (codes, statuses, names without a width hint) fits its first page of rows, within these bounds.
SHORT_TEXT_WIDTHS = (70, 220)
LONG_TEXT_MAX_WIDTH = 380
ROW_PADDING = 8
# Short text is measured on this many rows, about a screenful: measuring a whole page of 200 took most of the time
# a 200,000-row list needed to open.
WIDTH_SAMPLE_ROWS = 50
# A section narrower than this after being shown again was hidden before it ever had a width of its own.
MIN_SHOWN_WIDTH = 24


class ListView(QWidget):
    sig_rows_counted = Signal(int)
    """The rows matching the search were counted again, after a search or reload: (their number). Long lists are
    counted on a worker thread, so this can come after the first rows show."""

    def __init__(self, db: Database, entity: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entity = entity
        self.model = ListTableModel(db, entity, count_in_background=True)
        self.search = QLineEdit(placeholderText=self.tr("Search"))
        self.search.setAccessibleName(self.tr("Search this list"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("Number of rows"))
        # Said, not hidden: text this short is not looked for in descriptions and notes (global search does the same).
        self.short_search_hint = QLabel(objectName="shortSearchHint")
        self.short_search_hint.setVisible(False)
        # Says why the list is short when another view opened it filtered; clicking it shows every row again.
        self.filter_chip = QToolButton(objectName="filterChip")
        self.filter_chip.setToolTip(self.tr("Remove this filter and show every row"))
        self.filter_chip.setVisible(False)
        self.filter_chip.clicked.connect(self.clear_filter)
        self.model.sig_total_counted.connect(self._on_model_total_counted)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.setToolTip(self.tr("Also list archived records, in grey italics"))
        self.show_archived.setVisible(self.model.can_show_archived)
        self.show_archived.toggled.connect(self._on_show_archived_toggled)
        self.columns_button = QPushButton(self.tr("Columns"))
        self.columns_button.setToolTip(self.tr("Choose the columns to show (also: right-click a column header)"))
        # The button's menu is rebuilt on every show so its ticks follow the header, whoever changed it.
        self._button_menu = QMenu(self.columns_button)
        self._button_menu.aboutToShow.connect(self._on_button_menu_about_to_show)
        self.columns_button.setMenu(self._button_menu)
        self.table = QTableView()
        self.table.setModel(self.model)
        self._enable_sorting()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # The style's default row is roomy for touch; a register is read as a dense sheet.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + ROW_PADDING)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(WIDTH_SAMPLE_ROWS)  # the rows sizeHintForColumn() reads
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)  # over its text
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        self.table.setAccessibleName(self.tr("{0} list").format(entity))
        top = QHBoxLayout()
        top.addWidget(self.filter_chip)
        top.addWidget(self.search, 1)
        top.addWidget(self.short_search_hint)
        top.addWidget(self.count)
        top.addWidget(self.show_archived)
        top.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._on_search_timer_timeout)
        self.search.textChanged.connect(self._debounce.start)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.apply_initial_widths()
        self._update_count()

    def _enable_sorting(self) -> None:
        # A header starts at column 0 and setSortingEnabled sorts by it, which would replace the list's own order
        # (actions by due date, then ref) with one the user never chose. Start unsorted, then only show the list's
        # first order key in the header; the rows are already in the full default order.
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        default = self.model.default_sort()
        if default is not None:
            blocked = header.blockSignals(True)
            header.setSortIndicator(*default)
            header.blockSignals(blocked)

    # --- columns ----------------------------------------------------------------------------------------

    @property
    def header(self) -> QHeaderView:
        return self.table.horizontalHeader()

    def initial_width(self, section: int) -> int:
        """The width a column starts at: by kind, long free text by its character hint, never cutting the title."""
        column: ListColumn = self.model.columns[section]
        if column.kind in KIND_WIDTHS:
            width = KIND_WIDTHS[column.kind]
        elif column.width:
            width = min(column.width * self.table.fontMetrics().averageCharWidth(), LONG_TEXT_MAX_WIDTH)
        else:
            low, high = SHORT_TEXT_WIDTHS
            width = min(max(self.table.sizeHintForColumn(section), low), high)
        return max(width, self.header.sectionSizeHint(section))

    def apply_initial_widths(self) -> None:
        for section in range(self.model.columnCount()):
            self.header.resizeSection(section, self.initial_width(section))

    def set_column_hidden(self, section: int, hidden: bool) -> None:
        """Hide or show a column; the last visible one always stays, so the list never goes blank."""
        header = self.header
        if hidden and header.count() - header.hiddenSectionCount() <= 1:
            return
        header.setSectionHidden(section, hidden)
        if not hidden and header.sectionSize(section) < MIN_SHOWN_WIDTH:
            header.resizeSection(section, self.initial_width(section))

    def show_all_columns(self) -> None:
        for section in range(self.header.count()):
            self.set_column_hidden(section, False)

    def fill_column_menu(self, menu: QMenu) -> None:
        """One checkable entry per column in the order shown, then "Show all columns"."""
        menu.clear()
        header = self.header
        visible = header.count() - header.hiddenSectionCount()
        for visual in range(header.count()):
            section = header.logicalIndex(visual)
            action = QAction(self.model.columns[section].header, menu, checkable=True)
            action.setChecked(not header.isSectionHidden(section))
            action.setEnabled(header.isSectionHidden(section) or visible > 1)
            action.toggled.connect(lambda checked, s=section: self.set_column_hidden(s, not checked))
            menu.addAction(action)
        menu.addSeparator()
        show_all = menu.addAction(self.tr("Show all columns"))
        show_all.setEnabled(header.hiddenSectionCount() > 0)
        show_all.triggered.connect(self.show_all_columns)

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        self.fill_column_menu(menu)
        return menu

    def _on_header_context_menu_requested(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.header.mapToGlobal(pos))
        menu.deleteLater()

    def _on_button_menu_about_to_show(self) -> None:
        self.fill_column_menu(self._button_menu)

    # --- rows -------------------------------------------------------------------------------------------

    def _on_search_timer_timeout(self) -> None:
        self.model.set_search(self.search.text())
        self._update_count()

    def _on_search_text_changed(self, text: str) -> None:
        from core.db.text_search import MIN_TEXT_LENGTH
        from core.reports.lists import unsearched_columns

        # At once, not after the typing delay: the hint is about what is being typed.
        left_out = unsearched_columns(self._entity, text)
        self.short_search_hint.setVisible(bool(left_out))
        if left_out:
            hint = self.tr("Type {0} or more characters to search descriptions and notes too")
            self.short_search_hint.setText(hint.format(MIN_TEXT_LENGTH))
            columns = ", ".join(column.header for column in left_out)
            self.short_search_hint.setToolTip(self.tr("Not searched yet: {0}").format(columns))

    def _on_show_archived_toggled(self, checked: bool) -> None:
        self.model.set_include_archived(checked)
        self._update_count()

    def apply_preset(self, search: str, *, show_archived: bool = False, sort_key: str | None = None) -> None:
        """Show the rows matching `search` at once (no typing delay), as when another view opens this list filtered
        to what it showed; the search box holds the text so that the user sees, and can clear, the filter.
        `sort_key` (a column key such as "rag") sorts by that column, most urgent first."""
        self.show_archived.setChecked(show_archived and self.model.can_show_archived)
        self.search.setText(search)
        self._debounce.stop()
        self._on_search_timer_timeout()
        keys = [column.key for column in self.model.columns]
        if sort_key in keys:
            self.table.sortByColumn(keys.index(sort_key), Qt.SortOrder.AscendingOrder)

    def apply_filter(
        self, preset: ListFilter | None, *, show_archived: bool = False, sort_key: str | None = None
    ) -> None:
        """Show only the rows `preset` selects (what a dashboard figure counts), with no search text, and name the
        filter on the chip beside the search box; `sort_key` sorts by that column, most urgent first."""
        self._debounce.stop()
        blocked = self.search.blockSignals(True), self.show_archived.blockSignals(True)
        self.search.clear()
        self._on_search_text_changed("")
        self.show_archived.setChecked(show_archived and self.model.can_show_archived)
        self.search.blockSignals(blocked[0])
        self.show_archived.blockSignals(blocked[1])
        self.model.set_preset(preset, include_archived=self.show_archived.isChecked())
        shown = self.model.preset
        self.filter_chip.setVisible(shown is not None)
        if shown is not None:
            text = self.tr("Filtered: {0}").format(shown.label)
            self.filter_chip.setText(f"{text}  ✕")
            self.filter_chip.setAccessibleName(self.tr("{0}. Press to remove the filter.").format(text))
        self._update_count()
        keys = [column.key for column in self.model.columns]
        if sort_key in keys:
            self.table.sortByColumn(keys.index(sort_key), Qt.SortOrder.AscendingOrder)

    def clear_filter(self) -> None:
        """Drop the filter another view set; the search text and the archived choice stay as the user left them."""
        self.filter_chip.setVisible(False)
        self.model.set_preset(None, search=self.search.text())
        self._update_count()

    def export_query(self) -> ListQuery:
        """What the list shows, for an export: its rows' query and the visible columns in the order shown. Search
        text still waiting for the typing delay is applied first, so the list and the file agree."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._on_search_timer_timeout()
        header = self.header
        sections = [header.logicalIndex(visual) for visual in range(header.count())]
        shown = tuple(self.model.columns[s].key for s in sections if not header.isSectionHidden(s))
        return replace(self.model.query, columns=shown)

    def reload(self) -> None:
        self.model.reload()
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.known_total
        if total is None:  # still being counted: what is loaded so far
            self.count.setText(self.tr("{0:,}+ rows").format(self.model.loaded_rows))
        else:
            self.count.setText(self.tr("1 row") if total == 1 else self.tr("{0:,} rows").format(total))

    def _on_model_total_counted(self, total: int) -> None:
        self._update_count()
        self.sig_rows_counted.emit(total)
