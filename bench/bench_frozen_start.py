"""The frozen Linux build against frozen bare PySide6 apps: first window and bundle size, side by side in one run.

(a) a frozen bare QMainWindow to its first frame; (b) the frozen cyberdesk (`cyberdesk --db <demo office>`) to its
first frame; (c) a frozen bare window with pyqtgraph and SQLAlchemy imported and an engine created, to its first
frame; (d) cyberdesk to the first frame with the office's data, for information. Targets: b/a <= 1.2 (start) and
size(cyberdesk) / size(c) <= 1.5 (bundle).

The bare apps are frozen by the same PyInstaller with its defaults (one folder, tkinter left out as in our spec) and
cached in bench/out/frozen/ with a stamp of their source and the PyInstaller version. The cyberdesk build is
installers/cyberdesk.spec, frozen here too unless --app names an existing one-folder build (dist/cyberdesk). Times
and marks are those of bench_gui_start.py (same first-frame definition, CLOCK_MONOTONIC from just before the spawn),
with the variants interleaved round after round so load from other work falls on all alike.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_gui_start import _FRAME, _STACK, TARGET_RATIO, _private_copy, _run

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out" / "frozen"
SIZE_TARGET = 1.5


def folder_size(folder: Path) -> int:
    """Bytes on disk of every regular file (symlinks, which PyInstaller uses for Qt's libraries, count once)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _pyinstaller_version(python: str) -> str:
    return subprocess.run(
        [python, "-m", "PyInstaller", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def freeze_bare(python: str, name: str, source: str) -> Path:
    """A one-folder build of `source`, rebuilt only when the source or PyInstaller changed."""
    stamp = hashlib.sha256((source + _pyinstaller_version(python)).encode()).hexdigest()[:16]
    app = OUT / "dist" / name
    stamp_file = OUT / f"{name}.stamp"
    if app.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return app
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / f"{name}.py"
    script.write_text(source)
    subprocess.run(
        [
            python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--onedir",
            "--exclude-module", "tkinter",
            "--distpath", str(OUT / "dist"), "--workpath", str(OUT / "build"), "--specpath", str(OUT),
            str(script),
        ],
        check=True,
    )  # fmt: skip
    stamp_file.write_text(stamp)
    return app


def freeze_cyberdesk(python: str) -> Path:
    subprocess.run(
        [
            python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(OUT / "dist"), "--workpath", str(OUT / "build-cyberdesk"),
            str(ROOT / "installers" / "cyberdesk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return OUT / "dist" / "cyberdesk"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", type=Path, help="an existing cyberdesk one-folder build (default: freeze it here)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    bare = freeze_bare(python, "bare_window", _FRAME)
    stack = freeze_bare(python, "bare_stack", _STACK.format(db=str(OUT / "stack.sqlite")) + _FRAME)
    app = args.app.resolve() if args.app else freeze_cyberdesk(python)
    programs = {"a": bare / "bare_window", "c": stack / "bare_stack", "b": app / "cyberdesk"}

    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config, "CYBERDESK_BENCH_EXIT": "1"}
        demo = Path(config) / "built" / "demo.cyberdesk"
        demo.parent.mkdir()
        subprocess.run([programs["b"], "--db", demo, "demo", "--as-at", "2025-08-15"], env=env, check=True)
        office = _private_copy(demo, Path(config) / "open")
        argvs = {
            "a": [str(programs["a"])],
            "c": [str(programs["c"])],
            "b": [str(programs["b"]), "--db", str(office)],
        }
        for argv in argvs.values():  # warm the page cache; the first start also writes cyberdesk's settings
            _run(argv, env, OUT)
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for label, argv in argvs.items():
                marks = _run(argv, env, OUT)
                times.setdefault(label, []).append(marks["first_frame"])
                if label == "b":
                    times.setdefault("d", []).append(marks["populated"])

    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    labels = {
        "a": "frozen bare QMainWindow, first frame",
        "c": "frozen bare + pyqtgraph + SQLAlchemy + engine, first frame",
        "b": "frozen cyberdesk, first frame",
        "d": "frozen cyberdesk, first frame with the demo office's data",
    }
    print(f"median of {args.runs} runs each, in turn (ms; min-max in brackets)")
    for key, label in labels.items():
        values = times[key]
        print(f"  ({key}) {label:60s} {med[key]:7.0f}  [{min(values) * 1000:.0f}-{max(values) * 1000:.0f}]")
    ratio = med["b"] / med["a"]
    print(f"  b/a = {ratio:.2f}  (target <= {TARGET_RATIO})  {'met' if ratio <= TARGET_RATIO else 'NOT met'}")
    print(f"  d/c = {med['d'] / med['c']:.2f}  (for information)")
    sizes = {"a": folder_size(bare), "c": folder_size(stack), "b": folder_size(app)}
    print("bundle size (MiB, files in the one-folder build)")
    for key in ("a", "c", "b"):
        print(f"  ({key}) {labels[key].split(',')[0]:60s} {sizes[key] / 2**20:7.1f}")
    size_ratio = sizes["b"] / sizes["c"]
    verdict = "met" if size_ratio <= SIZE_TARGET else "NOT met"
    print(f"  size b/c = {size_ratio:.2f}  (target <= {SIZE_TARGET})  {verdict};  b/a = {sizes['b'] / sizes['a']:.2f}")


if __name__ == "__main__":
    main()
