"""Set up and run Cyber Affairs Desk, or every check, on Windows, macOS and Linux alike.

    python dev.py start    set up, build the demo office if needed, open the application on it
    python dev.py check    set up, then ruff, mypy, import-linter, pytest with coverage, and a packaging check
    python dev.py postgres start a throw-away PostgreSQL on loopback for the tests and print its URL (Ctrl+C stops it)

Only the standard library is used here: this script runs before anything is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 11)
# The URL of a PostgreSQL database the tests may fill and empty; tests/core/conftest.py reads it.
PG_URL_VARIABLE = "CYBERDESK_TEST_PG_URL"


def venv_bin(env_dir: Path, name: str) -> Path:
    if os.name == "nt":
        return env_dir / "Scripts" / (name + ".exe")
    return env_dir / "bin" / name


def run(cmd: list[str | Path], **kwargs: object) -> None:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    completed = subprocess.run([str(c) for c in cmd], check=False, **kwargs)  # type: ignore[call-overload]
    if completed.returncode != 0:
        print(f"\nFAILED (exit {completed.returncode}): {' '.join(str(c) for c in cmd)}", flush=True)
        sys.exit(completed.returncode)


def ensure_venv(extras: str) -> Path:
    """Create .venv and install the project into it, reinstalling only when pyproject.toml changes."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"Cyber Affairs Desk needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; this is {sys.version}")
    python = venv_bin(VENV, "python")
    if not python.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".cyberdesk-installed"
    installed = stamp.read_text().split() if stamp.exists() else []
    if digest not in installed:
        spec = f".[{extras}]" if extras else "."
        run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec], cwd=ROOT)
        stamp.write_text("\n".join([*installed, digest]))
    return python


def missing_qt_system_libraries() -> list[str]:
    """Debian/Ubuntu packages Qt's xcb platform needs and a minimal Linux lacks (Qt's own error is cryptic)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return []
    import ctypes.util

    wanted = {
        "xcb-icccm": "libxcb-icccm4",
        "xcb-keysyms": "libxcb-keysyms1",
        "xcb-cursor": "libxcb-cursor0",
        "xkbcommon-x11": "libxkbcommon-x11-0",
    }
    return [package for lib, package in wanted.items() if ctypes.util.find_library(lib) is None]


def start(_: argparse.Namespace) -> None:
    python = ensure_venv("")
    missing = missing_qt_system_libraries()
    if missing:
        sys.exit(
            "Qt needs system libraries that this machine lacks. Install them, then run this again:\n"
            f"    sudo apt-get install {' '.join(missing)}"
        )
    cyberdesk = venv_bin(VENV, "cyberdesk")
    demo_db = demo_database_path(python)
    if not demo_db.exists():
        run([cyberdesk, "--db", demo_db, "demo"])
    run([cyberdesk, "--db", demo_db])


def demo_database_path(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "from core.db.paths import demo_database_path; print(demo_database_path())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def check(args: argparse.Namespace) -> None:
    python = ensure_venv("test,postgres")
    with test_postgres() as pg_url:
        run_checks(args, python, pg_url)


def run_checks(args: argparse.Namespace, python: Path, pg_url: str | None) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if os.environ.get("CI"):
        env["HYPOTHESIS_PROFILE"] = "ci"
    if pg_url:
        env[PG_URL_VARIABLE] = pg_url
    tools = VENV / ("Scripts" if os.name == "nt" else "bin")
    run([python, "-m", "ruff", "check", "."], cwd=ROOT)
    run([python, "-m", "ruff", "format", "--check", "."], cwd=ROOT)
    run([python, "-m", "mypy"], cwd=ROOT)
    run([tools / ("lint-imports.exe" if os.name == "nt" else "lint-imports")], cwd=ROOT)
    run([python, "-m", "coverage", "erase"], cwd=ROOT)
    run([python, "-m", "coverage", "run", "-m", "pytest", *args.pytest_args], cwd=ROOT, env=env)
    run([python, "-m", "coverage", "report"], cwd=ROOT)
    if not args.skip_packaging:
        packaging_check(python)
    print("\nAll checks passed.")


def packaging_check(python: Path) -> None:
    """Build the wheel, install it into a fresh environment and use it the way an installed user would."""
    with tempfile.TemporaryDirectory(prefix="cyberdesk-pkg-") as tmp_name:
        tmp = Path(tmp_name)
        run([python, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", tmp, ROOT])
        wheels = list(tmp.glob("cyberdesk-*.whl"))
        if len(wheels) != 1:
            sys.exit(f"packaging check: expected one wheel, found {wheels}")
        env_dir = tmp / "env"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        fresh_python = venv_bin(env_dir, "python")
        run([fresh_python, "-m", "pip", "install", "--disable-pip-version-check", "-q", wheels[0]])
        cyberdesk = venv_bin(env_dir, "cyberdesk")
        db = tmp / "packaged.cyberdesk"
        # Run from a folder without the sources so only the installed packages can be imported.
        run([cyberdesk, "--version"], cwd=tmp)
        run([cyberdesk, "--db", db, "demo", "--as-at", "2025-08-15"], cwd=tmp)
        run([cyberdesk, "--db", db, "check"], cwd=tmp)
        if sys.platform.startswith("linux"):
            frozen_app_check(fresh_python, wheels[0], tmp)
    shutil.rmtree(ROOT / "build", ignore_errors=True)


def frozen_app_check(fresh_python: Path, wheel: Path, tmp: Path) -> None:
    """Build the Linux tarball with PyInstaller in the fresh environment (so only the runtime dependencies can be
    bundled), unpack it and run the frozen program as a user would, so packaging can never silently break."""
    started = time.perf_counter()
    run([fresh_python, "-m", "pip", "install", "--disable-pip-version-check", "-q", f"{wheel}[installers]"])
    out = tmp / "tarball"
    run([fresh_python, ROOT / "installers" / "build_linux.py", "--out", out, "--work", tmp / "frozen"], cwd=ROOT)
    built = time.perf_counter()
    tarballs = list(out.glob("cyberdesk-*-linux-*.tar.gz"))
    if len(tarballs) != 1:
        sys.exit(f"packaging check: expected one Linux tarball, found {tarballs}")
    unpacked = tmp / "unpacked"
    with tarfile.open(tarballs[0]) as tar:
        tar.extractall(unpacked, filter="tar")
    (folder,) = unpacked.iterdir()
    networked = [path.name for path in folder.rglob("*") if "qvnc" in path.name or "Qt6Network" in path.name]
    if networked:
        sys.exit(f"packaging check: the frozen app carries Qt's network code, which the spec leaves out: {networked}")
    frozen = folder / "cyberdesk"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    db = tmp / "frozen.cyberdesk"
    run([frozen, "--version"], cwd=folder, env=env)
    run([frozen, "--db", db, "demo", "--as-at", "2025-08-15"], cwd=folder, env=env)
    run([frozen, "--db", db, "check"], cwd=folder, env=env)
    run([frozen, "--self-test"], cwd=folder, env=env)
    print(
        f"packaging check: frozen build and tarball {built - started:.0f} s, "
        f"frozen runs {time.perf_counter() - built:.0f} s",
        flush=True,
    )


def _is_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's versioned folder (not on PATH there)."""
    found = shutil.which("initdb")
    if found:
        # Resolved: Debian links initdb onto PATH but not createdb's siblings.
        return Path(found).resolve().parent
    debian = Path("/usr/lib/postgresql")
    versions = sorted(debian.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])) if debian.is_dir() else []
    return versions[-1].parent if versions else None


def _install_postgres() -> None:
    """The distribution's PostgreSQL, where this is a root shell on a Debian-like system (a fresh CI machine)."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("PostgreSQL is not installed: installing it from the distribution's packages ...", flush=True)
    run(["apt-get", "update", "-q"], env=env)
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"], env=env)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def test_postgres() -> Iterator[str | None]:
    """The URL of a throw-away PostgreSQL database for the tests, or None (tests then say why they skip).

    An URL already in CYBERDESK_TEST_PG_URL is used as it is. Otherwise a cluster is made in a temporary folder and
    served on a free loopback port for as long as the block runs. initdb and the server refuse to run as root: as
    root they run as the `postgres` user the package creates. In CI (CI=true) having no server is an error."""
    if os.environ.get(PG_URL_VARIABLE):
        yield os.environ[PG_URL_VARIABLE]
        return
    bin_dir = _pg_bin_dir()
    if bin_dir is None:
        _install_postgres()
        bin_dir = _pg_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL is not installed (no initdb found) and could not be installed here"
        if _is_ci():
            sys.exit(f"CI needs PostgreSQL for the shared-office tests: {reason}.")
        print(f"Note: {reason}; the PostgreSQL tests will be skipped.", flush=True)
        yield None
        return
    as_root = os.name == "posix" and os.geteuid() == 0
    prefix: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="cyberdesk-pg-"))
    data = folder / "data"
    if as_root:
        shutil.chown(folder, "postgres")
    port = _free_port()
    started = False
    try:
        quiet = {"stdout": subprocess.DEVNULL}
        run(
            [*prefix, bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            **quiet,
        )
        # Throw-away data: no fsync, and the socket in our own folder (the system's may not be writable).
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run(
            [*prefix, bin_dir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-o", options, "-w", "start"],
            **quiet,
        )
        started = True
        run([*prefix, bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "cyberdesk_test"])
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/cyberdesk_test"
        print(f"PostgreSQL for the tests: {url}", flush=True)
        yield url
    finally:
        if started:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(folder, ignore_errors=True)


def postgres(_: argparse.Namespace) -> None:
    with test_postgres() as url:
        if url is None:
            sys.exit("No PostgreSQL available.")
        print(f"export {PG_URL_VARIABLE}={url}\nRunning until Ctrl+C.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="set up and open the application on the demo office").set_defaults(func=start)
    p_check = sub.add_parser("check", help="set up and run every check")
    p_check.add_argument("--skip-packaging", action="store_true", help="skip the wheel build and install")
    p_check.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest")
    p_check.set_defaults(func=check)
    sub.add_parser("postgres", help="serve a throw-away PostgreSQL for the tests").set_defaults(func=postgres)
    args = parser.parse_args()
    # A terminated run (CI timeout, `kill`) must still stop the throw-away PostgreSQL and delete its folder: turning
    # SIGTERM into SystemExit runs the `finally` blocks that Ctrl+C already runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    args.func(args)


if __name__ == "__main__":
    main()
