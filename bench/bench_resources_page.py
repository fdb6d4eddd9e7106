"""How long the Resources page's reports hold the GUI thread, on the 100,000-line benchmark database.

Side by side in one process, alternating run by run:
- baseline: the report itself (core budget_grid, then resource_shares) computed where it is called, which is what the
  page did on the GUI thread before its reports moved to a pool thread;
- page: the view's reload() as a filter change calls it: the time until control returns to the event loop (the
  window's freeze), and separately the time until the figures are on screen.
Target: the freeze a small fraction of the report's time. Usage: bench_resources_page.py [DB] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date
from pathlib import Path

DB = Path(__file__).resolve().parent / "out" / "budget-100k.cyberdesk"  # built by bench/make_bench_dbs.py
FY = 2026  # the bench database's current year (as at 15 Aug 2025, July start)
AS_AT = date(2025, 8, 15)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", nargs="?", type=Path, default=DB)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from core.db.engine import open_database
    from core.domain.resources import BudgetMeasure
    from core.reports.budget_grid import GridFilter, budget_grid
    from core.reports.resource_shares import resource_shares
    from desktop.jobs import JobRunner
    from desktop.resources.grid import BudgetGridView
    from desktop.resources.shares import ResourceSharesView

    app = QApplication.instance() or QApplication([])
    with open_database(args.db, readonly=True) as db:
        jobs = JobRunner()
        grid = BudgetGridView(db, today=AS_AT, jobs=jobs)
        shares = ResourceSharesView(db, today=AS_AT, jobs=jobs)
        grid.year_box.setCurrentIndex(grid.year_box.findData(FY))
        shares.year_box.setCurrentIndex(shares.year_box.findData(FY))
        base, freeze, shown = [], [], []

        def wait_for_figures() -> None:
            while grid.load.loading or shares.load.loading:
                app.processEvents()
                time.sleep(0.001)

        wait_for_figures()  # choosing the year started a load: let it end before timing
        for _ in range(args.runs):
            t = time.perf_counter()
            with db.read() as session:
                budget_grid(session, GridFilter(FY), BudgetMeasure.REVISED, by_month=False)
                resource_shares(session, FY)
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            grid.reload()
            shares.reload()
            freeze.append(time.perf_counter() - t)
            wait_for_figures()
            shown.append(time.perf_counter() - t)
        jobs.wait_for_all()
    b, f, s = (statistics.median(x) for x in (base, freeze, shown))
    print(f"reports on the GUI thread (before): {b:.3f} s median of {args.runs}")
    print(f"GUI thread held by reload (now):    {f * 1000:.1f} ms  ratio {f / b:.4f}")
    print(f"until the figures are shown (now):  {s:.3f} s  ratio {s / b:.2f}")


if __name__ == "__main__":
    main()
