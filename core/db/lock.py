"""The one-writer lock file of an SQLite database, modelled on QLockFile with stale lock time 0 (no Qt)."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, NamedTuple, Self

from core import APP_ID, APP_NAME

__all__ = ["DatabaseLock", "DatabaseLocked", "LockInfo", "lock_path_for", "read_lock_info"]

# The holder creates the file and writes its JSON in one step, so an unreadable lock younger than this is
# probably being written right now; an older one was left by a crash between create and write.
GARBAGE_GRACE_SECONDS: Final = 5.0
# How long acquire() waits for such a lock to become readable before reporting it as held.
_GARBAGE_WAIT_SECONDS: Final = 0.5
_POLL_SECONDS: Final = 0.05
# A lock stamped this long before the machine booted cannot belong to a running process, whatever its pid
# (pids are reused after a reboot); the slack absorbs clock adjustments.
_BOOT_SLACK_SECONDS: Final = 60.0


@dataclass(frozen=True)
class LockInfo:
    """Who holds a database: the content of its lock file."""

    pid: int
    host: str
    app: str
    user: str
    started_at: str  # ISO 8601, UTC

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> LockInfo:
        """Parse a lock file; ValueError for anything that is not a complete LockInfo."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("lock file is not a JSON object")
        pid, host, app, user, started = (data.get(k) for k in ("pid", "host", "app", "user", "started_at"))
        if not isinstance(pid, int) or isinstance(pid, bool):
            raise ValueError("lock file has no pid")
        if isinstance(host, str) and isinstance(app, str) and isinstance(user, str) and isinstance(started, str):
            return cls(pid=pid, host=host, app=app, user=user, started_at=started)
        raise ValueError("lock file is incomplete")


class _Snapshot(NamedTuple):
    content: bytes
    inode: int
    mtime_ns: int


class DatabaseLocked(Exception):
    """Another process holds the database's lock; `info` says who."""

    def __init__(self, db_path: Path, info: LockInfo, message: str | None = None) -> None:
        if message is None:
            app = APP_NAME if info.app == APP_ID else info.app
            message = f"{db_path.name} is open in {app} by {info.user} on host {info.host} (process {info.pid})."
        super().__init__(message)
        self.db_path = db_path
        self.info = info


def lock_path_for(db_path: Path) -> Path:
    """The lock file of `db_path`: same folder, name + ".lock"."""
    return db_path.with_name(db_path.name + ".lock")


def read_lock_info(db_path: Path) -> LockInfo | None:
    """Who holds `db_path`'s lock, or None when there is no readable lock file."""
    try:
        return LockInfo.from_json(lock_path_for(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises OSError or KeyError depending on platform and version
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def _host() -> str:
    return socket.gethostname()


def _same_host(a: str, b: str) -> bool:
    # Windows host names are case-insensitive and may come back in either case.
    return a.casefold() == b.casefold()


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    _kernel32.OpenProcess.restype = wintypes.HANDLE
    _kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    _kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    _kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    _kernel32.GetTickCount64.restype = ctypes.c_ulonglong
    _PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
    _STILL_ACTIVE = 259
    _ERROR_ACCESS_DENIED = 5

    def _pid_alive(pid: int) -> bool:
        if pid <= 0:
            return False
        handle = _kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            # Access denied means the process exists but belongs to someone else (or is protected).
            return ctypes.get_last_error() == _ERROR_ACCESS_DENIED
        try:
            code = wintypes.DWORD()
            if not _kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == _STILL_ACTIVE
        finally:
            _kernel32.CloseHandle(handle)

    def _boot_time() -> float | None:
        uptime_ms: int = _kernel32.GetTickCount64()
        return time.time() - uptime_ms / 1000.0

else:

    def _pid_alive(pid: int) -> bool:
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # exists, owned by another user
        except OSError:
            return True  # cannot tell: never take over a lock that may be live
        return not _is_zombie(pid)

    def _is_zombie(pid: int) -> bool:
        # A killed process whose parent has not reaped it still answers kill(pid, 0) but holds nothing.
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            return False
        # The state follows the parenthesised command name, which may itself contain ") ".
        return stat[stat.rfind(")") + 2 : stat.rfind(")") + 3] == "Z"

    def _boot_time() -> float | None:
        with contextlib.suppress(OSError, ValueError):
            for line in Path("/proc/stat").read_text(encoding="ascii").splitlines():
                if line.startswith("btime "):
                    return float(line.split()[1])
        return None


def _started_before_boot(info: LockInfo) -> bool:
    boot = _boot_time()
    if boot is None:
        return False
    try:
        started = datetime.fromisoformat(info.started_at)
    except ValueError:
        return False
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return started.timestamp() < boot - _BOOT_SLACK_SECONDS


class DatabaseLock:
    """Exclusive, advisory lock on one SQLite file shared by the GUI and every writing CLI command.

    The lock is a file next to the database, created atomically and holding the owner's LockInfo as JSON.
    A lock left by a process that no longer runs on this host is stale and taken over at once (QLockFile
    with setStaleLockTime(0)); a lock from another host is never taken over, since its process cannot be
    checked from here.
    """

    def __init__(self, db_path: Path, app: str = APP_ID) -> None:
        self.db_path = db_path
        self.path = lock_path_for(db_path)
        self.app = app
        self._info: LockInfo | None = None

    @property
    def held(self) -> bool:
        """True between a successful acquire() and release() on this object."""
        return self._info is not None

    @property
    def info(self) -> LockInfo | None:
        """Our LockInfo while held."""
        return self._info

    def acquire(self) -> None:
        """Take the lock or raise DatabaseLocked naming the holder; a stale lock is removed first.

        OSError (for example a read-only folder) propagates: the caller decides whether to open read-only.
        """
        if self._info is not None:
            raise RuntimeError(f"{self.path} is already held by this DatabaseLock")
        for attempt in range(2):
            info = LockInfo(
                pid=os.getpid(),
                host=_host(),
                app=self.app,
                user=_current_user(),
                # Microseconds, so that release() can tell two locks taken by one process apart.
                started_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            )
            if self._create(info):
                self._info = info
                return
            if attempt == 1:
                break
            stale = self._stale_snapshot()
            if stale is not None:
                self._remove_if_unchanged(stale)
            elif self.path.exists():
                break
        raise self._locked_error()

    def release(self) -> None:
        """Remove the lock file if it is still ours; a lock someone else now holds is left alone."""
        info, self._info = self._info, None
        if info is None:
            return
        try:
            current = LockInfo.from_json(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if current.pid == info.pid and current.started_at == info.started_at and _same_host(current.host, info.host):
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _create(self, info: LockInfo) -> bool:
        flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except FileExistsError:
            return False
        try:
            try:
                os.write(fd, info.to_json().encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            # A half-written lock would block everyone for the grace period; never leave one behind.
            with contextlib.suppress(OSError):
                self.path.unlink()
            raise
        return True

    def _read(self) -> _Snapshot | None:
        """The lock file as it is now, or None when it has gone."""
        try:
            with open(self.path, "rb") as f:
                st = os.fstat(f.fileno())
                return _Snapshot(f.read(), st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            return None

    def _stale_snapshot(self) -> _Snapshot | None:
        """The current lock file if it is stale, else None (held, or gone so that a retry may succeed)."""
        deadline = time.monotonic() + _GARBAGE_WAIT_SECONDS
        while True:
            snap = self._read()
            if snap is None:
                return None
            try:
                info = LockInfo.from_json(snap.content.decode("utf-8"))
            except ValueError:
                if time.time() - snap.mtime_ns / 1e9 > GARBAGE_GRACE_SECONDS:
                    return snap
                if time.monotonic() >= deadline:
                    return None
                time.sleep(_POLL_SECONDS)  # the holder may be between create and write
                continue
            if not _same_host(info.host, _host()):
                return None
            if _pid_alive(info.pid) and not _started_before_boot(info):
                return None
            return snap

    def _remove_if_unchanged(self, stale: _Snapshot) -> None:
        # Re-read just before removing, so that a lock another process has meanwhile taken over from the
        # same stale holder is not deleted by mistake (the window left is a few microseconds).
        if self._read() == stale:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _locked_error(self) -> DatabaseLocked:
        info = read_lock_info(self.db_path)
        if info is not None:
            return DatabaseLocked(self.db_path, info)
        unknown = LockInfo(pid=0, host="", app="", user="", started_at="")
        return DatabaseLocked(
            self.db_path,
            unknown,
            f"{self.db_path.name} is being opened by another program; try again in a moment.",
        )
