"""The actions list and global search on the 200,000-action database, each step against its target (ms).

Every step is timed as the user sees it from the model: the model call (which queries the database) and then the
cells of the first screen read back through `data()` as a view would paint them. Each step runs --runs times
(median shown, min-max in brackets), the steps interleaved round after round so that load from other work on
the machine falls on all of them alike. After a sort, the order the list reads in the background (ListOrder) is
waited for untimed, as a user who sorts and then types. Filter keystrokes time `set_search` itself (the view's
debounce is not counted). The view is also built and painted for real once per round (`ListView` shown and
grabbed), for information.

`--against ROOT DB` compares with another checkout (e.g. the code before a change, on a copy of the database at
its schema): one round of each in turn, in fresh processes, and the ratio after/before per step. The size of each
database file is shown too (the text index of migration 0003 adds some 14%).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.db.engine import open_database
from core.db.lock import DatabaseLocked
from core.reports.lists import list_spec

try:
    from core.reports.lists import order_worth_reading
except ImportError:  # a checkout from before ListOrder (--against): nothing to wait for

    def order_worth_reading(entity: str, sort: tuple[str, bool] | None) -> bool:
        return False


from core.reports.search import search_everything
from desktop.lists.table_model import ListTableModel
from desktop.lists.view import ListView

OUT = Path(__file__).resolve().parent / "out"
SCREEN_ROWS = 40  # rows of a maximised list on a large screen
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.TextAlignmentRole)
# A meeting title, an action ref in 12,000 actions, a rare name, a common word and a phrase each in a third of all
# actions, a word found nowhere, a word in nearly every action's latest update; then one and two letters (names
# and refs only: no index serves them in descriptions).
SEARCHES = ("ICEG-12", "A04.0", "Bergstrom", "contact", "points of contact", "zqxv", "completed", "p", "co")
KEYSTROKES = ("p", "po", "poi")


def first_screen(model: ListTableModel) -> None:
    for row in range(min(SCREEN_ROWS, model.rowCount())):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in ROLES:
                model.data(index, role)


Targets = list[tuple[str, float | None]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", nargs="?", type=Path, default=OUT / "actions-200k.cyberdesk")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--as-at", type=date.fromisoformat, default=date.today(), help="default: today, as the app")
    parser.add_argument("--against", nargs=2, type=Path, metavar=("ROOT", "DB"), help="compare with another checkout")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: run bench/make_bench_dbs.py first")
    if args.against:
        compare(args)
        return
    targets, times = measure(args.db, args.runs, args.as_at)
    if args.json:
        print(json.dumps({"targets": targets, "times": times}))
        return
    print(f"{args.db.name}, as at {args.as_at}, median of {args.runs} runs (ms; min-max in brackets)")
    failed = 0
    for label, target in targets:
        values = times[label]
        median = statistics.median(values)
        failed += target is not None and median > target
        print(f"  {label:54s} {median:8.1f}  [{min(values):.1f}-{max(values):.1f}]  {verdict(median, target)}")
    print(f"{failed} of {sum(1 for _, t in targets if t is not None)} targets missed")


def verdict(median: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"<= {target:.0f} {'pass' if median <= target else 'FAIL'}"


def compare(args: argparse.Namespace) -> None:
    """Rounds of this checkout and the other in turn, each in a fresh process; medians and after/before."""
    root, other_db = (path.resolve() for path in args.against)
    here = Path(__file__).resolve()
    sides = {"after": (here.parent.parent, args.db.resolve()), "before": (root, other_db)}
    targets: Targets = []
    times: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    for round_no in range(args.runs):
        order = list(sides) if round_no % 2 == 0 else list(reversed(sides))
        for side in order:
            checkout, db = sides[side]
            argv = [sys.executable, str(here), str(db), "--runs", "1", "--json", "--as-at", args.as_at.isoformat()]
            env = {**os.environ, "PYTHONPATH": str(checkout), "QT_QPA_PLATFORM": "offscreen"}
            done = subprocess.run(argv, env=env, cwd=checkout, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            targets = [(label, target) for label, target in result["targets"]]
            for label, values in result["times"].items():
                times[side].setdefault(label, []).extend(values)
    print(f"{args.db.name} as at {args.as_at}: median of {args.runs} rounds each, in turn (ms)")
    sizes = {side: db.stat().st_size / 1e6 for side, (_root, db) in sides.items()}
    print(f"  database file: before {sizes['before']:.1f} MB, after {sizes['after']:.1f} MB")
    print(f"  {'step':54s} {'before':>8s} {'after':>8s} {'ratio':>6s}  target  before / after")
    for label, target in targets:
        before, after = (statistics.median(times[side][label]) for side in ("before", "after"))
        if target is None:
            shown, verdicts = "     -", ""
        else:
            shown = f"{target:6.0f}"
            verdicts = " / ".join("pass" if value <= target else "FAIL" for value in (before, after))
        print(f"  {label:54s} {before:8.1f} {after:8.1f} {after / before:6.2f}  {shown}  {verdicts}")


def measure(path: Path, runs: int, as_at: date) -> tuple[Targets, dict[str, list[float]]]:
    app = QApplication.instance() or QApplication([])
    try:
        db = open_database(path)  # read-write, as the app: a newer schema is migrated once
    except DatabaseLocked:
        db = open_database(path, readonly=True)  # open elsewhere (another benchmark): reading is all this needs
    model = ListTableModel(db, "actions", as_at=as_at)
    column = {c.key: i for i, c in enumerate(list_spec("actions").columns)}
    asc, desc = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder

    def open_model() -> None:
        first_screen(ListTableModel(db, "actions", as_at=as_at))

    def sorter(key: str, order: Qt.SortOrder) -> Callable[[], None]:
        def run() -> None:
            model.sort(column[key], order)
            first_screen(model)

        return run

    def typing(text: str) -> Callable[[], None]:
        def run() -> None:
            model.set_search(text)
            first_screen(model)

        return run

    def searcher(text: str) -> Callable[[], None]:
        def run() -> None:
            with db.read() as session:
                search_everything(session, text)

        return run

    def settle() -> None:
        """Wait (untimed) for the order a sort reads in the background, as a user who sorts and then types: else
        that reading runs on during the next steps."""
        deadline = time.perf_counter() + 30
        while not getattr(model, "has_order", True) and list_order_wanted() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)

    def list_order_wanted() -> bool:
        return order_worth_reading("actions", model.query.sort)

    def sorted_by(key: str, order: Qt.SortOrder) -> Callable[[], None]:
        def run() -> None:
            model.set_search("")
            model.sort(column[key], order)
            settle()

        return run

    def reset() -> None:
        model.set_search("")
        model.sort(column["due"], asc)

    def open_view() -> None:
        view = ListView(db, "actions")
        view.resize(1400, 900)
        view.show()
        view.grab()
        view.close()
        view.deleteLater()
        app.processEvents()

    # (label, target ms or None, step, run after the step untimed)
    steps: list[tuple[str, float | None, Callable[[], None], Callable[[], None] | None]] = [
        ("open actions: model + first screen", 50, open_model, None),
        ("open actions: ListView shown and painted", None, open_view, None),
        ("sort by due, ascending", 150, sorter("due", asc), None),
        ("sort by due, descending", 150, sorter("due", desc), None),
        ("sort by ref, ascending (text)", 150, sorter("ref", asc), None),
        ("sort by RAG, ascending", 500, sorter("rag", asc), settle),
        ("sort by RAG, descending", 500, sorter("rag", desc), settle),
        ("sort by open for N meetings, ascending", 500, sorter("open_for", asc), settle),
        ("sort by open for N meetings, descending", 500, sorter("open_for", desc), settle),
        ("sort by status, ascending", 150, sorter("status", asc), settle),
        ("sort by owner, ascending (another table's)", 150, sorter("owner", asc), settle),
        *((f"filter keystroke {text!r}", 100, typing(text), None) for text in KEYSTROKES),
        ("filter keystroke 'poi' sorted by RAG", 100, typing("poi"), None),
        ("filter keystroke 'A04.0' (rare, 6%)", 100, typing("A04.0"), None),
        ("filter keystroke 'A04.0' sorted by RAG", 100, typing("A04.0"), None),
        ("filter keystroke 'po' sorted by RAG (no index)", 100, typing("po"), None),
        ("filter keystroke 'zq' sorted by RAG (rare, no index)", 100, typing("zq"), None),
        ("filter keystroke 'zq' (rare, no index)", 100, typing("zq"), None),
        ("filter keystroke 'zq' sorted by ref (rare, no index)", 100, typing("zq"), None),
        ("filter keystroke 'zqx' sorted by RAG (no match)", 100, typing("zqx"), None),
        ("filter keystroke 'zqx' (no match)", 100, typing("zqx"), reset),
        # Sorted by a column no index serves in order: found in the order read after the sort (ListOrder).
        ("filter keystroke 'p' sorted by status", 100, typing("p"), None),
        ("filter keystroke 'co' sorted by status (late in it)", 100, typing("co"), None),
        ("filter keystroke 'poi' sorted by status", 100, typing("poi"), None),
        ("filter keystroke 'com' sorted by status (84%, late)", 100, typing("com"), None),
        ("filter keystroke 'mfa' sorted by owner agency", 100, typing("mfa"), None),
        ("filter keystroke 'open' sorted by action text", 100, typing("open"), None),
        ("filter keystroke 'p' sorted by owner", 100, typing("p"), None),
        ("filter keystroke 'A04' sorted by owner (6%)", 100, typing("A04"), None),
        ("filter keystroke 'po' sorted by open for N, descending", 100, typing("po"), None),
        ("filter keystroke 'co' sorted by open for N, descending", 100, typing("co"), None),
        ("filter keystroke 'p' sorted by extensions", 100, typing("p"), None),
        ("filter keystroke 'zq' sorted by extensions (rare)", 100, typing("zq"), reset),
        *((f"global search {text!r}", 100, searcher(text), None) for text in SEARCHES),
    ]
    # Keystrokes in the list's own order (due date), but some in RAG order: the sort is set untimed just before.
    # Two letters have no trigram: they are looked for in refs and names only, and the few rows they match found
    # first (core.db.text_search: MIN_TEXT_LENGTH, few_rows_narrowing).
    prepare: dict[str, Callable[[], None]] = {
        f"filter keystroke {KEYSTROKES[0]!r}": lambda: model.sort(column["due"], asc),
        "filter keystroke 'poi' sorted by RAG": lambda: model.sort(column["rag"], asc),
        "filter keystroke 'A04.0' (rare, 6%)": lambda: model.sort(column["due"], asc),
        "filter keystroke 'A04.0' sorted by RAG": lambda: model.sort(column["rag"], asc),
        "filter keystroke 'po' sorted by RAG (no index)": lambda: model.sort(column["rag"], asc),
        "filter keystroke 'zq' sorted by RAG (rare, no index)": lambda: model.sort(column["rag"], asc),
        "filter keystroke 'zq' (rare, no index)": lambda: model.sort(column["due"], asc),
        "filter keystroke 'zq' sorted by ref (rare, no index)": lambda: model.sort(column["ref"], asc),
        "filter keystroke 'zqx' sorted by RAG (no match)": lambda: model.sort(column["rag"], asc),
        "filter keystroke 'zqx' (no match)": lambda: model.sort(column["due"], asc),
        "filter keystroke 'p' sorted by status": sorted_by("status", asc),
        "filter keystroke 'co' sorted by status (late in it)": sorted_by("status", asc),
        "filter keystroke 'poi' sorted by status": sorted_by("status", asc),
        "filter keystroke 'com' sorted by status (84%, late)": sorted_by("status", asc),
        "filter keystroke 'mfa' sorted by owner agency": sorted_by("owner_agency", asc),
        "filter keystroke 'open' sorted by action text": sorted_by("description", asc),
        "filter keystroke 'p' sorted by owner": sorted_by("owner", asc),
        "filter keystroke 'A04' sorted by owner (6%)": sorted_by("owner", asc),
        "filter keystroke 'po' sorted by open for N, descending": sorted_by("open_for", desc),
        "filter keystroke 'co' sorted by open for N, descending": sorted_by("open_for", desc),
        "filter keystroke 'p' sorted by extensions": sorted_by("extensions", asc),
        "filter keystroke 'zq' sorted by extensions (rare)": sorted_by("extensions", asc),
    }
    times: dict[str, list[float]] = {label: [] for label, *_ in steps}
    open_model()  # warm the page cache and the statement caches once
    # The app has imported pyqtgraph, and numpy with it, by the time anyone types: it opens on the dashboard, whose
    # charts load it after the first frame. Else numpy's import (80 ms) lands on the first search in a ListOrder.
    importlib.import_module("pyqtgraph")
    # As the app does once started (desktop.app.resume_garbage_collection): else a full collection walks every
    # object of Qt, SQLAlchemy and the models, 80 ms, in whichever step the allocations before it happen to end.
    gc.collect()
    gc.freeze()
    for _ in range(runs):
        reset()
        for label, _target, step, after in steps:
            if label in prepare:
                prepare[label]()
            started = time.perf_counter()
            step()
            times[label].append((time.perf_counter() - started) * 1000)
            if after is not None:
                after()
        reset()
    db.close()
    return [(label, target) for label, target, *_ in steps], times


if __name__ == "__main__":
    main()
