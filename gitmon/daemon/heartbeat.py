"""The daemon's state file (`.gitmon/daemon.json`), which `gitmon status` shows.

Written atomically on every change of state and every HEARTBEAT seconds while idle, so a
reader can tell a live daemon (fresh heartbeat, pid alive) from one that died.
Scalar keys are the summary `gitmon status` prints; nested ones hold the details.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitmon.errors import FatalError
from gitmon.records import save
from gitmon.review import now

STATE_FILE = "daemon.json"   # the name gitmon.commands.status reads
HEARTBEAT = 30.0


class Heartbeat:
    def __init__(self, path: Path, root: Path, details: Callable[[], dict[str, Any]]) -> None:
        self.path = path
        self.details = details          # breaker and queue, asked for at each write
        self._lock = threading.Lock()
        self.data: dict[str, Any] = {
            "schema": "gitmon.daemon/1", "pid": os.getpid(), "repo": str(root),
            "state": "starting", "running_since": now(), "heartbeat_at": None,
            "reviews": 0, "errors": 0, "last_review": None, "last_error": None,
        }

    def update(self, **changes: Any) -> None:
        with self._lock:
            self.data.update(changes)
            self._write()

    def beat(self) -> None:
        with self._lock:
            self._write()

    def _write(self) -> None:
        details = self.details()
        data = dict(self.data, heartbeat_at=now(), **details)
        # A full disk must not kill the daemon; the next beat tries again.
        with contextlib.suppress(OSError, FatalError):
            save(self.path.parent, self.path.name, json.dumps(data, indent=2) + "\n", 0o644)
