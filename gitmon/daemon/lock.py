"""One daemon per repository: an flock'ed lock file holding the daemon's pid.

flock is released by the kernel when its holder dies, however it dies, so a lock file
left by a dead daemon is simply taken over; the pid inside says whom to signal for
`gitmon watch --stop` and whom a second daemon was refused for.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
from pathlib import Path

from gitmon import fsio, records
from gitmon.errors import FatalError, UsageError

LOCK_FILE = "daemon.lock"


class DaemonLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.took_over: int | None = None   # pid of a dead daemon whose lock we took

    def acquire(self) -> None:
        # Never through a link: a change could commit `.gitmon/daemon.lock -> ~/.bashrc`.
        records.ensure_dir(self.path.parent)
        fd = fsio.open_file(str(self.path), os.O_RDWR | os.O_CREAT,
                            anchor=str(self.path.parent.parent))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            pid = read_pid(self.path)
            raise UsageError(
                f"a gitmon daemon is already watching this repository (pid {pid})",
                hint="see it with `gitmon status`, or stop it with `gitmon watch --stop`",
            ) from None
        old = read_pid(self.path)
        self.took_over = old if old not in (None, os.getpid()) else None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        # Empty the file before unlocking: a later reader sees no pid, not a stale one.
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)
        self._fd = None


def read_pid(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    finally:
        os.close(fd)
    return int(text) if text.isdigit() else None


def holder(path: Path) -> int | None:
    """The pid of the live daemon holding the lock, or None when nobody holds it."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return read_pid(path) or -1
    finally:
        os.close(fd)   # closing drops a lock we may just have taken
    return None


def stop(path: Path, timeout: float = 10.0) -> int | None:
    """SIGTERM the daemon holding the lock and wait until it let go; return its pid."""
    pid = holder(path)
    if pid is None:
        return None
    if pid > 0:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while holder(path) is not None:
        if time.monotonic() > deadline:
            raise FatalError(f"the gitmon daemon (pid {pid}) did not stop within {timeout:g}s",
                             hint=f"kill it with `kill -9 {pid}`")
        time.sleep(0.05)
    return pid
