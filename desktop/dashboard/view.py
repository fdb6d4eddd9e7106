"""The dashboard page: fiscal year and as-at date, KPI tiles and charts, each clicking through to a filtered list.

The app opens on this page, so its shell (controls and tiles) imports no pyqtgraph: the charts are built on first
use or, when `defer_charts` is set (as the main window does), once the tiles have their first figures on screen:
importing pyqtgraph and building seven plots holds the GUI thread for longer than the figures take."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.money import format_money
from desktop.theme import theme_controller

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.dashboard import Dashboard, Kpis
    from core.reports.list_filters import ListLink
    from desktop.dashboard.charts import ChartPanel
    from desktop.jobs import JobRunner

__all__ = ["DashboardView", "KpiTile"]

# Fiscal years offered around the current one: three back (the demo's history) and the next (its plan).
YEARS_BACK, YEARS_AHEAD = 3, 1


class KpiTile(QToolButton):
    """A big number with its meaning in words; clicking it opens the list it counts."""

    def __init__(self, key: str, entity: str, *, minimum_height: int = 72) -> None:
        super().__init__()
        self.setObjectName(f"tile_{key}")
        self.key, self.entity = key, entity
        self.link: ListLink | None = None  # set with the figures; until then (or with none) the whole list
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(minimum_height)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)

    def show_figure(self, headline: str, detail: str) -> None:
        self.setText(f"{headline}\n{detail}")
        self.setAccessibleName(f"{headline}. {detail}")


class DashboardView(QWidget):
    sig_list_requested = Signal(object)
    """A tile or chart asked for a list: (a ListLink: the list, filtered to what was clicked)."""

    sig_refreshed = Signal()
    """New figures are on screen."""

    sig_charts_built = Signal()
    """The charts exist (pyqtgraph is loaded) and show the latest figures, if any."""

    sig_first_figures = Signal()
    """The first figures (or the message saying why there are none) are being shown; emitted once."""

    def __init__(
        self,
        db: Database,
        jobs: JobRunner,
        parent: QWidget | None = None,
        *,
        as_at: date | None = None,
        defer_charts: bool = False,
    ) -> None:
        super().__init__(parent)
        from core.services.office import load_settings

        self.db, self.jobs = db, jobs
        self.dashboard: Dashboard | None = None
        self._generation = 0
        with db.read() as session:
            self.calendar = load_settings(session).calendar
        today = as_at or date.today()
        current = self.calendar.fiscal_year_of(today)
        # The figures are asked for before the widgets are built, which then happens while the worker's queries run
        # (SQLite lets go of Python's lock while it reads). Their answer comes through the event loop, after this
        # constructor; a synchronous runner (tests) would answer at once, so it is asked at the end.
        early = not jobs.synchronous
        if early:
            self._compute(current, today)
        self.year = QComboBox()
        self.year.setAccessibleName(self.tr("Fiscal year"))
        for fy in range(current - YEARS_BACK, current + YEARS_AHEAD + 1):
            self.year.addItem(self.calendar.label(fy), fy)
        self.year.setCurrentIndex(YEARS_BACK)
        self._as_at_year = current  # the fiscal year of the as-at date, to tell when a new date leaves it
        self.as_at = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_at.setCalendarPopup(True)
        self.as_at.setDisplayFormat("yyyy-MM-dd")
        self.as_at.setAccessibleName(self.tr("As at"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.agency_button = QPushButton(self.tr("Agency view…"))
        self.agency_button.setToolTip(self.tr("What one agency owes before the meeting"))
        self.agency_dialog: QWidget | None = None
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Dashboard status"))
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Fiscal year")))
        controls.addWidget(self.year)
        controls.addWidget(QLabel(self.tr("As at")))
        controls.addWidget(self.as_at)
        controls.addWidget(self.refresh_button)
        controls.addWidget(self.status, 1)
        controls.addWidget(self.agency_button)

        self.tiles = {
            "spend": KpiTile("spend", "budget"),
            "actions": KpiTile("actions", "actions"),
            "secondments": KpiTile("secondments", "secondments"),
            "commitments": KpiTile("commitments", "commitments"),
            "meeting": KpiTile("meeting", "meetings"),
            # The alerts, each under the tile it belongs with, so that each figure opens its own list.
            "briefings": KpiTile("briefings", "events", minimum_height=44),
            "secondment_alerts": KpiTile("secondment_alerts", "secondments", minimum_height=44),
        }
        self.tiles["secondment_alerts"].setToolTip(
            self.tr("A clearance expiring, a declaration missing, a review or a checklist item due")
        )
        tile_row = QGridLayout()
        under = {"briefings": 1, "secondment_alerts": 2}  # the columns of actions and secondments
        for column, (key, tile) in enumerate(self.tiles.items()):
            tile.clicked.connect(lambda _checked=False, t=tile: self._on_tile_clicked(t))
            if key in under:
                tile_row.addWidget(tile, 1, under[key])
            else:
                tile_row.addWidget(tile, 0, column)

        self._charts: list[ChartPanel] | None = None
        self._columns = 2
        self._grid = QGridLayout()
        self._charts_pending = QLabel(self.tr("Drawing the charts…"))
        self._charts_pending.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._grid.addWidget(self._charts_pending, 0, 0, 1, 2)
        charts = QWidget()
        charts.setLayout(self._grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(tile_row)
        layout.addWidget(scroll, 1)

        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme_controller(app).sig_theme_changed.connect(self._on_theme_changed)
        self._on_theme_changed()
        self.year.currentIndexChanged.connect(self.refresh)
        self.as_at.dateChanged.connect(self._on_as_at_date_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.agency_button.clicked.connect(self.show_agency_view)
        self._charts_after_figures = defer_charts
        self.first_figures_shown = False
        if early:
            self.status.setText(self.tr("Updating…"))
        else:
            self.refresh()
        if not defer_charts:
            self.build_charts()

    @property
    def charts(self) -> list[ChartPanel]:
        """The chart panels, built now if they were not yet."""
        return self.build_charts()

    @property
    def charts_built(self) -> bool:
        return self._charts is not None

    def build_charts(self) -> list[ChartPanel]:
        """Import pyqtgraph and create every chart once, drawing the figures already computed."""
        if self._charts is not None:
            return self._charts
        from desktop.dashboard.charts import CHART_TYPES

        self._charts = [chart_type() for chart_type in CHART_TYPES]
        self._grid.removeWidget(self._charts_pending)
        self._charts_pending.deleteLater()
        for chart in self._charts:
            chart.sig_list_requested.connect(self.sig_list_requested)
            chart.apply_palette(QApplication.palette(self))
            if self.dashboard is not None:
                chart.show_dashboard(self.dashboard)
        self._place_charts()
        self.sig_charts_built.emit()
        return self._charts

    def _chart_columns(self) -> int:
        """Two columns of charts where two fit side by side, else one: no sideways scrolling on a laptop."""
        if not self._charts:
            return 2
        panel = max(chart.minimumSizeHint().width() for chart in self._charts)
        spacing = self._grid.horizontalSpacing() + 40  # the grid's margins and the scroll bar
        return 2 if self.width() >= 2 * panel + spacing else 1

    def _place_charts(self) -> None:
        columns = self._chart_columns()
        self._columns = columns
        for i, chart in enumerate(self._charts or ()):
            self._grid.removeWidget(chart)
            self._grid.addWidget(chart, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._charts and self._chart_columns() != self._columns:
            self._place_charts()

    def show_agency_view(self) -> QWidget:
        from desktop.dashboard.agency import AgencyViewDialog

        currency = self.dashboard.currency if self.dashboard is not None else ""
        dialog = AgencyViewDialog(self.db, self.as_at_date, currency, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.agency_dialog = dialog
        return dialog

    @property
    def fiscal_year(self) -> int:
        fy: int = self.year.currentData()
        return fy

    @property
    def as_at_date(self) -> date:
        d = self.as_at.date()
        return date(d.year(), d.month(), d.day())

    def _on_as_at_date_changed(self) -> None:
        # A date moved into another fiscal year means that year's figures: move the selector with it (one refresh,
        # not two). Within the same year a year the user chose (last year's figures as at today) stays.
        fy = self.calendar.fiscal_year_of(self.as_at_date)
        if fy != self._as_at_year and fy != self.fiscal_year:
            index = self.year.findData(fy)
            if index < 0:  # outside the years offered: offer it, in order
                years = [self.year.itemData(i) for i in range(self.year.count())]
                index = sum(1 for year in years if year < fy)
                self.year.insertItem(index, self.calendar.label(fy), fy)
            blocked = self.year.blockSignals(True)
            self.year.setCurrentIndex(index)
            self.year.blockSignals(blocked)
        self._as_at_year = fy
        self.refresh()

    def chart(self, chart_type: type[ChartPanel]) -> ChartPanel:
        return next(c for c in self.charts if isinstance(c, chart_type))

    def refresh(self) -> None:
        """Compute the figures on a worker thread; only the newest request's answer is shown."""
        self.status.setText(self.tr("Updating…"))
        self._compute(self.fiscal_year, self.as_at_date)

    def _compute(self, fy: int, as_at: date) -> None:
        from core.reports.dashboard import build_dashboard

        self._generation += 1
        generation, db = self._generation, self.db

        def work(*_job: Any) -> Dashboard:
            with db.read() as session:
                return build_dashboard(session, fy, as_at)

        self.jobs.run(
            work,
            on_finished=lambda dash: self._on_job_finished(generation, dash),
            on_failed=lambda message, _details: self._on_job_failed(message),
        )

    def _on_job_failed(self, message: str) -> None:
        self.status.setText(message)
        self._build_charts_after_this_frame()

    def _build_charts_after_this_frame(self) -> None:
        """The first figures (or their failure) are being shown: the charts follow once they have painted."""
        if not self.first_figures_shown:
            self.first_figures_shown = True
            self.sig_first_figures.emit()
        if self._charts_after_figures:
            self._charts_after_figures = False
            from desktop.app import after_first_frame

            after_first_frame(self, self.build_charts)

    def _on_job_finished(self, generation: int, dash: Dashboard) -> None:
        if generation != self._generation:
            return  # the user chose another year or date meanwhile
        self.show_dashboard(dash)

    def show_dashboard(self, dash: Dashboard) -> None:
        self.dashboard = dash
        for key, tile in self.tiles.items():
            tile.link = dash.tile_links.get(key)
        self._show_tiles(dash.kpis, dash.currency)
        for chart in self._charts or ():
            chart.show_dashboard(dash)
        self.status.setText(self.tr("{0} as at {1}").format(dash.fiscal_year_label, dash.as_at.isoformat()))
        self.sig_refreshed.emit()
        self._build_charts_after_this_frame()

    def _on_tile_clicked(self, tile: KpiTile) -> None:
        from core.reports.list_filters import ListFilter, ListLink

        self.sig_list_requested.emit(tile.link or ListLink(tile.entity, ListFilter("", ())))

    def _show_tiles(self, k: Kpis, currency: str) -> None:
        def money(amount: Any) -> str:
            return format_money(amount, currency=currency or None)

        self.tiles["spend"].show_figure(
            self.tr("Spent {0}").format(money(k.spend_to_date)),
            # The currency once, in the headline; short lines keep the row of tiles within a laptop's width.
            self.tr("of {0}\nplanned to date").format(format_money(k.planned_to_date)),
        )
        self.tiles["actions"].show_figure(
            # The words of the list's chip ("Not closed": open, in progress or deferred), and overdue *actions*: the
            # due-soon panel's overdue count takes in milestones and reviews as well.
            self.tr("Actions not closed: {0}").format(k.open_actions),
            self.tr("Overdue actions: {0}").format(k.overdue_actions),
        )
        self.tiles["briefings"].show_figure(
            self.tr("{0} briefings due").format(k.briefings_due),
            self.tr("within {0} days, or late").format(k.alert_days),
        )
        self.tiles["secondments"].show_figure(
            self.tr("Secondments: {0} active").format(k.active_secondments),
            self.tr("{0} ending within {1} days").format(k.secondments_ending_soon, k.alert_days),
        )
        self.tiles["secondment_alerts"].show_figure(
            self.tr("{0} with other alerts").format(k.secondments_with_alerts),
            self.tr("besides their end"),
        )
        self.tiles["commitments"].show_figure(
            self.tr("Commitments: {0} overdue").format(k.commitments_overdue),
            self.tr("{0} at risk").format(k.commitments_at_risk),
        )
        if k.next_meeting_date is None or k.pack_deadline is None or k.working_days_to_pack is None:
            self.tiles["meeting"].show_figure(self.tr("No meeting scheduled"), self.tr("Plan the next one"))
        else:
            days = k.working_days_to_pack
            count = abs(days)
            span = self.tr("1 working day") if count == 1 else self.tr("{0} working days").format(count)
            detail = (
                # Two short lines rather than one long one: the row of tiles must fit a 1366-pixel laptop screen.
                self.tr("pack due {0}\n{1} left").format(k.pack_deadline.isoformat(), span)
                if days >= 0
                else self.tr("pack was due {0}\n{1} ago").format(k.pack_deadline.isoformat(), span)
            )
            self.tiles["meeting"].show_figure(
                self.tr("Next meeting {0}").format(k.next_meeting_date.isoformat()), detail
            )

    def _on_theme_changed(self, _dark: bool = False) -> None:
        # The application's palette: the signal comes before the change has reached this widget's own.
        for chart in self._charts or ():
            chart.apply_palette(QApplication.palette(self))
