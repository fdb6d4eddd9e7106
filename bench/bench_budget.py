"""Times the budget workbook on the 100,000-line benchmark database against openpyxl's write-only mode.

Side by side, each in a fresh process so that its peak memory is its own, alternating run by run:
- baseline: openpyxl's write-only mode (lxml, one shared style per number format, no formulas) writing the cells
  of the Lines sheet only, from rows already in memory (the reading is not timed);
- export: `export_budget` as `cyberdesk export budget` runs it, the database read included: every sheet, every
  formula with its stored value, the chart.
Target (issue 5): export time within 1.3x the baseline's, peak memory under 200 MB. The benchmark database is
built with bench/make_bench_dbs.py when bench/out/budget-100k.cyberdesk is missing.

With --what import, the same side by side for budget import of a 100,000-row workbook (written once, untimed):
- baseline: openpyxl's read-only mode reading every cell of the file (values only), nothing else;
- import: `run_import` as `cyberdesk import budget FILE` runs it into a copy of the demo office: pre-check, read,
  validate, the backup before writing, and the commit of 100,000 lines and their 1.2 million months.
- calamine: python-calamine reading every cell of the same file, nothing else (the stretch baseline).
Target (issue 5): import within 1.5x the openpyxl baseline; stretch: within 2.5x the calamine one.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
DB = OUT / "budget-100k.cyberdesk"
FY = 2026  # the bench database's current year (as at 15 Aug 2025, July start)
AS_AT = date(2025, 8, 15)
TARGET_RATIO, TARGET_MB = 1.3, 200


def _baseline(db_path: Path, target: Path) -> float:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from core.db.engine import open_database
    from core.domain.money import excel_number_format
    from core.io.budget_xlsx import LINES_COLUMNS
    from core.reports.budget import MONTHS, BudgetScope, iter_budget_lines

    with open_database(db_path, readonly=True) as db, db.read() as session:
        scope = BudgetScope(session, FY)
        currency = scope.settings.currency
        lines = list(iter_budget_lines(scope))
    # The rows held in memory are the baseline's input, not its work: keep the garbage collector from walking
    # them again and again while openpyxl writes (the export streams its rows and has no such cost).
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    template = WriteOnlyCell(ws)
    template.number_format = excel_number_format(currency)
    money_style = template._style
    template = WriteOnlyCell(ws)
    template.number_format = "0.0%"
    pct_style = template._style

    def styled(value: float, style: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value)
        cell._style = style
        return cell

    ws.append(
        [h for h, _ in LINES_COLUMNS]
        + [f"Revised {m}" for m in range(1, MONTHS + 1)]
        + [f"Actual {m}" for m in range(1, MONTHS + 1)]
    )
    for line in lines:
        a = line.amounts
        ws.append(
            [
                line.line_id,
                "2025–26",
                line.forum_type or None,
                line.forum,
                line.priority or None,
                line.category,
                line.cost_centre or None,
                line.description,
                line.links or None,
                styled(line.original / 100, money_style),
                styled(a.revised / 100, money_style),
                styled(line.committed / 100, money_style),
                styled(a.actual / 100, money_style),
                styled(line.forecast / 100, money_style),
                styled(a.outturn / 100, money_style),
                styled(a.under_over / 100, money_style),
                styled(a.pct_spent or 0.0, pct_style),
                line.owner or None,
                line.notes or None,
                None,
                *(styled(v / 100, money_style) for v in line.revised_by_month),
                *(styled(v / 100, money_style) for v in line.actual_by_month),
            ]
        )
    wb.save(target)
    return time.perf_counter() - started


def _export(db_path: Path, target: Path) -> float:
    from core.db.engine import open_database
    from core.io.budget_xlsx import export_budget

    started = time.perf_counter()
    with open_database(db_path, readonly=True) as db:
        export_budget(db, FY, target, as_at=AS_AT)
    return time.perf_counter() - started


IMPORT_ROWS = 100_000
IMPORT_TARGET = 1.5
IMPORT_STRETCH = 2.5


def _write_import_file(path: Path, rows: int) -> None:
    """A colleague's workbook of `rows` new lines for the demo office's 2025-26, in write-only mode."""
    from openpyxl import Workbook

    forums = ["IGF", "IETF", "GFCE", ""]
    categories = ["Travel", "Secondment costs", "Other operating costs", "Training and education"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Budget lines")
    ws.append(["Reference", "Fiscal year", "Forum", "Category", "Description", "Revised", "Actual", "Notes"])
    for i in range(rows):
        ws.append(
            [
                f"BENCH-{i:06d}",
                "2025-26",
                forums[i % 4],
                categories[i % 4],
                f"Bench line {i}",
                1000 + i % 5000,
                (i % 700) + 0.5,
                "" if i % 3 else "note",
            ]
        )
    wb.save(path)


def _read_baseline(_db: Path, source: Path) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    wb = load_workbook(source, read_only=True, data_only=True)
    count = sum(1 for _ in wb["Budget lines"].iter_rows(values_only=True))
    wb.close()
    assert count == IMPORT_ROWS + 1
    return time.perf_counter() - started


def _calamine_baseline(_db: Path, source: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(source))
    count = sum(1 for _ in wb.get_sheet_by_name("Budget lines").iter_rows())
    wb.close()
    assert count == IMPORT_ROWS + 1
    return time.perf_counter() - started


def _import(office: Path, source: Path) -> float:
    from core.db.engine import open_database
    from core.io.imports.budget import BudgetImporter
    from core.io.imports.pipeline import run_import

    started = time.perf_counter()
    with open_database(office) as db:
        result = run_import(db, source, BudgetImporter(), dry_run=False)
    elapsed = time.perf_counter() - started
    assert result.plan.summary == {"added": IMPORT_ROWS, "updated": 0}, result.summary()
    return elapsed


def _child(kind: str, db_path: Path, target: Path) -> None:
    if kind in ("read", "calamine", "import"):
        seconds = {"read": _read_baseline, "calamine": _calamine_baseline, "import": _import}[kind](db_path, target)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": target.stat().st_size}))
        return
    seconds = (_baseline if kind == "baseline" else _export)(db_path, target)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": target.stat().st_size}))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(kind: str, db_path: Path, target: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--db", str(db_path), "--target", str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--db", type=Path, default=DB)
    parser.add_argument("--child", choices=["baseline", "export", "read", "calamine", "import"])
    parser.add_argument("--target", type=Path)
    parser.add_argument("--what", choices=["export", "import"], default="export")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.db, args.target)
        return
    if args.what == "import":
        _main_import(args.runs)
        return
    if not args.db.exists():
        print(f"Building {args.db} (bench/make_bench_dbs.py) ...", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).with_name("make_bench_dbs.py"))], check=True)
    results: dict[str, list[dict[str, float]]] = {"baseline": [], "export": []}
    print(f"load before {_load()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            for kind in ("baseline", "export"):
                result = _run(kind, args.db, Path(folder) / f"{kind}{run}.xlsx")
                results[kind].append(result)
                print(
                    f"run {run + 1} {kind:<8} {result['seconds']:7.2f} s  peak {result['peak_mb']:6.0f} MB  "
                    f"{result['bytes'] / 1e6:6.1f} MB file",
                    flush=True,
                )
            # On a shared machine the load moves between runs: a run's own ratio shows how far it is noise.
            pair = results["export"][-1]["seconds"] / results["baseline"][-1]["seconds"]
            print(f"run {run + 1} ratio    {pair:7.2f}   load {_load()}", flush=True)
    base = statistics.median(r["seconds"] for r in results["baseline"])
    export = statistics.median(r["seconds"] for r in results["export"])
    peak = max(r["peak_mb"] for r in results["export"])
    ratio = export / base
    print(f"{'':<14}{'median s':>9} {'peak MB':>8}")
    print(f"{'baseline':<14}{base:>9.2f} {max(r['peak_mb'] for r in results['baseline']):>8.0f}")
    print(f"{'export budget':<14}{export:>9.2f} {peak:>8.0f}")
    verdict = "ok" if ratio <= TARGET_RATIO and peak < TARGET_MB else "OVER"
    print(f"ratio {ratio:.2f} (target {TARGET_RATIO}), peak {peak:.0f} MB (target {TARGET_MB}): {verdict}")


def _main_import(runs: int) -> None:
    from core.db.backup import backup_to
    from core.db.engine import open_database
    from core.demo import build_demo

    results: dict[str, list[dict[str, float]]] = {"read": [], "calamine": [], "import": []}
    with tempfile.TemporaryDirectory() as folder:
        source, office = Path(folder) / "budget-import.xlsx", Path(folder) / "demo.cyberdesk"
        _write_import_file(source, IMPORT_ROWS)
        with open_database(office, create=True) as db:
            build_demo(db, as_at=AS_AT)
        for run in range(runs):
            copy = Path(folder) / f"office{run}.cyberdesk"
            backup_to(office, copy)
            for kind, db_path in (("read", office), ("calamine", office), ("import", copy)):
                result = _run(kind, db_path, source)
                results[kind].append(result)
                print(
                    f"run {run + 1} {kind:<8} {result['seconds']:7.2f} s  peak {result['peak_mb']:6.0f} MB", flush=True
                )
    read = statistics.median(r["seconds"] for r in results["read"])
    bare = statistics.median(r["seconds"] for r in results["calamine"])
    imported = statistics.median(r["seconds"] for r in results["import"])
    ratio, stretch = imported / read, imported / bare
    print(
        f"openpyxl read-only read {read:.2f} s, calamine read {bare:.2f} s, import budget {imported:.2f} s "
        f"(median of {runs})"
    )
    print(f"ratio {ratio:.2f} (target {IMPORT_TARGET}): {'ok' if ratio <= IMPORT_TARGET else 'OVER'}")
    print(f"to calamine {stretch:.2f} (stretch {IMPORT_STRETCH}): {'ok' if stretch <= IMPORT_STRETCH else 'OVER'}")


if __name__ == "__main__":
    main()
