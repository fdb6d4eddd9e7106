"""The dashboard as a user meets it: tiles and charts on the demo and an empty office, click-through, tables, export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QApplication

from core.db.engine import Database, open_database
from core.domain.money import format_money
from core.services.office import initialise_office
from desktop.jobs import JobRunner
from desktop.lists.register import RegisterView
from desktop.main_window import MainWindow
from tests.desktop.conftest import DEMO_AS_AT

LATER = date(2026, 2, 20)


def _dashboard(qtbot: QtBot, db: Database):  # type: ignore[no-untyped-def]
    from desktop.dashboard.view import DashboardView

    view = DashboardView(db, JobRunner(synchronous=True), as_at=DEMO_AS_AT)
    qtbot.addWidget(view)
    view.resize(1400, 1800)
    view.show()
    return view


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "empty.cyberdesk", create=True)
    initialise_office(db, name="Empty office")
    yield db
    db.close()


def test_tiles_and_charts_on_the_demo_office(qtbot: QtBot, demo_db: Database) -> None:
    view = _dashboard(qtbot, demo_db)
    dash = view.dashboard
    assert dash is not None and view.status.text() == "2025–26 as at 2025-08-15"
    k = dash.kpis
    assert view.tiles["actions"].text() == (
        f"Actions not closed: {k.open_actions}\nOverdue actions: {k.overdue_actions}"
    )
    assert view.tiles["briefings"].text() == f"{k.briefings_due} briefings due\nwithin {k.alert_days} days, or late"
    assert view.tiles["secondment_alerts"].text() == f"{k.secondments_with_alerts} with other alerts\nbesides their end"
    assert k.overdue_actions > 0
    spend = view.tiles["spend"].text()
    assert format_money(k.spend_to_date, currency=dash.currency) in spend and "planned to date" in spend
    # The demo's pack for 21 Aug was due on 14 Aug, one working day before its as-at date.
    assert (
        view.tiles["meeting"].text()
        == f"Next meeting {k.next_meeting_date}\npack was due 2025-08-14\n1 working day ago"
    )
    for chart in view.charts:
        assert chart.table_model.rowCount() > 0, chart.title


def test_an_empty_office_renders_without_warnings(qtbot: QtBot, empty_db: Database) -> None:
    view = _dashboard(qtbot, empty_db)
    assert view.tiles["meeting"].text() == "No meeting scheduled\nPlan the next one"
    assert view.tiles["actions"].text() == "Actions not closed: 0\nOverdue actions: 0"
    assert view.tiles["briefings"].text().startswith("0 briefings due\n")
    from desktop.dashboard.charts import BudgetByForumChart, CumulativeSpendChart

    assert view.chart(BudgetByForumChart).table_model.rowCount() == 0
    assert view.chart(CumulativeSpendChart).table_model.rowCount() == 12  # the year's months, all zero
    view.grab()  # paints every chart with no data without a Qt warning
    # Each says so above its bare axes.
    notes = {chart.title: chart.empty_note.text() for chart in view.charts if chart.empty_note.isVisibleTo(view)}
    assert set(notes) == {chart.title for chart in view.charts}
    assert notes["Revised budget and actual by forum"] == "No budget lines in this fiscal year yet."
    assert notes["Cumulative spend against the phased plan"] == "No spend planned or made in this fiscal year yet."
    assert notes["Open actions by days open"] == "No open actions."


def test_a_chart_with_something_to_draw_says_nothing_of_emptiness(qtbot: QtBot, demo_db: Database) -> None:
    view = _dashboard(qtbot, demo_db)
    dash = view.dashboard
    assert dash is not None and dash.overdue_by_agency and dash.secondments
    assert [chart.title for chart in view.charts if chart.empty_note.isVisibleTo(view)] == []


def test_show_as_table_lists_the_numbers_the_chart_draws(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.dashboard.charts import BudgetByForumChart

    view = _dashboard(qtbot, demo_db)
    chart = view.chart(BudgetByForumChart)
    drawn = [float(x) for x in chart.revised.opts["x1"]]
    actual = [float(x) for x in chart.actual.opts["x1"]]
    qtbot.mouseClick(chart.as_table, Qt.MouseButton.LeftButton)
    assert chart.stack.currentWidget() is chart.table and chart.as_table.text() == "Show as chart"
    model = chart.table_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Forum",
        "Priority",
        "Revised budget",
        "Actual to date",
    ]
    currency = view.dashboard.currency  # type: ignore[union-attr]
    for row, (revised, spent) in enumerate(zip(drawn, actual, strict=True)):
        assert model.index(row, 2).data() == f"{currency} {revised:,.2f}"
        assert model.index(row, 3).data() == f"{currency} {spent:,.2f}"


def test_hover_shows_the_exact_value(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.dashboard.charts import OverdueByAgencyChart

    view = _dashboard(qtbot, demo_db)
    chart = view.chart(OverdueByAgencyChart)
    first = view.dashboard.overdue_by_agency[0]  # type: ignore[union-attr]
    chart._on_scene_mouse_moved(chart.scene_point_of(0, first.overdue / 2))
    assert chart.plot.toolTip() == f"{first.agency}: {first.overdue} overdue actions"


def _window_dashboard(window: MainWindow, demo_path: Path):  # type: ignore[no-untyped-def]
    from desktop.dashboard.view import DashboardView

    window.open_database(demo_path)
    view = window.current_page()  # an office opens on the dashboard
    assert isinstance(view, DashboardView)
    view.as_at.setDate(DEMO_AS_AT)  # the demo's own date, so its overdue actions are the ones shown
    view.year.setCurrentIndex(view.year.findData(view.calendar.fiscal_year_of(DEMO_AS_AT)))  # and its budget year
    return view


def _click_bar(qtbot: QtBot, chart, x: float, y: float) -> None:  # type: ignore[no-untyped-def]
    chart.plot.grab()  # painted, as the user sees it before clicking (pyqtgraph fits its ranges on paint)
    widget_point = chart.plot.mapFromScene(chart.scene_point_of(x, y))
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)


def _column(model, key: str) -> list[object]:  # type: ignore[no-untyped-def]
    column = [c.key for c in model.columns].index(key)
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_clicking_a_bar_opens_the_list_filtered_to_it(window: MainWindow, demo_path: Path, qtbot: QtBot) -> None:
    from desktop.dashboard.charts import OverdueByAgencyChart

    view = _window_dashboard(window, demo_path)
    chart = view.chart(OverdueByAgencyChart)
    first = view.dashboard.overdue_by_agency[0]  # type: ignore[union-attr]
    _click_bar(qtbot, chart, 0, first.overdue / 2)
    register = window.current_page()
    assert isinstance(register, RegisterView) and register.current_entity == "actions"
    actions = register.current_list
    # The rows the bar counts, no more: this agency's open actions past due, most urgent first.
    assert actions.model.total == first.overdue
    assert set(_column(actions.model, "owner_agency")) == {first.agency}
    assert set(_column(actions.model, "rag")) == {"Red"}
    assert actions.search.text() == ""
    assert actions.filter_chip.isVisible()
    assert actions.filter_chip.text() == f"Filtered: Overdue, owner {first.agency}  ✕"
    assert actions.count.text() == (f"{first.overdue} rows" if first.overdue != 1 else "1 row")
    # The chip removes the filter: every open action is back.
    qtbot.mouseClick(actions.filter_chip, Qt.MouseButton.LeftButton)
    assert not actions.filter_chip.isVisible()
    assert actions.model.total > first.overdue
    assert len(set(_column(actions.model, "owner_agency"))) > 1


def test_the_overdue_part_of_an_ageing_bar_opens_only_the_overdue_actions(
    window: MainWindow, demo_path: Path, qtbot: QtBot
) -> None:
    from desktop.dashboard.charts import ActionsAgeingChart

    view = _window_dashboard(window, demo_path)
    chart = view.chart(ActionsAgeingChart)
    x, bucket = next((x, b) for x, b in enumerate(view.dashboard.ageing) if b.overdue and b.on_time)  # type: ignore[union-attr]
    _click_bar(qtbot, chart, x, bucket.on_time + bucket.overdue / 2)
    actions = window.current_page().current_list  # type: ignore[attr-defined]
    assert actions.model.total == bucket.overdue
    assert set(_column(actions.model, "rag")) == {"Red"}
    assert actions.filter_chip.text() == f"Filtered: Not closed, raised {bucket.label} ago, overdue  ✕"


def test_a_tile_opens_its_list(window: MainWindow, demo_path: Path, qtbot: QtBot) -> None:
    view = _window_dashboard(window, demo_path)
    k = view.dashboard.kpis  # type: ignore[union-attr]
    qtbot.mouseClick(view.tiles["actions"], Qt.MouseButton.LeftButton)
    actions = window.current_page().current_list  # type: ignore[attr-defined]
    # The tile's figure, the chip's words and the list agree: every action not closed, whatever its status.
    headline = view.tiles["actions"].text().splitlines()[0]
    assert headline == f"Actions not closed: {actions.model.total}"
    assert actions.model.total == k.open_actions
    assert actions.count.text() == f"{k.open_actions} rows"
    assert actions.filter_chip.text() == "Filtered: Not closed (open, in progress, deferred)  ✕"
    assert set(_column(actions.model, "status")) == {"Open", "In progress", "Deferred"}
    assert _column(actions.model, "rag")[0] == "Red"  # overdue first
    window.show_list("actions")
    window._nav.setCurrentRow(0)
    qtbot.mouseClick(view.tiles["commitments"], Qt.MouseButton.LeftButton)
    register = window.current_page()
    assert isinstance(register, RegisterView) and register.current_entity == "commitments"
    commitments = register.current_list
    assert commitments.model.total == k.commitments_overdue + k.commitments_at_risk
    assert set(_column(commitments.model, "rag")) <= {"Red", "Amber"}
    window._nav.setCurrentRow(0)
    qtbot.mouseClick(view.tiles["meeting"], Qt.MouseButton.LeftButton)
    meetings = window.current_page().current_list  # type: ignore[attr-defined]
    assert _column(meetings.model, "date") == [k.next_meeting_date.strftime("%d %b %Y")]  # type: ignore[union-attr]


def test_the_alert_tiles_open_the_secondments_and_briefings_they_count(
    window: MainWindow, demo_path: Path, qtbot: QtBot
) -> None:
    view = _window_dashboard(window, demo_path)
    # A date in the demo's next half-year, with briefings and secondment alerts both due (the core tests check
    # the figures against the due-soon panel at this date and the demo's own).
    view.as_at.setDate(LATER)
    k = view.dashboard.kpis  # type: ignore[union-attr]
    assert k.briefings_due > 0 and k.secondments_with_alerts > 0
    qtbot.mouseClick(view.tiles["briefings"], Qt.MouseButton.LeftButton)
    register = window.current_page()
    assert isinstance(register, RegisterView) and register.current_entity == "events"
    events = register.current_list
    assert events.model.total == k.briefings_due
    assert events.filter_chip.text() == f"Filtered: Briefings due within {k.alert_days} days of {LATER}  ✕"
    window._nav.setCurrentRow(0)
    qtbot.mouseClick(view.tiles["secondment_alerts"], Qt.MouseButton.LeftButton)
    register = window.current_page()
    assert isinstance(register, RegisterView) and register.current_entity == "secondments"
    secondments = register.current_list
    assert secondments.model.total == k.secondments_with_alerts
    assert secondments.filter_chip.isVisible()
    qtbot.mouseClick(secondments.filter_chip, Qt.MouseButton.LeftButton)  # every secondment is back
    assert secondments.model.total > k.secondments_with_alerts


def test_a_budget_bar_opens_the_lines_that_add_up_to_it(window: MainWindow, demo_path: Path, qtbot: QtBot) -> None:
    from decimal import Decimal

    from desktop.dashboard.charts import BudgetByForumChart

    view = _window_dashboard(window, demo_path)
    chart = view.chart(BudgetByForumChart)
    y, bar = next((y, b) for y, b in enumerate(view.dashboard.budget_by_forum) if len(b.forum_ids) == 1)  # type: ignore[union-attr]
    _click_bar(qtbot, chart, float(bar.revised) / 2, y)
    lines = window.current_page().current_list  # type: ignore[attr-defined]
    while lines.model.canFetchMore():
        lines.model.fetchMore()
    column = [c.key for c in lines.model.columns].index("revised")
    revised = sum((lines.model._rows[r][column] for r in range(lines.model.rowCount())), Decimal(0))
    assert revised == bar.revised
    assert set(_column(lines.model, "forum")) == {bar.label}


def test_copy_and_export_a_chart(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    from desktop.dashboard.charts import CumulativeSpendChart

    view = _dashboard(qtbot, demo_db)
    chart = view.chart(CumulativeSpendChart)
    chart.copy_image()
    image = QApplication.clipboard().image()
    assert not image.isNull() and image.width() > 100
    png = chart.export_image(tmp_path / "spend.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    svg = chart.export_image(tmp_path / "spend.svg")
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_a_new_date_updates_the_same_plot_items(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.dashboard.charts import CumulativeSpendChart

    view = _dashboard(qtbot, demo_db)
    chart = view.chart(CumulativeSpendChart)
    line, items_before = chart.actual, list(chart.plot_item.items)
    with qtbot.waitSignal(view.sig_refreshed):
        view.as_at.setDate(DEMO_AS_AT.replace(month=12))
    assert chart.actual is line and list(chart.plot_item.items) == items_before
    assert len(line.getData()[0]) == 6  # July to December have begun


def test_chart_table_model_passes_qtmodeltester(qtmodeltester, qtbot: QtBot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    view = _dashboard(qtbot, demo_db)
    for chart in view.charts:
        qtmodeltester.check(chart.table_model)


def test_a_list_opens_with_a_preset_search(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.lists.view import ListView

    view = ListView(demo_db, "organisations")
    qtbot.addWidget(view)
    everything = view.model.total
    view.apply_preset("ministry")
    assert view.search.text() == "ministry"
    assert 0 < view.model.total < everything  # at once, without the typing delay


def test_the_dashboard_follows_the_dark_theme(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.theme import apply_theme

    view = _dashboard(qtbot, demo_db)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        apply_theme(app, "dark")
        background = view.charts[0].plot.backgroundBrush().color()
        assert background.lightness() < 80
    finally:
        apply_theme(app, "light")
    assert view.charts[0].plot.backgroundBrush().color().lightness() > 180


def test_the_agency_view_says_what_an_agency_owes(qtbot: QtBot, demo_db: Database) -> None:
    import sqlalchemy as sa

    from core.domain.organisations import Organisation
    from core.reports.agency_view import agency_view

    view = _dashboard(qtbot, demo_db)
    qtbot.mouseClick(view.agency_button, Qt.MouseButton.LeftButton)
    dialog = view.agency_dialog
    assert dialog is not None and dialog.isVisible()
    with demo_db.read() as s:
        mfa = s.scalars(sa.select(Organisation.id).where(Organisation.code == "MFA")).one()
        expected = agency_view(s, mfa, DEMO_AS_AT)
    dialog.select_agency(mfa)  # type: ignore[attr-defined]
    summary = dialog.summary.text()  # type: ignore[attr-defined]
    assert summary.startswith(
        f"MFA owes {len(expected.actions)} open actions, {expected.overdue_actions} of them overdue"
    )
    actions = dialog.models["actions"]  # type: ignore[attr-defined]
    assert [actions.index(r, 0).data() for r in range(actions.rowCount())] == [a.ref for a in expected.actions]
    overdue_column = [actions.index(r, 5).data() for r in range(actions.rowCount())]
    assert overdue_column == sorted(overdue_column, reverse=True)  # overdue ones first
    dialog.close()


def test_an_as_at_date_in_another_fiscal_year_moves_the_year_selector(qtbot: QtBot, demo_db: Database) -> None:
    view = _dashboard(qtbot, demo_db)
    assert view.year.currentText() == "2025–26"
    offered = [view.year.itemText(i) for i in range(view.year.count())]
    with qtbot.waitSignal(view.sig_refreshed):
        view.as_at.setDate(DEMO_AS_AT.replace(year=2025, month=3))  # March 2025: the year to June 2025
    assert view.year.currentText() == "2024–25"
    assert view.status.text() == "2024–25 as at 2025-03-15"
    # Far back, beyond the years offered: the year is added to the choices, in order.
    with qtbot.waitSignal(view.sig_refreshed):
        view.as_at.setDate(DEMO_AS_AT.replace(year=2019))
    assert view.year.currentText() == "2019–20" and view.status.text() == "2019–20 as at 2019-08-15"
    assert [view.year.itemText(i) for i in range(view.year.count())] == ["2019–20", *offered]
    # Back to the demo's date, then the user picks last year: a new date within the same fiscal year keeps it.
    with qtbot.waitSignal(view.sig_refreshed):
        view.as_at.setDate(DEMO_AS_AT)
    assert view.year.currentText() == "2025–26"
    with qtbot.waitSignal(view.sig_refreshed):
        view.year.setCurrentIndex(view.year.findText("2024–25"))
    with qtbot.waitSignal(view.sig_refreshed):
        view.as_at.setDate(DEMO_AS_AT.replace(month=9))
    assert view.status.text() == "2024–25 as at 2025-09-15"


def test_time_axes_name_the_months_and_keep_them_in_view(qtbot: QtBot, demo_db: Database) -> None:
    from datetime import date

    from desktop.dashboard.charts import CumulativeSpendChart, SecondmentsTimelineChart, epoch, month_ticks

    view = _dashboard(qtbot, demo_db)
    chart = view.chart(CumulativeSpendChart)
    ticks = chart.plot_item.getAxis("bottom")._tickLevels[0]
    labels = [label for _, label in ticks]
    assert labels == ["Jul 2025", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan 2026", "Feb", "Mar", "Apr", "May", "Jun"]
    assert ticks[1][0] == epoch(date(2025, 8, 1))
    for chart_type in (CumulativeSpendChart, SecondmentsTimelineChart):
        (left, right), _ = view.chart(chart_type).plot_item.viewRange()
        shown = view.chart(chart_type).plot_item.getAxis("bottom")._tickLevels[0]
        assert left < shown[0][0] and shown[-1][0] < right, chart_type.title
    # Over several years every few months are named, and the year wherever it changes.
    assert [label for _, label in month_ticks(date(2023, 3, 14), date(2026, 8, 2))] == [
        "Mar 2023",
        "Sep",
        "Mar 2024",
        "Sep",
        "Mar 2025",
        "Sep",
        "Mar 2026",
    ]


def _axis_labels(chart, name: str) -> list[tuple[QRectF, str]]:  # type: ignore[no-untyped-def]
    """The tick labels an axis draws, where it draws them: what pyqtgraph paints, not what it was given (it
    leaves out a label wider than its axis)."""
    chart.plot.grab()
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = chart.plot_item.getAxis(name).generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _, text in specs[2]]


def test_every_forum_bar_is_named_with_its_priority(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.dashboard.charts import BudgetByForumChart

    view = _dashboard(qtbot, demo_db)
    chart = view.chart(BudgetByForumChart)
    bars = view.dashboard.budget_by_forum  # type: ignore[union-attr]
    assert any(len(b.label) > 20 for b in bars)  # long names, such as "No forum (office-wide)", among them
    drawn = [text for _, text in _axis_labels(chart, "left")]
    assert drawn == [f"{b.label} · {b.priority}" for b in bars]


def test_forty_secondments_are_each_named_without_overlapping(qtbot: QtBot, demo_db: Database) -> None:
    from dataclasses import replace

    from desktop.dashboard.charts import SecondmentsTimelineChart, epoch

    view = _dashboard(qtbot, demo_db)
    dash = view.dashboard
    assert dash is not None
    first = dash.secondments[0]
    # Forty people, the last with a name too long for any axis.
    names = [f"Secondee number {n:02d}" for n in range(39)] + ["Secondee 39 Konstantinidou-Papadopoulou-Vasilakopoulou"]
    many = tuple(replace(first, person=name) for name in names)
    chart = view.chart(SecondmentsTimelineChart)
    chart.show_dashboard(replace(dash, secondments=many))
    labels = _axis_labels(chart, "left")
    drawn = [text for _, text in labels]
    assert drawn[:39] == names[:39]
    assert drawn[39].endswith("…") and names[39].startswith(drawn[39][:-1]) and len(drawn[39]) > 20
    for (above, _), (below, _) in pairwise(labels):
        assert above.bottom() <= below.top()
    # The full name and dates on hover.
    chart._on_scene_mouse_moved(chart.scene_point_of(epoch(first.start) + 86400, 39))
    assert chart.plot.toolTip().startswith(f"{names[39]} (")


def test_amount_ticks_read_in_the_office_currency(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.dashboard.charts import BudgetByForumChart, CumulativeSpendChart

    view = _dashboard(qtbot, demo_db)
    currency = view.dashboard.currency  # type: ignore[union-attr]
    for chart_type, axis in ((CumulativeSpendChart, "left"), (BudgetByForumChart, "bottom")):
        ticks = [text for _, text in _axis_labels(view.chart(chart_type), axis)]
        assert len(ticks) >= 3, chart_type.title
        assert all(t.startswith(f"{currency} ") and "e+" not in t for t in ticks), ticks
    # The demo plans about 3 million over the year: the spend chart's ticks step in thousands or millions.
    spend = [text for _, text in _axis_labels(view.chart(CumulativeSpendChart), "left")]
    assert f"{currency} 1m" in spend


def test_each_legend_names_its_series_and_how_they_differ_besides_colour(qtbot: QtBot, demo_db: Database) -> None:
    import re
    from html import escape

    from desktop.dashboard.charts import CumulativeSpendChart, SecondmentsTimelineChart

    view = _dashboard(qtbot, demo_db)
    for chart in view.charts:
        shown = chart.plot_item.titleLabel.text  # the legend is drawn above the plot, in copies and exports too
        assert chart.legend_entries, chart.title
        for _, _, words in chart.legend_entries:
            assert escape(words) in shown, (chart.title, words)
            assert re.search(r"\((solid|hatched|dotted|crossed|dashed)", words) or words == "colour: priority", words
    spend = view.chart(CumulativeSpendChart).legend_text
    assert "Phased plan (dashed, squares)" in spend and "Actual (solid, circles)" in spend
    assert f"as at {DEMO_AS_AT.isoformat()} (dotted)" in view.chart(SecondmentsTimelineChart).legend_text


def test_count_axes_tick_whole_numbers(qtbot: QtBot, demo_db: Database) -> None:
    from desktop.dashboard.charts import ActionsAgeingChart, CommitmentsChart, OverdueByAgencyChart

    view = _dashboard(qtbot, demo_db)
    assert max(r.overdue for r in view.dashboard.overdue_by_agency) <= 3  # type: ignore[union-attr]
    for chart_type in (OverdueByAgencyChart, ActionsAgeingChart, CommitmentsChart):
        ticks = [text for _, text in _axis_labels(view.chart(chart_type), "left")]
        assert len(ticks) >= 2 and all(t.isdigit() for t in ticks), (chart_type.title, ticks)


def test_in_the_app_the_figures_are_asked_for_before_the_tiles_exist_and_fill_them(
    qtbot: QtBot, demo_db: Database
) -> None:
    """With a background runner (the app's) the view starts its queries first and builds its widgets meanwhile; the
    answer, through the event loop, fills the tiles it finds built, the same as the synchronous path."""
    from desktop.dashboard.view import DashboardView

    runner = JobRunner()
    view = DashboardView(demo_db, runner, as_at=DEMO_AS_AT)
    qtbot.addWidget(view)
    assert view.dashboard is None and view.status.text() == "Updating…"
    with qtbot.waitSignal(view.sig_refreshed, timeout=30_000):
        pass
    expected = _dashboard(qtbot, demo_db)
    assert view.dashboard == expected.dashboard
    assert [tile.text() for tile in view.tiles.values()] == [tile.text() for tile in expected.tiles.values()]
    assert view.status.text() == "2025–26 as at 2025-08-15"
    runner.wait_for_all()
