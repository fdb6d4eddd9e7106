"""Builds the benchmark databases: one with 200,000 actions, one with 100,000 budget lines in one fiscal year."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.db.engine import open_database
from core.demo import DemoSummary, build_action_bench, build_budget_bench

OUT = Path(__file__).resolve().parent / "out"


def _report(name: str, path: Path, summary: DemoSummary) -> None:
    print(f"{name:8s} {path}  {summary.total_rows:>10,} rows  {summary.elapsed_s:8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("actions_db", nargs="?", type=Path, default=OUT / "actions-200k.cyberdesk")
    parser.add_argument("budget_db", nargs="?", type=Path, default=OUT / "budget-100k.cyberdesk")
    parser.add_argument("--actions", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--replace", action="store_true", help="rebuild databases that already exist")
    args = parser.parse_args()
    for path in (args.actions_db, args.budget_db):
        path.parent.mkdir(parents=True, exist_ok=True)
    with open_database(args.actions_db, create=True) as db:
        _report("actions", args.actions_db, build_action_bench(db, actions=args.actions, replace=args.replace))
    with open_database(args.budget_db, create=True) as db:
        _report("budget", args.budget_db, build_budget_bench(db, lines=args.lines, replace=args.replace))


if __name__ == "__main__":
    main()
