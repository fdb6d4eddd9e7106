"""The dashboard's pyqtgraph charts: each draws part of a core Dashboard, shows it as a table, copies, exports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.domain.money import format_money, format_money_compact
from core.reports.dashboard import AGEING_BUCKETS, NO_PRIORITY, Dashboard
from core.reports.list_filters import ListLink

__all__ = ["CHART_TYPES", "ChartPanel", "ChartTableModel", "Hit", "epoch"]

Index = QModelIndex | QPersistentModelIndex

# Okabe–Ito: told apart with every common colour-vision deficiency. Meaning never rests on colour alone: bars
# also differ in fill pattern, and every label names what it shows.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
PRIORITY_COLOURS = {
    "High": OKABE_ITO["vermillion"],
    "Medium": OKABE_ITO["orange"],
    "Low": OKABE_ITO["sky"],
    NO_PRIORITY: OKABE_ITO["grey"],
}
STATUS_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["sky"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
)
# Hatching marks the second series of a pair (actual, overdue, extension, staff) in print and for any eyes.
SECOND_PATTERN = Qt.BrushStyle.BDiagPattern
# Axes that carry names (forums, people) are given room up front: pyqtgraph widens an axis only after a first paint
# has measured its text, and a chart copied or exported before that would show no names.
LABEL_AXIS_WIDTH = 150
# pyqtgraph leaves out a name wider than its axis; names are shortened (in full on hover and in the table) so the
# axis never takes more than this.
LABEL_AXIS_MAX_WIDTH = 230
# A chart that names one row per bar grows by this much a row, so that every name has room on its axis (pyqtgraph
# drops a tick label that would overlap the one before it); the dashboard scrolls.
ROW_HEIGHT = 22
PLOT_MIN_HEIGHT = 220
# What the legend's swatches stand for: the fill of the bar or line the entry names.
SOLID_SWATCH, HATCHED_SWATCH, LINE_SWATCH = "\u25a0", "\u25a8", "\u2501"


class ChartAxis(pg.AxisItem):
    """An axis that shows its numbers in full (3,000,000), never scaled to "x1e+06" in its label. Off from the
    start: with the SI prefix on, every change of range (a dozen in a first render, on the hidden top and right
    axes too) set the label's HTML again."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.autoSIPrefix = False


class NamesAxis(ChartAxis):
    """A left axis naming one row per tick (forums, people). pyqtgraph measures and places each tick label with a
    painter and a dozen Python calls per label, 4.6 ms for forty names on every paint, a fifth of an empty plot's
    first render; here pyqtgraph draws the line and tick marks, and the names are placed from widths measured
    once, when they are set."""

    TEXT_FLAGS = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value | Qt.TextFlag.TextDontClip.value

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.setStyle(showValues=False)  # pyqtgraph's own labels off: ours are added in generateDrawSpecs
        self.names: list[tuple[float, str, float]] = []
        self.text_height = QFontMetricsF(self.font()).height() * 0.8

    def set_names(self, names: list[tuple[float, str, float]]) -> None:
        """(row, label, label width in pixels) for each row."""
        if names != self.names:
            self.names = names
            self.picture = None
            self.update()

    def generateDrawSpecs(self, p: QPainter) -> Any:
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis_spec, tick_specs, _ = specs
        height = self.mapRectFromParent(self.geometry()).height()
        first, last = self.range
        span = (last - first) or 1.0
        right = self.mapRectFromParent(self.geometry()).right()
        right -= max(0, self.style["tickLength"]) + self.style["tickTextOffset"][0]
        half = self.text_height / 2
        texts = []
        for row, label, width in self.names:
            y = height * (1 - (row - first) / span)  # as pyqtgraph maps a tick value on a left axis
            if 0 <= y <= height:
                texts.append((QRectF(right - width, y - half, width, self.text_height), self.TEXT_FLAGS, label))
        return axis_spec, tick_specs, texts


class MoneyAxis(ChartAxis):
    """An amount axis whose ticks read in the office currency ("AUD 200m"), not "2e+08"."""

    currency = ""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_money_compact(v * scale, currency=self.currency or None) for v in values]


_NUMBER = re.compile(r"\(?([A-Z]{3} )?[0-9][0-9,]*(\.[0-9]+)?%?\)?")


def epoch(d: date) -> float:
    """Seconds since 1970 at the start of `d` in UTC: where a time axis places that date."""
    return datetime.combine(d, time(0), tzinfo=UTC).timestamp()


def month_ticks(first: date, last: date, most: int = 12) -> list[tuple[float, str]]:
    """Ticks at month starts from `first` to `last`, every month or every few so that at most `most` show; the
    year is named on the first tick and wherever it changes. A plain axis with these labels draws in a fraction of
    DateAxisItem's time, which works out its tick spacing and formats dozens of candidate dates on every paint."""
    months = max(0, (last.year - first.year) * 12 + last.month - first.month)
    step = next((n for n in (1, 2, 3, 6, 12) if months // n < most), 12 * (months // (12 * most) + 1))
    ticks: list[tuple[float, str]] = []
    for n in range(0, months + 1, step):
        total = first.month - 1 + n
        year, month = first.year + total // 12, total % 12 + 1
        start = date(year, month, 1)
        new_year = not ticks or year != first.year + (total - step) // 12
        ticks.append((epoch(start), start.strftime("%b %Y" if new_year else "%b")))
    return ticks


@dataclass(frozen=True)
class Hit:
    """A rectangle in the plot's data coordinates, what hovering it says and which list clicking it opens,
    filtered to what the rectangle counts."""

    x0: float
    x1: float
    y0: float
    y1: float
    tooltip: str
    link: ListLink | None

    def contains(self, x: float, y: float) -> bool:
        return min(self.x0, self.x1) <= x <= max(self.x0, self.x1) and min(self.y0, self.y1) <= y <= max(
            self.y0, self.y1
        )


class ChartTableModel(QAbstractTableModel):
    """The numbers a chart draws, as text cells: its "show as table" view, for screen readers and for checking."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()

    def set_rows(self, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
        self.beginResetModel()
        self._headers, self._rows = headers, rows
        self.endResetModel()

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        return self._rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Amounts, counts and shares line up on the right; names and dates read from the left.
            numeric = _NUMBER.fullmatch(self._rows[index.row()][index.column()]) is not None
            return int(
                (Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
            )
        return None


class ChartPanel(QWidget):
    """A titled chart with "Show as table", "Copy image" and "Export…"; subclasses draw one part of a Dashboard.
    Items are created once and updated with setOpts/setData on each refresh, never rebuilt."""

    sig_list_requested = Signal(object)
    """A bar or point was clicked: (the ListLink of the list it stands for)."""

    title = ""
    money_axis: str | None = None
    """The axis ("left" or "bottom") that carries amounts, if any: its ticks read in the office currency."""
    names_axis = False
    """Whether the left axis names a row per bar (set_names)."""
    empty_text = "Nothing to chart yet."
    """Said above the plot when there is nothing to draw (is_empty), rather than bare axes a user must puzzle over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        axes = {name: ChartAxis(name) for name in ("left", "bottom", "top", "right")}
        if self.money_axis is not None:
            axes[self.money_axis] = MoneyAxis(self.money_axis)
        if self.names_axis:
            axes["left"] = NamesAxis("left")
        # No context menus (the buttons above do their work): asked for at construction, pyqtgraph skips building
        # the view box's menu, a fifth of an empty plot's first render, rather than building and then dropping it.
        self.plot = pg.PlotWidget(enableMenu=False, axisItems=axes)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(PLOT_MIN_HEIGHT)
        self.plot.setAccessibleName(self.tr(self.title))
        self.plot_item: pg.PlotItem = self.plot.getPlotItem()
        for name in ("top", "right"):
            self.plot_item.hideAxis(name)  # axes handed in are shown unless hidden; only left and bottom are used
        # The legend is one line of text above the plot (the plot's title row), not a LegendItem: that was a
        # sample and a label item per entry, laid out in a grid, a seventh of a chart's first render, and it
        # sat over the bars. Each entry is a swatch in the series' colour and fill, and words for both.
        self.legend_entries: list[tuple[str, str, str]] = []
        self.as_at_entry: tuple[str, str, str] | None = None
        self._legend_shown = ("", "")
        self.today: pg.InfiniteLine | None = None
        self.text_colour = QColor("#000000")
        self.hits: list[Hit] = []
        self._axis_labels: dict[str, str] = {}
        self.currency = ""
        self.table_model = ChartTableModel(self)
        self._table: QTableView | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        heading = QLabel(f"<b>{self.tr(self.title)}</b>")
        self.as_table = QToolButton(text=self.tr("Show as table"), checkable=True)
        self.as_table.toggled.connect(self._on_as_table_toggled)
        self.copy_button = QToolButton(text=self.tr("Copy image"))
        self.copy_button.setToolTip(self.tr("Copy the chart to the clipboard, to paste into a briefing"))
        self.copy_button.clicked.connect(self.copy_image)
        self.export_button = QToolButton(text=self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the chart as a PNG or SVG image"))
        self.export_button.clicked.connect(self._on_export_clicked)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        for button in (self.as_table, self.copy_button, self.export_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        self.empty_note = QLabel(self.tr(self.empty_text))
        self.empty_note.setObjectName("chart_empty_note")
        self.empty_note.setVisible(False)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.stack, 1)
        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
        scene.sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self.build()

    # --- for subclasses ----------------------------------------------------------------------------------

    def build(self) -> None:
        """Create the plot items once."""
        raise NotImplementedError

    def draw(self, dash: Dashboard) -> list[Hit]:
        """Update the items from `dash` and say where each bar is."""
        raise NotImplementedError

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """(headers, rows) of the same numbers, as the user reads them."""
        raise NotImplementedError

    def is_empty(self, dash: Dashboard) -> bool:
        """Whether there is nothing to draw: by default, no rows (charts of a fixed set of rows say when all are
        zero)."""
        return self.table_model.rowCount() == 0

    # --- shared -------------------------------------------------------------------------------------------

    @property
    def table(self) -> QTableView:
        """The "show as table" view, made the first time it is asked for: most charts are never shown as a
        table, and building a view for each was part of every chart's first render."""
        if self._table is None:
            table = QTableView()
            table.setModel(self.table_model)
            table.verticalHeader().setVisible(False)
            # Fitted to the text when shown, not on every refresh: a ResizeToContents header measures every
            # cell of a hidden table on each reset, which was half of each chart's first render.
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.setAccessibleName(self.tr("{0} as a table").format(self.tr(self.title)))
            self.stack.addWidget(table)
            self._table = table
        return self._table

    def show_dashboard(self, dash: Dashboard) -> None:
        self.currency = dash.currency
        axis = self.plot_item.getAxis(self.money_axis) if self.money_axis else None
        if isinstance(axis, MoneyAxis) and axis.currency != dash.currency:
            axis.currency = dash.currency
            if self.money_axis == "left":
                # Wide enough for the ticks from the first paint: pyqtgraph widens an axis only after a paint
                # has measured them, and a chart copied before that would show no amounts.
                axis.setWidth(int(QFontMetricsF(axis.font()).horizontalAdvance(f"{dash.currency} 999.99m") + 12))
            axis.picture = None  # its tick text is drawn again in the new currency
            axis.update()
        self.hits = self.draw(dash)
        self._show_legend()
        self.table_model.set_rows(*self.tabulate(dash))
        # isHidden, not isVisible: the chart may not be shown yet (a dashboard scrolled, a page not yet visited).
        if self.empty_note.isHidden() == self.is_empty(dash):
            self.empty_note.setVisible(self.is_empty(dash))
        if self._table is not None and self.stack.currentWidget() is self._table:
            self._table.resizeColumnsToContents()

    def money(self, amount: Decimal) -> str:
        return format_money(amount, currency=self.currency or None)

    def apply_palette(self, palette: QPalette) -> None:
        """Follow the app's light or dark theme: plot background and text from the window's palette."""
        background = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self.plot.setBackground(background)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
        self.text_colour = text
        self._show_legend()

    def set_legend(self, entries: list[tuple[str, str, str]]) -> None:
        """Name the series above the plot: (swatch, colour, words) per entry; the words say the fill as well.
        Shown with the figures (show_dashboard), once, rather than laid out again for every entry and date."""
        self.legend_entries = entries

    @property
    def legend_text(self) -> str:
        """The legend as a user reads it, swatches and words."""
        return "   ".join(f"{swatch} {words}" for swatch, _, words in self._legend())

    def _legend(self) -> list[tuple[str, str, str]]:
        return self.legend_entries + ([self.as_at_entry] if self.as_at_entry else [])

    def _show_legend(self) -> None:
        entries = self._legend()
        text = self.text_colour.name()
        html = "&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{colour}">{swatch}</span>&nbsp;{escape(words)}' for swatch, colour, words in entries
        )
        if not entries or (html, text) == self._legend_shown:
            return  # each setTitle sets the HTML and lays the plot out again
        self._legend_shown = (html, text)
        self.plot_item.setTitle(html, color=text, size="9pt")

    def hit_at(self, x: float, y: float) -> Hit | None:
        return next((hit for hit in self.hits if hit.contains(x, y)), None)

    def scene_point_of(self, x: float, y: float) -> QPointF:
        """Where the data point (x, y) is on the plot's scene (tests click there)."""
        return self.plot_item.vb.mapViewToScene(QPointF(x, y))

    def _data_point(self, scene_pos: QPointF) -> QPointF | None:
        vb = self.plot_item.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        point: QPointF = vb.mapSceneToView(scene_pos)
        return point

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self._data_point(scene_pos)
        hit = self.hit_at(point.x(), point.y()) if point is not None else None
        tip = hit.tooltip if hit is not None else ""
        self.plot.setToolTip(tip)
        if tip:
            QToolTip.showText(QCursor.pos(), tip, self.plot)
        else:
            QToolTip.hideText()

    def _on_scene_mouse_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._data_point(event.scenePos())
        hit = self.hit_at(point.x(), point.y()) if point is not None else None
        if hit is not None and hit.link is not None:
            self.sig_list_requested.emit(hit.link)

    def _on_as_table_toggled(self, checked: bool) -> None:
        self.stack.setCurrentWidget(self.table if checked else self.plot)
        if checked:
            self.table.resizeColumnsToContents()
        self.as_table.setText(self.tr("Show as chart") if checked else self.tr("Show as table"))

    def copy_image(self) -> None:
        QApplication.clipboard().setImage(self.plot.grab().toImage())

    def export_image(self, path: Path) -> Path:
        """Write the chart to `path`: SVG for a .svg name, otherwise a PNG (pyqtgraph's exporters)."""
        if path.suffix.lower() == ".svg":
            # Qt's own generator: pyqtgraph 0.14's SVGExporter fails to parse the paths Qt 6 writes for symbols.
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(self.plot.size())
            generator.setViewBox(self.plot.rect())
            generator.setTitle(self.tr(self.title))
            painter = QPainter(generator)
            self.plot.render(painter)
            painter.end()
        else:
            exporter = ImageExporter(self.plot_item)
            exporter.parameters()["width"] = max(800, int(self.plot.width()))
            exporter.export(str(path.with_suffix(".png") if path.suffix.lower() != ".png" else path))
        return path

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export chart"), f"{self.tr(self.title)}.png", self.tr("PNG image (*.png);;SVG image (*.svg)")
        )
        if name:
            self.export_image(Path(name))

    def add_bars(self, name: str, colour: str, *, hatched: bool = False, **geometry: Any) -> pg.BarGraphItem:
        """A bar series drawn in `colour`, hatched for the second of a pair, named in the legend."""
        pattern = SECOND_PATTERN if hatched else Qt.BrushStyle.SolidPattern
        item = pg.BarGraphItem(brush=QBrush(QColor(colour), pattern), pen=pg.mkPen(colour), **geometry)
        self.plot_item.addItem(item)
        self.set_legend([*self.legend_entries, (HATCHED_SWATCH if hatched else SOLID_SWATCH, colour, name)])
        return item

    def set_names(self, names: list[str], suffixes: list[str] | None = None) -> None:
        """Name each row on the left axis: the axis widens to the longest name up to LABEL_AXIS_MAX_WIDTH, and a
        name longer than that is cut short with "…" (its start tells rows apart), keeping its `suffix` whole."""
        axis = self.plot_item.getAxis("left")
        metrics = QFontMetricsF(axis.font())
        ends = suffixes or [""] * len(names)
        room = LABEL_AXIS_MAX_WIDTH - 12
        labels = [
            metrics.elidedText(name, Qt.TextElideMode.ElideRight, room - metrics.horizontalAdvance(end)) + end
            for name, end in zip(names, ends, strict=True)
        ]
        widths = [metrics.horizontalAdvance(label) + 2 for label in labels]
        width = int(min(LABEL_AXIS_MAX_WIDTH, max([LABEL_AXIS_WIDTH, *(w + 12 for w in widths)])))
        if axis.fixedWidth != width:  # each setWidth lays the plot out again
            axis.setWidth(width)
        self.set_ticks("left", labels)  # the tick marks
        if isinstance(axis, NamesAxis):
            axis.set_names([(float(i), label, w) for i, (label, w) in enumerate(zip(labels, widths, strict=True))])

    def add_as_at_line(self) -> pg.InfiniteLine:
        """A dotted upright line at the as-at date, named in the legend: a label on the line itself was a text
        item of its own to build, and it sat over the bars."""
        line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(OKABE_ITO["grey"], width=2, style=Qt.PenStyle.DotLine)
        )
        self.plot_item.addItem(line)
        return line

    def show_as_at(self, as_at: date) -> None:
        if self.today is not None:
            self.today.setValue(epoch(as_at))
        entry = ("\u250a", OKABE_ITO["grey"], self.tr("as at {0} (dotted)").format(as_at.isoformat()))
        self.as_at_entry = entry

    def fit_rows(self, rows: int) -> None:
        """Give each named row room on the axis: the plot grows past its usual height with the rows."""
        self.plot.setMinimumHeight(max(PLOT_MIN_HEIGHT, ROW_HEIGHT * rows + 60))

    def set_bar_range(self, bars: int, top: float, *, counts: bool = False) -> None:
        """Show `bars` columns and heights up to `top`, set once rather than fitted: pyqtgraph's auto-range fits
        on paint, a pass over every item's bounds. Counts are ticked in whole numbers (no "1.5 actions")."""
        self.plot_item.setRange(xRange=(-0.6, max(bars, 1) - 0.4), yRange=(0.0, max(top, 1.0) * 1.05), padding=0)
        if counts:
            step = next(n * 10**e for e in range(12) for n in (1, 2, 5) if top / (n * 10**e) <= 6)
            if self._axis_labels.get("step:left") != str(step):
                self._axis_labels["step:left"] = str(step)
                self.plot_item.getAxis("left").setTickSpacing(levels=[(step, 0)])

    def set_axis_label(self, axis: str, text: str) -> None:
        """Label an axis, only when its text changes: each setLabel lays the plot out again."""
        if self._axis_labels.get(axis) != text:
            self._axis_labels[axis] = text
            self.plot_item.setLabel(axis, text)

    def set_ticks(self, axis: str, labels: list[str]) -> None:
        """Name the bars along an axis, again only when the names change (a new date rarely changes them)."""
        self.set_tick_positions(axis, [(float(i), label) for i, label in enumerate(labels)])

    def set_tick_positions(self, axis: str, ticks: list[tuple[float, str]]) -> None:
        """Label an axis at the given positions (dates on a time axis), only when they change."""
        key = f"ticks:{axis}"
        text = repr(ticks)
        if self._axis_labels.get(key) != text or not ticks:
            self._axis_labels[key] = text
            self.plot_item.getAxis(axis).setTicks([ticks])


# Brushes and outlines are made once per colour and fill in a process, not again for every bar on every refresh.
@cache
def _brush(colour: str, pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern) -> QBrush:
    return QBrush(QColor(colour), pattern)


@cache
def _outline(colour: str) -> QPen:
    return pg.mkPen(QColor(colour).darker(150), width=1)


def _brushes(colours: list[str], pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern) -> list[QBrush]:
    return [_brush(colour, pattern) for colour in colours]


def _pens(colours: list[str]) -> list[QPen] | None:
    # pyqtgraph 0.14 fails on an empty list of pens (it reads the loop variable after the loop): None, no bars.
    return [_outline(colour) for colour in colours] or None


class BudgetByForumChart(ChartPanel):
    """Revised budget (solid) against actual to date (hatched) per forum, coloured and labelled by priority.
    Horizontal, so that forum names and priorities read in full on the left axis."""

    title = "Revised budget and actual by forum"
    empty_text = "No budget lines in this fiscal year yet."
    names_axis = True
    height = 0.38
    money_axis = "bottom"

    def build(self) -> None:
        self.revised = pg.BarGraphItem(x0=[], x1=[], y=[], height=self.height)
        self.actual = pg.BarGraphItem(x0=[], x1=[], y=[], height=self.height)
        self.plot_item.addItem(self.revised)
        self.plot_item.addItem(self.actual)
        self.plot_item.invertY(True)  # the largest budget at the top
        self.plot_item.getAxis("left").setWidth(LABEL_AXIS_WIDTH)
        self.plot_item.disableAutoRange()
        grey = OKABE_ITO["grey"]
        self.set_legend(
            [
                (SOLID_SWATCH, grey, self.tr("Revised budget (solid)")),
                (HATCHED_SWATCH, grey, self.tr("Actual to date (hatched)")),
                ("", grey, self.tr("colour: priority")),
            ]
        )

    def draw(self, dash: Dashboard) -> list[Hit]:
        bars = dash.budget_by_forum
        ys = list(range(len(bars)))
        colours = [PRIORITY_COLOURS.get(b.priority, OKABE_ITO["grey"]) for b in bars]
        zeros = [0.0] * len(bars)
        revised = [float(b.revised) for b in bars]
        actual = [float(b.actual_to_date) for b in bars]
        self.revised.setOpts(
            x0=zeros, x1=revised, y=[y - self.height / 2 for y in ys], brushes=_brushes(colours), pens=_pens(colours)
        )
        self.actual.setOpts(
            x0=zeros,
            x1=actual,
            y=[y + self.height / 2 for y in ys],
            brushes=_brushes(colours, SECOND_PATTERN),
            pens=_pens(colours),
        )
        self.set_names([b.label for b in bars], [f" · {self.tr(b.priority)}" for b in bars])
        self.fit_rows(len(bars))
        hits = []
        for y, b in zip(ys, bars, strict=True):
            tip = self.tr("{0} ({1} priority)\nRevised budget: {2}\nActual to date: {3}").format(
                b.label, self.tr(b.priority), self.money(b.revised), self.money(b.actual_to_date)
            )
            right = max(float(b.revised), float(b.actual_to_date))
            hits.append(Hit(0, right, y - self.height, y + self.height, tip, b.link))
        top = max(revised + actual + [1.0])
        self.plot_item.setRange(xRange=(0.0, top * 1.05), yRange=(-0.6, max(len(bars), 1) - 0.4), padding=0)
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (self.tr("Forum"), self.tr("Priority"), self.tr("Revised budget"), self.tr("Actual to date"))
        rows = tuple(
            (b.label, self.tr(b.priority), self.money(b.revised), self.money(b.actual_to_date))
            for b in dash.budget_by_forum
        )
        return headers, rows


class CumulativeSpendChart(ChartPanel):
    """Cumulative actual against the phased plan, month by month over the fiscal year, with the as-at date."""

    title = "Cumulative spend against the phased plan"
    empty_text = "No spend planned or made in this fiscal year yet."
    money_axis = "left"

    def build(self) -> None:
        # Bare curves and one scatter for every marker: a PlotDataItem with symbols is a curve plus a scatter of
        # its own, and built, laid out and painted two of each.
        self.planned = pg.PlotCurveItem(pen=pg.mkPen(OKABE_ITO["blue"], width=2, style=Qt.PenStyle.DashLine))
        self.actual = pg.PlotCurveItem(pen=pg.mkPen(OKABE_ITO["vermillion"], width=2))
        self.markers = pg.ScatterPlotItem(pen=None)
        for item in (self.planned, self.actual, self.markers):
            self.plot_item.addItem(item)
        self.today = self.add_as_at_line()
        self.plot_item.disableAutoRange()  # the year's months fix the range: no fitting pass over the data
        self.set_legend(
            [
                ("- -\u25a0", OKABE_ITO["blue"], self.tr("Phased plan (dashed, squares)")),
                (f"{LINE_SWATCH}\u25cf", OKABE_ITO["vermillion"], self.tr("Actual (solid, circles)")),
            ]
        )

    def draw(self, dash: Dashboard) -> list[Hit]:
        months = dash.spend_by_month
        xs = [epoch(m.month_start) for m in months]
        planned = [float(m.cumulative_planned) for m in months]
        self.planned.setData(xs, planned)
        # Actual only for the months begun: later months have none yet, and a flat line would read as "no spend".
        shown = months[: dash.months_elapsed]
        actual = [float(m.cumulative_actual) for m in shown]
        self.actual.setData(xs[: len(shown)], actual)
        self.markers.setData(
            x=xs + xs[: len(shown)],
            y=planned + actual,
            symbol=["s"] * len(planned) + ["o"] * len(actual),
            size=[6] * len(planned) + [7] * len(actual),
            brush=[pg.mkBrush(OKABE_ITO["blue"])] * len(planned) + [pg.mkBrush(OKABE_ITO["vermillion"])] * len(actual),
        )
        self.show_as_at(dash.as_at)
        if months:
            self.set_tick_positions("bottom", month_ticks(months[0].month_start, months[-1].month_start))
        day = 86400.0
        top = max([float(m.cumulative_planned) for m in months] + [float(m.cumulative_actual) for m in months] + [1.0])
        hits = []
        for x, m in zip(xs, months, strict=True):
            tip = self.tr("{0}\nPlanned to the end of the month: {1}\nActual to the end of the month: {2}").format(
                m.label, self.money(m.cumulative_planned), self.money(m.cumulative_actual)
            )
            hits.append(Hit(x, x + 28 * day, 0, top, tip, dash.tile_links.get("spend")))
        # Half a month either side: an axis drops a tick label that would overhang its ends.
        left, right = (xs[0] - 16 * day, xs[-1] + 16 * day) if xs else (0.0, 1.0)
        self.plot_item.setRange(xRange=(left, right), yRange=(0.0, top), padding=0.03)
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (
            self.tr("Month"),
            self.tr("Planned"),
            self.tr("Actual"),
            self.tr("Cumulative planned"),
            self.tr("Cumulative actual"),
        )
        rows = tuple(
            (
                m.label,
                self.money(m.planned),
                self.money(m.actual),
                self.money(m.cumulative_planned),
                self.money(m.cumulative_actual),
            )
            for m in dash.spend_by_month
        )
        return headers, rows

    def is_empty(self, dash: Dashboard) -> bool:
        return not any(m.cumulative_planned or m.cumulative_actual for m in dash.spend_by_month)


def _quarter_label(q: int | None) -> str:
    if q is None:
        return "No review date"
    return {0: "Earlier", 5: "Later"}.get(q, f"Q{q}")


class CommitmentsChart(ChartPanel):
    """Open commitments stacked by status over the quarter of their next review."""

    title = "Commitments by status and review quarter"
    empty_text = "No commitments yet."
    columns = (0, 1, 2, 3, 4, 5, None)
    # Each status's fill, and the swatch and word the legend gives it: colour is never the only difference.
    fills = (
        (Qt.BrushStyle.SolidPattern, SOLID_SWATCH, "solid"),
        (SECOND_PATTERN, HATCHED_SWATCH, "hatched"),
        (Qt.BrushStyle.Dense4Pattern, "\u2592", "dotted"),
        (Qt.BrushStyle.CrossPattern, "\u25a6", "crossed"),
    )

    def build(self) -> None:
        # One item for every status's bars, each bar with its own brush: an item per status was built, laid out
        # and painted once each.
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.plot_item.addItem(self.bars)
        self.plot_item.disableAutoRange()
        self.set_ticks("bottom", [self.tr(_quarter_label(q)) for q in self.columns])
        self.set_axis_label("left", self.tr("Commitments"))

    def draw(self, dash: Dashboard) -> list[Hit]:
        statuses = list(dict.fromkeys(c.status for c in dash.commitments))
        base = [0.0] * len(self.columns)
        xs: list[float] = []
        heights: list[float] = []
        lows: list[float] = []
        colours: list[str] = []
        patterns: list[Qt.BrushStyle] = []
        legend = []
        hits = []
        for i, status in enumerate(statuses):
            colour = STATUS_COLOURS[i % len(STATUS_COLOURS)]
            pattern, swatch, fill = self.fills[i % len(self.fills)]
            legend.append((swatch, colour, f"{status} ({self.tr(fill)})"))
            for cell in dash.commitments:
                if cell.status != status or not cell.count:
                    continue
                x = self.columns.index(cell.quarter)
                low, n = base[x], float(cell.count)
                xs.append(x)
                heights.append(n)
                lows.append(low)
                colours.append(colour)
                patterns.append(pattern)
                tip = self.tr("{0}, review {1}: {2} commitments").format(
                    status, self.tr(_quarter_label(cell.quarter)), cell.count
                )
                hits.append(Hit(x - 0.35, x + 0.35, low, low + n, tip, cell.link))
                base[x] = low + n
        self.bars.setOpts(
            x=xs,
            height=heights,
            y0=lows,
            brushes=[_brush(c, p) for c, p in zip(colours, patterns, strict=True)],
            pens=_pens(colours),
        )
        self.set_legend(legend)
        self.set_bar_range(len(self.columns), max(base), counts=True)
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (self.tr("Status"), self.tr("Review quarter"), self.tr("Commitments"))
        rows = tuple((c.status, self.tr(_quarter_label(c.quarter)), str(c.count)) for c in dash.commitments)
        return headers, rows


class ActionsAgeingChart(ChartPanel):
    """Open actions by days open: on time (solid) with the overdue ones (hatched) stacked above."""

    title = "Open actions by days open"
    empty_text = "No open actions."

    def build(self) -> None:
        self.on_time = self.add_bars(self.tr("Not overdue (solid)"), OKABE_ITO["blue"], x=[], height=[], width=0.7)
        self.overdue = self.add_bars(
            self.tr("Overdue (hatched)"), OKABE_ITO["vermillion"], hatched=True, x=[], height=[], width=0.7
        )
        self.set_ticks("bottom", [self.tr(label) for label, _, _ in AGEING_BUCKETS])
        self.plot_item.setLabel("left", self.tr("Actions"))
        self.plot_item.disableAutoRange()

    def draw(self, dash: Dashboard) -> list[Hit]:
        xs = list(range(len(dash.ageing)))
        on_time = [float(a.on_time) for a in dash.ageing]
        overdue = [float(a.overdue) for a in dash.ageing]
        self.on_time.setOpts(x=xs, height=on_time)
        self.overdue.setOpts(x=xs, height=overdue, y0=on_time)
        self.set_bar_range(len(xs), max([a + b for a, b in zip(on_time, overdue, strict=True)] + [0.0]), counts=True)
        hits = []
        for x, a in zip(xs, dash.ageing, strict=True):
            tip = self.tr("Open {0}: {1} not overdue, {2} overdue").format(self.tr(a.label), a.on_time, a.overdue)
            # The solid part opens the actions not overdue, the hatched part above it the overdue ones.
            hits.append(Hit(x - 0.35, x + 0.35, 0, a.on_time, tip, a.on_time_link))
            hits.append(Hit(x - 0.35, x + 0.35, a.on_time, a.on_time + a.overdue, tip, a.overdue_link))
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (self.tr("Days open"), self.tr("Not overdue"), self.tr("Overdue"))
        return headers, tuple((self.tr(a.label), str(a.on_time), str(a.overdue)) for a in dash.ageing)

    def is_empty(self, dash: Dashboard) -> bool:
        return not any(a.on_time or a.overdue for a in dash.ageing)


class OverdueByAgencyChart(ChartPanel):
    """Overdue actions per owner agency, most first."""

    title = "Overdue actions by owner agency"
    empty_text = "No overdue actions."

    def build(self) -> None:
        self.bars = self.add_bars(
            self.tr("Overdue actions (hatched)"), OKABE_ITO["vermillion"], hatched=True, x=[], height=[], width=0.7
        )
        self.plot_item.setLabel("left", self.tr("Overdue actions"))
        self.plot_item.disableAutoRange()

    def draw(self, dash: Dashboard) -> list[Hit]:
        rows = dash.overdue_by_agency
        xs = list(range(len(rows)))
        self.bars.setOpts(x=xs, height=[float(r.overdue) for r in rows])
        self.set_ticks("bottom", [r.agency for r in rows])
        self.set_bar_range(len(xs), max([float(r.overdue) for r in rows] + [0.0]), counts=True)
        return [
            Hit(
                x - 0.35,
                x + 0.35,
                0,
                r.overdue,
                self.tr("{0}: {1} overdue actions").format(r.agency, r.overdue),
                r.link,
            )
            for x, r in zip(xs, rows, strict=True)
        ]

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (self.tr("Owner agency"), self.tr("Overdue actions"))
        return headers, tuple((r.agency, str(r.overdue)) for r in dash.overdue_by_agency)


class SecondmentsTimelineChart(ChartPanel):
    """One bar per secondment over the year: its original term solid, any extension hatched; the as-at line."""

    title = "Secondments timeline"
    empty_text = "No secondments in this fiscal year."
    names_axis = True

    def build(self) -> None:
        # Terms and extensions are one item, each bar with its own brush: one item fewer to build and paint.
        self.bars = pg.BarGraphItem(x0=[], x1=[], y=[], height=0.6)
        self.plot_item.addItem(self.bars)
        term, extension = OKABE_ITO["green"], OKABE_ITO["orange"]
        self.fills = (QBrush(QColor(term)), QBrush(QColor(extension), SECOND_PATTERN))
        self.outlines = (pg.mkPen(term), pg.mkPen(extension))
        self.set_legend(
            [
                (SOLID_SWATCH, term, self.tr("Term (solid)")),
                (HATCHED_SWATCH, extension, self.tr("Extension (hatched)")),
            ]
        )
        self.today = self.add_as_at_line()
        self.plot_item.invertY(True)  # the earliest start at the top, read like a list
        self.plot_item.getAxis("left").setWidth(LABEL_AXIS_WIDTH)
        self.plot_item.disableAutoRange()

    def draw(self, dash: Dashboard) -> list[Hit]:
        bars = dash.secondments
        ys = list(range(len(bars)))
        extended = [(y, b) for y, b in zip(ys, bars, strict=True) if b.extended]
        self.bars.setOpts(
            x0=[epoch(b.start) for b in bars] + [epoch(b.original_end) for _, b in extended],
            x1=[epoch(min(b.end, b.original_end)) for b in bars] + [epoch(b.end) for _, b in extended],
            y=ys + [y for y, _ in extended],
            brushes=[self.fills[0]] * len(bars) + [self.fills[1]] * len(extended),
            # pyqtgraph 0.14 fails on an empty list of pens: None when there are no bars.
            pens=([self.outlines[0]] * len(bars) + [self.outlines[1]] * len(extended)) or None,
        )
        self.set_names([b.person for b in bars])
        self.fit_rows(len(bars))
        if bars:
            # The range is set from the dates, not fitted to the items: the first month's tick and its year
            # stay in view, and no fitting pass runs over the bars.
            first, last = min(b.start for b in bars), max(max(b.end, dash.as_at) for b in bars)
            # Fewer month names than the spend chart's twelve: the names on the left take a third of the width.
            ticks = month_ticks(first, last, most=8)
            self.set_tick_positions("bottom", ticks)
            # Room either side for half a tick label: an axis drops a label that would overhang its ends.
            left, right = ticks[0][0], epoch(last)
            margin = max(16 * 86400.0, (right - left) / 12)
            self.plot_item.setRange(xRange=(left - margin, right + margin), yRange=(-0.5, len(bars) - 0.5), padding=0)
        self.show_as_at(dash.as_at)
        hits = []
        for y, b in zip(ys, bars, strict=True):
            tip = self.tr("{0} ({1})\n{2} to {3}").format(
                b.person, self.tr(b.status), b.start.isoformat(), b.end.isoformat()
            )
            if b.extended:
                tip += "\n" + self.tr("Extended {0} times from {1}").format(b.extensions, b.original_end.isoformat())
            hits.append(Hit(epoch(b.start), epoch(b.end), y - 0.3, y + 0.3, tip, b.link))
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (
            self.tr("Person"),
            self.tr("Start"),
            self.tr("End"),
            self.tr("Originally ending"),
            self.tr("Extensions"),
            self.tr("Status"),
        )
        rows = tuple(
            (
                b.person,
                b.start.isoformat(),
                b.end.isoformat(),
                b.original_end.isoformat(),
                str(b.extensions),
                self.tr(b.status),
            )
            for b in dash.secondments
        )
        return headers, rows


class PriorityShareChart(ChartPanel):
    """Each forum priority's share of the year's money (solid) and of the staff time now (hatched)."""

    title = "Priority against share of money and staff time"
    empty_text = "No budget or staff time to share out yet."
    width = 0.38

    def build(self) -> None:
        self.money_bars = pg.BarGraphItem(x=[], height=[], width=self.width)
        self.staff_bars = pg.BarGraphItem(x=[], height=[], width=self.width)
        self.plot_item.addItem(self.money_bars)
        self.plot_item.addItem(self.staff_bars)
        self.plot_item.setLabel("left", self.tr("Share (%)"))
        self.plot_item.disableAutoRange()
        grey = OKABE_ITO["grey"]
        self.set_legend(
            [
                (SOLID_SWATCH, grey, self.tr("Share of money (solid)")),
                (HATCHED_SWATCH, grey, self.tr("Share of staff time (hatched)")),
            ]
        )

    def draw(self, dash: Dashboard) -> list[Hit]:
        rows = dash.priorities
        xs = list(range(len(rows)))
        colours = [PRIORITY_COLOURS.get(r.priority, OKABE_ITO["grey"]) for r in rows]
        money = [r.money_share * 100 for r in rows]
        staff = [r.staff_share * 100 for r in rows]
        self.money_bars.setOpts(
            x=[x - self.width / 2 for x in xs], height=money, brushes=_brushes(colours), pens=_pens(colours)
        )
        self.staff_bars.setOpts(
            x=[x + self.width / 2 for x in xs],
            height=staff,
            brushes=_brushes(colours, SECOND_PATTERN),
            pens=_pens(colours),
        )
        self.set_ticks("bottom", [self.tr(r.priority) for r in rows])
        self.set_bar_range(len(xs), max(money + staff + [0.0]))
        hits = []
        for x, r in zip(xs, rows, strict=True):
            tip = self.tr("{0} priority\nMoney: {1} ({2:.1f}%)\nStaff time: {3} FTE ({4:.1f}%)").format(
                self.tr(r.priority), self.money(r.revised), r.money_share * 100, r.fte, r.staff_share * 100
            )
            hits.append(Hit(x - self.width, x + self.width, 0, max(money[x], staff[x]), tip, r.link))
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (
            self.tr("Priority"),
            self.tr("Revised budget"),
            self.tr("Share of money"),
            self.tr("Staff FTE"),
            self.tr("Share of staff time"),
        )
        rows = tuple(
            (
                self.tr(r.priority),
                self.money(r.revised),
                f"{r.money_share * 100:.1f}%",
                f"{r.fte:.2f}",
                f"{r.staff_share * 100:.1f}%",
            )
            for r in dash.priorities
        )
        return headers, rows

    def is_empty(self, dash: Dashboard) -> bool:
        return not any(r.revised or r.fte for r in dash.priorities)


CHART_TYPES: tuple[type[ChartPanel], ...] = (
    BudgetByForumChart,
    CumulativeSpendChart,
    CommitmentsChart,
    ActionsAgeingChart,
    OverdueByAgencyChart,
    PriorityShareChart,
    # Last: it grows with its rows, and on a row of its own it stretches no chart beside it.
    SecondmentsTimelineChart,
)
