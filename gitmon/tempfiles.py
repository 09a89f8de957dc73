"""Temp files of atomic writes: named after their writer, removed once it is dead.

`.tmp-<pid>-<host>-<random><suffix>`: a later write into the same folder can tell that
the process which made a temp file is gone (SIGKILL, power loss) and remove the file.
A file of another host (a shared volume) or of a pid that is alive again is only removed
when it is older than an hour, which no atomic write takes. Import-light (os, time).
"""

from __future__ import annotations

import os
import time

TMP_PREFIX = ".tmp-"
STALE_AFTER = 3600.0
_host: str | None = None


def temp_name(suffix: str = "") -> str:
    return f"{TMP_PREFIX}{os.getpid()}-{host()}-{os.urandom(6).hex()}{suffix}"


def host() -> str:
    """This machine's name, letters and digits only (a temp file name part)."""
    global _host
    if _host is None:
        _host = "".join(c for c in os.uname().nodename if c.isalnum())[:24] or "host"
    return _host


def sweep(dfd: int) -> int:
    """Remove the temp files of dead writers in a folder; return how many."""
    removed = 0
    now = time.time()
    for name in os.listdir(dfd):
        if not name.startswith(TMP_PREFIX):
            continue
        try:
            age = now - os.stat(name, dir_fd=dfd, follow_symlinks=False).st_mtime
            if age > STALE_AFTER or _dead_writer(name):
                os.unlink(name, dir_fd=dfd)
                removed += 1
        except OSError:
            continue
    return removed


def _dead_writer(name: str) -> bool:
    """Was name written here by a process of this host that is gone? (Unknown: no.)"""
    fields = name[len(TMP_PREFIX):].split("-")
    if len(fields) < 3 or not fields[0].isdigit() or fields[1] != host():
        return False
    return not pid_alive(int(fields[0]))


def pid_alive(pid: int) -> bool:
    """Does a process with this pid run on this machine (another user's included)?"""
    if pid <= 0:
        return False       # 0 and negatives name process groups, never one owner
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True        # exists, owned by someone else
    return True
