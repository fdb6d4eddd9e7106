"""Times the meeting pack of the demo office's next meeting, xlsx and PDF, on the demo and a `--scale 100` office.

Two figures per format: the work after the program has started (open the database, build the pack, write the
file; imports and the Qt application already there) as the median of in-process runs, and the whole
`cyberdesk export pack` process as the user sees it (interpreter start-up and imports included), median of
fresh processes. Targets (issue 4): under 1 s of work on the demo, under 5 s on the scale-100 office.
Each figure also comes as CPU seconds (user + system), which other work on a shared machine changes far less
than the wall-clock time it stretches.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.db.engine import open_database
from core.demo import build_demo
from core.io.pack_export import export_pack

TARGETS = {1: 1.0, 100: 5.0}


def work_seconds(db_path: Path, target: Path, as_at: date, runs: int) -> tuple[float, float, str]:
    """Median wall and CPU seconds of the export in this process, and its summary line."""
    times, cpu = [], []
    summary = ""
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        with open_database(db_path, readonly=True) as db:
            summary = export_pack(db, "next", target, as_at=as_at).summary()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), statistics.median(cpu), summary


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_seconds(db_path: Path, target: Path, as_at: date, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of the whole `cyberdesk export pack` process."""
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), _children_cpu()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop",
                "--db",
                str(db_path),
                "export",
                "pack",
                "--meeting",
                "next",
                "-o",
                str(target),
                "--as-at",
                as_at.isoformat(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - started_cpu)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--as-at", type=date.fromisoformat, default=date(2025, 8, 15))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from desktop.pack_pdf import ensure_gui_application
    from desktop.renderers import install_renderers

    install_renderers()
    ensure_gui_application()  # part of starting the program, not of the export
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall seconds stretch with it)")
    header = f"{'office':<10} {'format':<6} {'work s':>7} {'cpu':>6} {'process s':>10} {'cpu':>6} {'target s':>9}"
    print(f"{header}  result")
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scales:
            db_path = Path(folder) / f"scale{scale}.cyberdesk"
            with open_database(db_path, create=True) as db:
                build_demo(db, as_at=args.as_at, scale=scale)
            for suffix in (".xlsx", ".pdf"):
                target = Path(folder) / f"pack{scale}{suffix}"
                work, work_cpu, summary = work_seconds(db_path, target, args.as_at, args.runs)
                whole, whole_cpu = process_seconds(db_path, target, args.as_at, args.runs)
                target_s = TARGETS.get(scale, 5.0)
                verdict = "ok" if work < target_s else "OVER"
                office = "demo" if scale == 1 else f"scale {scale}"
                print(
                    f"{office:<10} {suffix[1:]:<6} {work:>7.2f} {work_cpu:>6.2f} {whole:>10.2f} {whole_cpu:>6.2f} "
                    f"{target_s:>9.1f}  {verdict}: "
                    f"{summary} ({target.stat().st_size / 1024:,.0f} KiB)"
                )


if __name__ == "__main__":
    main()
