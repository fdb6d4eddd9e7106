"""Cold start of the GUI against bare PySide6 baselines, each run a fresh process, as ratios of medians.

(a) a bare QMainWindow to its first frame; (b) cyberdesk through desktop.app.run_gui(["--db", <200k>]) to its
first frame; (c) a bare window with pyqtgraph and SQLAlchemy imported and an engine created, to its first frame;
(d) cyberdesk to the first frame after the database opened with its data (the dashboard's tiles filled);
(e) for information, until the dashboard's charts (pyqtgraph imported after the tiles) have painted.
Targets: b/a <= 1.2 and d/c <= 1.2. (b2) and (d2) are the same through the `cyberdesk` entry point
(`python -m desktop --db ...`, desktop/__main__.py), for information.

Times run from just before the child process is spawned to the child's perf_counter() mark (CLOCK_MONOTONIC is
shared by processes on Linux), interpreter start-up included on both sides. The variants run interleaved, round
after round, so that load from other work on the machine falls on all of them alike. cyberdesk reports its
marks through the CYBERDESK_BENCH_EXIT hook in desktop/app.py; settings go to a throwaway XDG_CONFIG_HOME, and the
app opens a private copy of each database (so that no one else's open copy holds its lock).
Both checkouts get their bytecode written first (_compile_bytecode), as an installed copy has it.
`--against ROOT DB` also runs another checkout (with the same hook) on a database of its schema, in turn with
the rest, for a before/after comparison in one run.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.2

# A first frame, measured the same way everywhere (also in desktop/app.py): the first Paint event of the main
# window, then a zero timer so that the paint and the flush to the screen have finished.
_FRAME = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)

class Frames(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False

def done():
    print(f"MARK first_frame {time.perf_counter():.6f}", flush=True)
    app.quit()

frames = Frames()
window.installEventFilter(frames)
window.show()
app.exec()
"""

_STACK = """
import pyqtgraph
import sqlalchemy
engine = sqlalchemy.create_engine("sqlite+pysqlite:///" + {db!r})
"""

_RUN_GUI = """
import sys
from desktop.app import run_gui
sys.exit(run_gui(["--db", {db!r}]))
"""


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    marks = {}
    for line in done.stdout.splitlines():
        if line.startswith("MARK "):
            _, name, stamp = line.split()
            marks[name] = float(stamp) - started
        elif line.startswith("CPU "):  # the process's CPU time (all threads) at that mark, where the hook says it
            _, name, used = line.split()
            marks["cpu_" + name] = float(used)
    if done.returncode != 0 or not marks:
        raise RuntimeError(f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return marks


def _compile_bytecode(python: str, root: Path) -> None:
    """Write the bytecode of a checkout's own modules, as an installed copy has it (pip compiles on install,
    PyInstaller bundles it). Under PYTHONDONTWRITEBYTECODE (set in some shells) each start would otherwise compile
    every module of ours from source, which a user never pays and the bare windows, made of installed packages
    only, do not pay either."""
    folders = [str(root / name) for name in ("core", "desktop") if (root / name).is_dir()]
    subprocess.run([python, "-m", "compileall", "-q", *folders], capture_output=True, check=True)


def _private_copy(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / path.name
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", nargs="?", type=Path, default=OUT / "actions-200k.cyberdesk")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", nargs=2, type=Path, metavar=("ROOT", "DB"), help="also run another checkout")
    args = parser.parse_args()
    db = args.db.resolve()
    if not db.exists():
        sys.exit(f"{db} is missing: run bench/make_bench_dbs.py first")
    python = sys.executable
    checkouts = {"": (ROOT, db)}
    if args.against:
        checkouts[" before"] = (args.against[0].resolve(), args.against[1].resolve())
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config, "CYBERDESK_BENCH_EXIT": "1"}
        for name, (root, path) in list(checkouts.items()):
            _compile_bytecode(python, root)
            checkouts[name] = (root, _private_copy(path, Path(config) / (name.strip() or "after")))
        # (label, argv, checkout)
        variants: list[tuple[str, list[str], Path]] = [
            ("a", [python, "-c", _FRAME], ROOT),
            ("c", [python, "-c", _STACK.format(db=str(db)) + _FRAME], ROOT),
        ]
        for name, (root, path) in checkouts.items():
            variants.append(("bd" + name, [python, "-c", _RUN_GUI.format(db=str(path))], root))
            variants.append(("bd2" + name, [python, "-m", "desktop", "--db", str(path)], root))
        times: dict[str, list[float]] = {}
        for label, argv, root in variants:  # warm the page cache; a first start also writes its settings
            if label.startswith("bd2"):
                _run(argv, {**env, "PYTHONPATH": str(root)}, root)
        for _ in range(args.runs):
            for label, argv, root in variants:
                marks = _run(argv, {**env, "PYTHONPATH": str(root)}, root)
                if label.startswith("bd"):
                    suffix = label[2:]
                    times.setdefault("b" + suffix, []).append(marks["first_frame"])
                    times.setdefault("d" + suffix, []).append(marks["populated"])
                    if "cpu_populated" in marks:
                        times.setdefault("cpu_d" + suffix, []).append(marks["cpu_populated"])
                    if "charts" in marks:
                        times.setdefault("e" + suffix, []).append(marks["charts"])
                else:
                    times.setdefault(label, []).append(marks["first_frame"])
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    labels = {
        "a": "bare QMainWindow, first frame",
        "c": "bare + pyqtgraph + SQLAlchemy + engine, first frame",
        "b": "cyberdesk (run_gui), first frame",
        "d": "cyberdesk (run_gui), first frame with data",
        "b2": "cyberdesk (python -m desktop), first frame",
        "d2": "cyberdesk (python -m desktop), first frame with data",
        "e": "cyberdesk (run_gui), dashboard charts painted (info)",
    }
    print(f"{db.name}, median of {args.runs} runs each, in turn (ms; min-max in brackets)")
    for name in checkouts:
        for key, label in labels.items():
            if key in "ac" and name:
                continue
            if (key if key in "ac" else key + name) not in times:
                continue  # a start page without charts (the code before the dashboard opened first)
            values = times[key if key in "ac" else key + name]
            shown = f"({key}){name}"
            print(
                f"  {shown:10s} {label:52s} {med[key if key in 'ac' else key + name]:7.0f}  "
                f"[{min(values) * 1000:.0f}-{max(values) * 1000:.0f}]"
            )
    for name in checkouts:
        if "cpu_d" + name in med:  # less sensitive than the wall clock to other work on the machine
            print(f"  (d){name} CPU time of every thread to the first frame with data: {med['cpu_d' + name]:.0f} ms")
    for name in checkouts:
        for num, den in (("b", "a"), ("d", "c"), ("b2", "a"), ("d2", "c")):
            ratio = med[num + name] / med[den]
            verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
            print(f"  {num}/{den}{name} = {ratio:.2f}  (target <= {TARGET_RATIO})  {verdict}")


if __name__ == "__main__":
    main()
