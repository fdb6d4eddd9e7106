"""Tests for the one-writer database lock: live and killed holders, foreign hosts and broken lock files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db import lock as lock_module
from core.db.lock import DatabaseLock, DatabaseLocked, LockInfo, lock_path_for, read_lock_info

REPO_ROOT = Path(__file__).resolve().parents[3]

HOLDER = """
import sys
from pathlib import Path
from core.db.lock import DatabaseLock
lock = DatabaseLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.read()  # hold the lock until killed or stdin closes
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "office.cyberdesk"
    path.write_bytes(b"")
    return path


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    """A separate process holding the lock on `db`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"  # blocks until the lock file is written
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


def write_lock(db: Path, **fields: object) -> Path:
    info = {
        "pid": 4_194_305,
        "host": socket.gethostname(),
        "app": "cyberdesk",
        "user": "alice",
        "started_at": "2024-01-01T00:00:00+00:00",
    }
    info.update(fields)
    path = lock_path_for(db)
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def make_old(path: Path, seconds: float = 60.0) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_lock_path_is_next_to_the_database(tmp_path: Path) -> None:
    assert lock_path_for(tmp_path / "office.cyberdesk") == tmp_path / "office.cyberdesk.lock"


def test_acquire_writes_our_info_and_release_removes_it(db: Path) -> None:
    lock = DatabaseLock(db)
    assert read_lock_info(db) is None
    lock.acquire()
    assert lock.held
    info = read_lock_info(db)
    assert info is not None and info == lock.info
    assert info.pid == os.getpid() and info.host == socket.gethostname() and info.app == "cyberdesk"
    assert info.user
    assert info.started_at.endswith("+00:00")
    lock.release()
    assert not lock.held and not lock_path_for(db).exists()
    lock.release()  # a second release is harmless


def test_second_lock_in_the_same_process_is_refused(db: Path) -> None:
    with DatabaseLock(db):
        before = lock_path_for(db).read_bytes()
        second = DatabaseLock(db)
        with pytest.raises(DatabaseLocked) as err:
            second.acquire()
        assert err.value.info.pid == os.getpid()
        assert err.value.db_path == db
        message = str(err.value)
        assert message.startswith("office.cyberdesk is open in Cyber Affairs Desk by ")
        assert f"on host {socket.gethostname()} (process {os.getpid()})." in message
        assert not second.held
        assert lock_path_for(db).read_bytes() == before


def test_acquire_twice_on_one_object_is_a_programming_error(db: Path) -> None:
    lock = DatabaseLock(db)
    lock.acquire()
    try:
        with pytest.raises(RuntimeError):
            lock.acquire()
    finally:
        lock.release()


def test_context_manager_releases_on_error(db: Path) -> None:
    with pytest.raises(ZeroDivisionError), DatabaseLock(db) as lock:
        assert lock.held and lock_path_for(db).exists()
        1 / 0  # noqa: B018
    assert not lock.held and not lock_path_for(db).exists()


def test_lock_held_by_another_live_process_is_refused(db: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(DatabaseLocked) as err:
        DatabaseLock(db).acquire()
    assert err.value.info.pid == holder.pid
    assert f"(process {holder.pid})" in str(err.value)


def test_lock_of_killed_process_is_taken_over(db: Path, holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.wait(timeout=10)
    stale = read_lock_info(db)
    assert stale is not None and stale.pid == holder.pid  # the crash left the file behind
    lock = DatabaseLock(db)
    lock.acquire()
    info = read_lock_info(db)
    assert info is not None and info.pid == os.getpid()
    lock.release()
    assert not lock_path_for(db).exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="zombie state read from /proc")
def test_lock_of_killed_unreaped_process_is_taken_over(db: Path, holder: subprocess.Popen[str]) -> None:
    holder.kill()
    # Not reaped: the pid still exists as a zombie. Poll (bounded) until the kernel has marked it so.
    deadline = time.monotonic() + 10
    while lock_module._pid_alive(holder.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert Path(f"/proc/{holder.pid}").exists()
    with DatabaseLock(db) as lock:
        assert lock.info is not None and read_lock_info(db) == lock.info


def test_lock_from_another_host_is_never_taken_over(db: Path) -> None:
    path = write_lock(db, host="ws-42-elsewhere", pid=4_194_305)
    make_old(path, 10 * 86_400)
    before = path.read_bytes()
    with pytest.raises(DatabaseLocked) as err:
        DatabaseLock(db).acquire()
    assert err.value.info.host == "ws-42-elsewhere"
    assert str(err.value) == (
        "office.cyberdesk is open in Cyber Affairs Desk by alice on host ws-42-elsewhere (process 4194305)."
    )
    assert path.read_bytes() == before


def test_lock_naming_a_dead_pid_on_this_host_is_stale(db: Path) -> None:
    write_lock(db, pid=4_194_305, started_at="2099-01-01T00:00:00+00:00")  # no such pid on Linux
    assert not lock_module._pid_alive(4_194_305)
    with DatabaseLock(db) as lock:
        assert read_lock_info(db) == lock.info


@pytest.mark.skipif(lock_module._boot_time() is None, reason="boot time unknown on this platform")
def test_lock_from_before_the_last_boot_is_stale_even_if_the_pid_was_reused(db: Path) -> None:
    write_lock(db, pid=os.getppid(), started_at="2000-01-01T00:00:00+00:00")
    assert lock_module._pid_alive(os.getppid())
    with DatabaseLock(db) as lock:
        assert read_lock_info(db) == lock.info


def test_live_pid_since_boot_is_not_stale(db: Path) -> None:
    path = write_lock(db, pid=os.getppid(), started_at="2099-01-01T00:00:00+00:00", user="bob", app="other")
    with pytest.raises(DatabaseLocked, match="is open in other by bob"):
        DatabaseLock(db).acquire()
    assert path.exists()


def test_release_only_removes_our_own_lock(db: Path) -> None:
    lock = DatabaseLock(db)
    lock.acquire()
    # Someone else now owns the file (it was replaced behind our back): release must leave it.
    path = write_lock(db, pid=os.getppid(), started_at="2099-01-01T00:00:00+00:00")
    theirs = path.read_bytes()
    lock.release()
    assert not lock.held
    assert path.read_bytes() == theirs


def test_release_leaves_a_lock_with_our_pid_but_another_start(db: Path) -> None:
    lock = DatabaseLock(db)
    lock.acquire()
    assert lock.info is not None
    path = write_lock(db, pid=os.getpid(), started_at="2099-01-01T00:00:00.000001+00:00")
    lock.release()
    assert path.exists()


@pytest.mark.parametrize("content", [b"", b"garbage", b"{", b'{"pid": "x"}', b"[1, 2]", b'{"pid": 1}', b"\xff\xfe"])
def test_old_garbage_lock_is_taken_over(db: Path, content: bytes) -> None:
    path = lock_path_for(db)
    path.write_bytes(content)
    make_old(path)
    assert read_lock_info(db) is None
    with DatabaseLock(db) as lock:
        assert read_lock_info(db) == lock.info
    assert not path.exists()


def test_fresh_garbage_lock_is_treated_as_being_written(db: Path) -> None:
    # A lock created this instant may be half-written by its holder: wait briefly, then report it as held.
    path = lock_path_for(db)
    path.write_bytes(b"")
    started = time.monotonic()
    with pytest.raises(DatabaseLocked, match="being opened by another program") as err:
        DatabaseLock(db).acquire()
    assert time.monotonic() - started < 3
    assert err.value.info.pid == 0
    assert path.read_bytes() == b""


def test_lock_info_json_round_trip() -> None:
    info = LockInfo(pid=12, host="h", app="cyberdesk", user="é", started_at="2024-01-01T00:00:00+00:00")
    assert LockInfo.from_json(info.to_json()) == info
    with pytest.raises(ValueError):
        LockInfo.from_json('{"pid": true, "host": "h", "app": "a", "user": "u", "started_at": "s"}')


def test_pid_liveness() -> None:
    assert lock_module._pid_alive(os.getpid())
    assert not lock_module._pid_alive(0)
    assert not lock_module._pid_alive(-1)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    assert not lock_module._pid_alive(proc.pid)
