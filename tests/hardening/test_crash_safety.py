"""Crash safety, proven: a writer killed with SIGKILL at random points loses no committed write and no consistency.

After every kill `check` must pass (integrity, foreign keys, the audit hash chain), every id the writer reported
committed must be there, and no transaction may be half there. The kill points come from `random.Random(seed)`;
the seed is fixed (CRASH_SEED overrides it) and printed in every failure, so a failing run can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.engine import open_database
from core.db.health import check_database
from core.services.office import initialise_office

SCRIPT = Path(__file__).with_name("crash_writer.py")
SEED = int(os.environ.get("CRASH_SEED", "20261127"))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash writer forks (POSIX only)")


class ForkServer:
    """The crash writer's fork server: `start(seed)` forks a writer, `kill()` kills it with SIGKILL."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.pid: int | None = None

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the fork server died"
        return line.strip()

    def start(self, seed: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"run {seed}\n")
        self.proc.stdin.flush()
        word, _, rest = self._line().partition(" ")
        assert word == "ready", f"{word} {rest}"
        self.pid = int(rest)

    def committed(self) -> tuple[int, int]:
        word, _, rest = self._line().partition(" ")
        assert word == "committed", f"the writer stopped: {word} {rest}"
        org, person = rest.split()
        return int(org), int(person)

    def kill(self) -> list[tuple[int, int]]:
        """SIGKILL the writer; return what it reported committed between the last read and its death."""
        assert self.pid is not None
        os.kill(self.pid, signal.SIGKILL)
        late: list[tuple[int, int]] = []
        while True:
            word, _, rest = self._line().partition(" ")
            if word == "done":
                # Killed, not exited: an error in the writer would be a failure of its own.
                assert int(rest) & 0x7F == signal.SIGKILL, f"writer ended with status {rest}"
                return late
            assert word == "committed", f"{word} {rest}"
            org, person = rest.split()
            late.append((int(org), int(person)))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture
def office_path(tmp_path: Path) -> Path:
    path = tmp_path / "crash.cyberdesk"
    with open_database(path, create=True) as db:
        initialise_office(db, name="Crash test office")
    return path


@pytest.fixture
def server(office_path: Path) -> Iterator[ForkServer]:
    fork_server = ForkServer(office_path)
    yield fork_server
    fork_server.close()


def _assert_nothing_lost(path: Path, committed: dict[int, int], context: str) -> None:
    report = check_database(path)
    assert report.ok, f"{context}: check failed: {report.problems}"
    assert report.integrity == "ok" and report.audit_entries > 0
    # A plain read-only connection: opening the office again would only repeat what check just did.
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        people = dict(conn.execute("SELECT id, organisation_id FROM person").fetchall())
        orgs = dict(conn.execute("SELECT id, notes FROM organisation WHERE name LIKE 'Crash org %'").fetchall())
    missing = {org for org in committed if org not in orgs}
    assert not missing, f"{context}: committed organisations lost: {sorted(missing)}"
    for org, person in committed.items():
        assert people.get(person) == org, f"{context}: committed person {person} of organisation {org} lost"
    # All or nothing: every crash organisation that exists (reported or not) has its person and its update.
    with_people = set(people.values())
    for org, notes in orgs.items():
        assert org in with_people and notes.startswith("checked"), f"{context}: half a transaction for {org}"


def _kill_repeatedly(server: ForkServer, path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    committed: dict[int, int] = {}
    for round_ in range(kills):
        context = f"CRASH_SEED={seed}, kill {round_ + 1} of {kills}"
        server.start(seed * 1000 + round_)
        # Kill after a few reported commits, then after a random sliver of time: mostly mid-transaction.
        for _ in range(rng.randint(0, 4)):
            org, person = server.committed()
            committed[org] = person
        time.sleep(rng.uniform(0, 0.004))
        committed.update(server.kill())
        _assert_nothing_lost(path, committed, context)
    assert len(committed) >= kills, f"CRASH_SEED={seed}: too few commits to prove anything ({len(committed)})"


def test_thirty_kills_lose_nothing_committed(server: ForkServer, office_path: Path) -> None:
    _kill_repeatedly(server, office_path, 30, SEED)


@pytest.mark.slow
@pytest.mark.soak
def test_five_hundred_kills_lose_nothing_committed(server: ForkServer, office_path: Path) -> None:
    _kill_repeatedly(server, office_path, 500, SEED + 1)
