"""Times the dashboard on a `demo --scale 100` office: each aggregate, all of them, and a full refresh with redraw.

Figures are medians of in-process runs, wall and CPU seconds (other work on a shared machine stretches the wall
time far more than the CPU time). Targets (issue 6): all aggregates together within 100 ms; a full refresh
(aggregates and redraw of every chart) within 250 ms; each chart's first render within 1.5x an empty PlotWidget's.
`--db FILE` uses an office already built (as at 2025-08-15); otherwise one is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.db.engine import Database, open_database
from core.demo import build_demo
from core.reports import dashboard as reports
from core.services.office import load_settings

AS_AT = date(2025, 8, 15)
TARGET_AGGREGATES_MS = 100.0
TARGET_REFRESH_MS = 250.0
TARGET_FIRST_RENDER_RATIO = 1.5


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `fn`."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def aggregates(db: Database, runs: int) -> None:
    with db.read() as s:
        settings = load_settings(s)
        calendar = settings.calendar
        fy = calendar.fiscal_year_of(AS_AT)
        elapsed = calendar.months_elapsed(fy, AS_AT)
        money = reports._year_money(s, fy, elapsed)
        actions = reports._action_counts(s, AS_AT)
        parts: dict[str, Callable[[], Any]] = {
            "money (by forum, by month)": lambda: reports._year_money(s, fy, elapsed),
            "tiles (besides money, actions)": lambda: reports._kpis(
                s, money.by_forum, actions, AS_AT, settings.shortest_alert_days
            ),
            "commitments by status, quarter": lambda: reports._commitments(s, calendar, fy),
            "open actions: count, ageing, by agency": lambda: reports._action_counts(s, AS_AT),
            "secondments timeline": lambda: reports._secondments(s, calendar, fy, 40),
            "priority shares (staff side)": lambda: reports._priorities(s, money.by_forum, AS_AT),
        }
        for name, fn in parts.items():
            wall, cpu = timed(fn, runs)
            print(f"  {name:34s} {wall:7.1f} ms  (CPU {cpu:6.1f} ms)")
        wall, cpu = timed(lambda: reports.build_dashboard(s, fy, AS_AT), runs)
    verdict = "ok" if wall <= TARGET_AGGREGATES_MS else "OVER"
    print(f"  {'all aggregates (build_dashboard)':34s} {wall:7.1f} ms  (CPU {cpu:6.1f} ms)  target 100 ms: {verdict}")


def gui(db: Database, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import pyqtgraph as pg

    from desktop.dashboard.charts import CHART_TYPES
    from desktop.dashboard.view import DashboardView
    from desktop.jobs import JobRunner

    def render_once(make: Callable[[], Any]) -> tuple[float, float]:
        """Wall and CPU seconds to build and paint a widget once."""
        started, started_cpu = time.perf_counter(), time.process_time()
        widget = make()
        widget.resize(640, 320)
        widget.grab()  # built and painted once
        spent = time.perf_counter() - started, time.process_time() - started_cpu
        widget.deleteLater()
        app.processEvents()
        return spent

    def first_render(make: Callable[[], Any]) -> tuple[float, float, float]:
        """Median wall and CPU milliseconds to build and paint a chart once, and the median CPU milliseconds of an
        empty PlotWidget timed in turn with it. The ratio is taken on CPU time (on a machine shared with other
        work the wall time of a 20 ms render varied by 3x from run to run), against an empty plot timed alongside:
        one measured up front drifted from 24 to 38 ms over a single run of this script."""
        wall, cpu, empty_cpu = [], [], []
        for _ in range(runs):
            empty_cpu.append(render_once(pg.PlotWidget)[1])
            spent_wall, spent_cpu = render_once(make)
            wall.append(spent_wall)
            cpu.append(spent_cpu)
        return (statistics.median(wall) * 1000, statistics.median(cpu) * 1000, statistics.median(empty_cpu) * 1000)

    with db.read() as s:
        dash = reports.build_dashboard(s, load_settings(s).calendar.fiscal_year_of(AS_AT), AS_AT)
    render_once(pg.PlotWidget)  # pyqtgraph's first plot in a process pays for one-off set-up
    empty_wall, empty, _ = first_render(pg.PlotWidget)
    print(f"  {'empty PlotWidget, first render':34s} {empty_wall:7.1f} ms  (CPU {empty:6.1f} ms)")
    for chart_type in CHART_TYPES:

        def make(chart_type: Any = chart_type) -> Any:
            chart = chart_type()
            chart.show_dashboard(dash)
            return chart

        wall, ms, empty = first_render(make)
        ratio = ms / empty
        verdict = "ok" if ratio <= TARGET_FIRST_RENDER_RATIO else "OVER"
        name = chart_type.__name__ + ", first render"
        print(f"  {name:34s} {wall:7.1f} ms  (CPU {ms:6.1f} ms)  {ratio:4.2f}x empty (CPU {empty:5.1f} ms): {verdict}")

    view = DashboardView(db, JobRunner(synchronous=True), as_at=AS_AT)
    view.resize(1400, 1800)
    view.show()
    app.processEvents()

    def refresh() -> None:
        view.refresh()  # synchronous job runner: the aggregates, then every chart updated
        view.grab()  # and repainted

    wall, cpu = timed(refresh, runs)
    verdict = "ok" if wall <= TARGET_REFRESH_MS else "OVER"
    print(f"  {'full refresh (aggregates + redraw)':34s} {wall:7.1f} ms  (CPU {cpu:6.1f} ms)  target 250 ms: {verdict}")
    view.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="an office built with `demo --scale 100 --as-at 2025-08-15`")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="cyberdesk-bench-dash-") as folder:
        path = args.db
        if path is None:
            path = Path(folder) / f"scale{args.scale}.cyberdesk"
            with open_database(path, create=True) as db:
                build_demo(db, as_at=AS_AT, scale=args.scale)
        with open_database(path, readonly=True) as db:
            print(f"dashboard aggregates, scale {args.scale}, as at {AS_AT}")
            aggregates(db, args.runs)
            print("dashboard GUI")
            gui(db, args.runs)


if __name__ == "__main__":
    main()
