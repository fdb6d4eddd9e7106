"""The dashboard's pyqtgraph charts: each draws part of a core Dashboard, shows it as a table, copies, exports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPalette, QPen
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

from core.domain.money import format_money
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        # No context menus (the buttons above do their work): asked for at construction, pyqtgraph skips building
        # the view box's menu, a fifth of an empty plot's first render, rather than building and then dropping it.
        self.plot = pg.PlotWidget(enableMenu=False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(220)
        self.plot.setAccessibleName(self.tr(self.title))
        self.plot_item: pg.PlotItem = self.plot.getPlotItem()
        self.legend = self.plot_item.addLegend(offset=(-10, 10))
        for name in ("left", "bottom"):
            # Amounts in full (3,000,000), not scaled to "x1e+06" in the axis label.
            self.plot_item.getAxis(name).enableAutoSIPrefix(False)
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
        self.hits = self.draw(dash)
        self.table_model.set_rows(*self.tabulate(dash))
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
        self.legend.setLabelTextColor(text)
        self.legend.setBrush(pg.mkBrush(background))
        self.text_colour = text

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
        item = pg.BarGraphItem(brush=QBrush(QColor(colour), pattern), pen=pg.mkPen(colour), name=name, **geometry)
        self.plot_item.addItem(item)
        return item

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


def _brushes(colours: list[str], pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern) -> list[QBrush]:
    return [QBrush(QColor(colour), pattern) for colour in colours]


def _pens(colours: list[str]) -> list[QPen] | None:
    # pyqtgraph 0.14 fails on an empty list of pens (it reads the loop variable after the loop): None, no bars.
    return [pg.mkPen(QColor(colour).darker(150), width=1) for colour in colours] or None


class BudgetByForumChart(ChartPanel):
    """Revised budget (solid) against actual to date (hatched) per forum, coloured and labelled by priority.
    Horizontal, so that forum names and priorities read in full on the left axis."""

    title = "Revised budget and actual by forum"
    height = 0.38

    def build(self) -> None:
        self.revised = pg.BarGraphItem(x0=[], x1=[], y=[], height=self.height, name=self.tr("Revised budget (solid)"))
        self.actual = pg.BarGraphItem(x0=[], x1=[], y=[], height=self.height, name=self.tr("Actual to date (hatched)"))
        self.plot_item.addItem(self.revised)
        self.plot_item.addItem(self.actual)
        self.plot_item.invertY(True)  # the largest budget at the top
        self.plot_item.getAxis("left").setWidth(LABEL_AXIS_WIDTH)

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
        self.set_ticks("left", [f"{b.label} · {self.tr(b.priority)}" for b in bars])
        self.set_axis_label("bottom", self.tr("Amount ({0})").format(dash.currency))
        hits = []
        for y, b in zip(ys, bars, strict=True):
            tip = self.tr("{0} ({1} priority)\nRevised budget: {2}\nActual to date: {3}").format(
                b.label, self.tr(b.priority), self.money(b.revised), self.money(b.actual_to_date)
            )
            right = max(float(b.revised), float(b.actual_to_date))
            hits.append(Hit(0, right, y - self.height, y + self.height, tip, b.link))
        self.plot_item.enableAutoRange()
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

    def build(self) -> None:
        # Bare curves and one scatter for every marker: a PlotDataItem with symbols is a curve plus a scatter of
        # its own, and built, laid out and painted two of each.
        self.planned = pg.PlotCurveItem(
            name=self.tr("Phased plan (dashed, squares)"),
            pen=pg.mkPen(OKABE_ITO["blue"], width=2, style=Qt.PenStyle.DashLine),
        )
        self.actual = pg.PlotCurveItem(
            name=self.tr("Actual (solid, circles)"), pen=pg.mkPen(OKABE_ITO["vermillion"], width=2)
        )
        self.markers = pg.ScatterPlotItem(pen=None)
        for item in (self.planned, self.actual, self.markers):
            self.plot_item.addItem(item)
        self.today = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(OKABE_ITO["grey"], width=1))
        self.today.label = pg.InfLineLabel(self.today, text=self.tr("as at"), position=0.95)
        self.plot_item.addItem(self.today)
        self.plot_item.disableAutoRange()  # the year's months fix the range: no fitting pass over the data

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
        self.today.setValue(epoch(dash.as_at))
        self.today.label.setFormat(self.tr("as at {0}").format(dash.as_at.isoformat()))
        self.set_axis_label("left", self.tr("Cumulative ({0})").format(dash.currency))
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


def _quarter_label(q: int | None) -> str:
    if q is None:
        return "No review date"
    return {0: "Earlier", 5: "Later"}.get(q, f"Q{q}")


class CommitmentsChart(ChartPanel):
    """Open commitments stacked by status over the quarter of their next review."""

    title = "Commitments by status and review quarter"
    columns = (0, 1, 2, 3, 4, 5, None)

    def build(self) -> None:
        self.stacks: dict[str, pg.BarGraphItem] = {}

    def _stack_item(self, status: str, colour: str, pattern: Qt.BrushStyle) -> pg.BarGraphItem:
        item = self.stacks.get(status)
        if item is None:
            # A status seen for the first time gets its item once; later refreshes only update it.
            item = pg.BarGraphItem(
                x=[], height=[], width=0.7, brush=QBrush(QColor(colour), pattern), pen=pg.mkPen(colour), name=status
            )
            self.stacks[status] = item
            self.plot_item.addItem(item)
        return item

    def draw(self, dash: Dashboard) -> list[Hit]:
        statuses = list(dict.fromkeys(c.status for c in dash.commitments))
        base = [0.0] * len(self.columns)
        hits = []
        patterns = (Qt.BrushStyle.SolidPattern, SECOND_PATTERN, Qt.BrushStyle.Dense4Pattern, Qt.BrushStyle.CrossPattern)
        for i, status in enumerate(statuses):
            counts = [0.0] * len(self.columns)
            links: dict[int, ListLink | None] = {}
            for cell in dash.commitments:
                if cell.status == status:
                    counts[self.columns.index(cell.quarter)] = float(cell.count)
                    links[self.columns.index(cell.quarter)] = cell.link
            item = self._stack_item(status, STATUS_COLOURS[i % len(STATUS_COLOURS)], patterns[i % len(patterns)])
            item.setOpts(x=list(range(len(self.columns))), height=counts, y0=list(base))
            for x, (low, n) in enumerate(zip(base, counts, strict=True)):
                if n:
                    tip = self.tr("{0}, review {1}: {2} commitments").format(
                        status, self.tr(_quarter_label(self.columns[x])), int(n)
                    )
                    hits.append(Hit(x - 0.35, x + 0.35, low, low + n, tip, links.get(x)))
            base = [b + n for b, n in zip(base, counts, strict=True)]
        for status, item in self.stacks.items():
            if status not in statuses:
                item.setOpts(x=[], height=[], y0=[])
        self.set_ticks("bottom", [self.tr(_quarter_label(q)) for q in self.columns])
        self.set_axis_label("left", self.tr("Commitments"))
        self.plot_item.enableAutoRange()
        return hits

    def tabulate(self, dash: Dashboard) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        headers = (self.tr("Status"), self.tr("Review quarter"), self.tr("Commitments"))
        rows = tuple((c.status, self.tr(_quarter_label(c.quarter)), str(c.count)) for c in dash.commitments)
        return headers, rows


class ActionsAgeingChart(ChartPanel):
    """Open actions by days open: on time (solid) with the overdue ones (hatched) stacked above."""

    title = "Open actions by days open"

    def build(self) -> None:
        self.on_time = self.add_bars(self.tr("Not overdue (solid)"), OKABE_ITO["blue"], x=[], height=[], width=0.7)
        self.overdue = self.add_bars(
            self.tr("Overdue (hatched)"), OKABE_ITO["vermillion"], hatched=True, x=[], height=[], width=0.7
        )
        self.set_ticks("bottom", [self.tr(label) for label, _, _ in AGEING_BUCKETS])
        self.plot_item.setLabel("left", self.tr("Actions"))

    def draw(self, dash: Dashboard) -> list[Hit]:
        xs = list(range(len(dash.ageing)))
        on_time = [float(a.on_time) for a in dash.ageing]
        overdue = [float(a.overdue) for a in dash.ageing]
        self.on_time.setOpts(x=xs, height=on_time)
        self.overdue.setOpts(x=xs, height=overdue, y0=on_time)
        self.plot_item.enableAutoRange()
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


class OverdueByAgencyChart(ChartPanel):
    """Overdue actions per owner agency, most first."""

    title = "Overdue actions by owner agency"

    def build(self) -> None:
        self.bars = self.add_bars(
            self.tr("Overdue actions (hatched)"), OKABE_ITO["vermillion"], hatched=True, x=[], height=[], width=0.7
        )
        self.plot_item.setLabel("left", self.tr("Overdue actions"))

    def draw(self, dash: Dashboard) -> list[Hit]:
        rows = dash.overdue_by_agency
        xs = list(range(len(rows)))
        self.bars.setOpts(x=xs, height=[float(r.overdue) for r in rows])
        self.set_ticks("bottom", [r.agency for r in rows])
        self.plot_item.enableAutoRange()
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

    def build(self) -> None:
        self.terms = self.add_bars(self.tr("Term (solid)"), OKABE_ITO["green"], x0=[], x1=[], y=[], height=0.6)
        self.extensions = self.add_bars(
            self.tr("Extension (hatched)"), OKABE_ITO["orange"], hatched=True, x0=[], x1=[], y=[], height=0.6
        )
        self.today = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(OKABE_ITO["grey"], width=1))
        self.today.label = pg.InfLineLabel(self.today, text=self.tr("as at"), position=0.95)
        self.plot_item.addItem(self.today)
        self.plot_item.invertY(True)  # the earliest start at the top, read like a list
        self.plot_item.getAxis("left").setWidth(LABEL_AXIS_WIDTH)
        self.plot_item.disableAutoRange()

    def draw(self, dash: Dashboard) -> list[Hit]:
        bars = dash.secondments
        ys = list(range(len(bars)))
        term_end = [epoch(min(b.end, b.original_end)) for b in bars]
        self.terms.setOpts(x0=[epoch(b.start) for b in bars], x1=term_end, y=ys)
        extended = [(y, b) for y, b in zip(ys, bars, strict=True) if b.extended]
        self.extensions.setOpts(
            x0=[epoch(b.original_end) for _, b in extended],
            x1=[epoch(b.end) for _, b in extended],
            y=[y for y, _ in extended],
        )
        self.set_ticks("left", [b.person for b in bars])
        if bars:
            # The range is set from the dates, not fitted to the items: the first month's tick and its year
            # stay in view, and no fitting pass runs over the bars.
            first, last = min(b.start for b in bars), max(max(b.end, dash.as_at) for b in bars)
            ticks = month_ticks(first, last)
            self.set_tick_positions("bottom", ticks)
            # Room either side for half a tick label: an axis drops a label that would overhang its ends.
            left, right = ticks[0][0], epoch(last)
            margin = max(16 * 86400.0, (right - left) / 12)
            self.plot_item.setRange(xRange=(left - margin, right + margin), yRange=(-0.5, len(bars) - 0.5), padding=0)
        self.today.setValue(epoch(dash.as_at))
        self.today.label.setFormat(self.tr("as at {0}").format(dash.as_at.isoformat()))
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
    width = 0.38

    def build(self) -> None:
        self.money_bars = pg.BarGraphItem(x=[], height=[], width=self.width, name=self.tr("Share of money (solid)"))
        self.staff_bars = pg.BarGraphItem(
            x=[], height=[], width=self.width, name=self.tr("Share of staff time (hatched)")
        )
        self.plot_item.addItem(self.money_bars)
        self.plot_item.addItem(self.staff_bars)
        self.plot_item.setLabel("left", self.tr("Share (%)"))

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
        self.plot_item.enableAutoRange()
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


CHART_TYPES: tuple[type[ChartPanel], ...] = (
    BudgetByForumChart,
    CumulativeSpendChart,
    CommitmentsChart,
    ActionsAgeingChart,
    OverdueByAgencyChart,
    SecondmentsTimelineChart,
    PriorityShareChart,
)
