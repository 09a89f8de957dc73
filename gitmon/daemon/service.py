"""The daemon's life: one per repo (lock), watch, review in one thread, beat, stop cleanly.

Threads: watchdog's inotify reader (events -> coalescer), the review thread (Loop.serve)
and the main thread, which only waits for a signal and beats every HEARTBEAT seconds.
SIGINT/SIGTERM/SIGHUP: the review in flight gets GRACE seconds to finish; past that it is
abandoned before its record is written (never half of one) and its semgrep is killed
(semgrep runs in its own session: a closed terminal's SIGHUP reaches only the daemon).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from gitmon import gitio, records
from gitmon.daemon import notify
from gitmon.daemon.answers import Server
from gitmon.daemon.breaker import Breaker
from gitmon.daemon.debounce import Coalescer
from gitmon.daemon.heartbeat import HEARTBEAT, STATE_FILE, Heartbeat
from gitmon.daemon.ignore import IgnoreRules
from gitmon.daemon.lock import LOCK_FILE, DaemonLock
from gitmon.daemon.loop import Loop, say
from gitmon.daemon.staged import Staged
from gitmon.pipeline import WriteGuard
from gitmon.review import now

GRACE = 3.0


@dataclass(frozen=True)
class Config:
    root: Path
    policy_path: str | None = None
    debounce: float = 0.5
    notify: str | None = None
    threshold: int = 3
    cooldown: float = 60.0


class Service:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.breaker = Breaker(cfg.threshold, cfg.cooldown)
        self.coalescer = Coalescer(cfg.debounce)
        self.guard = WriteGuard()
        self.stopping = threading.Event()
        self.loop = Loop(cfg.root, cfg.policy_path, self.breaker, self.guard,
                         notify.Notifier(cfg.notify), None, self._resync, recover=True,
                         warm=True)
        self.base = records.records_dir(cfg.root, self.loop.policy.settings.records)
        self.heartbeat = Heartbeat(self.base / STATE_FILE, cfg.root, self._details)
        self.loop.heartbeat = self.heartbeat
        self.watcher: Any = None
        self.server: Server | None = None
        self.staged: Staged | None = None

    def run(self) -> int:
        lock = DaemonLock(self.base / LOCK_FILE)
        lock.acquire()
        if lock.took_over:
            say(f"took over the lock of a daemon that is gone (pid {lock.took_over})")
        try:
            return self._run()
        finally:
            lock.release()

    def _run(self) -> int:
        records.ensure_dir(self.base)
        self.watcher = _make_watcher(self.cfg.root, self.loop.policy.settings.records,
                                     self.coalescer.touch, say)
        self.watcher.start()
        self.staged = Staged(self.cfg.root, self.loop.git_dir, lambda: None if
                             self.loop.policies.error else self.loop.policy, self.loop.answers)
        self.server = Server(str(self.loop.git_dir), self.loop.answers, say, self.staged.answer)
        self.server.start()
        worker = threading.Thread(target=self._work, name="gitmon-review", daemon=True)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        worker.start()
        say(f"watching {self.cfg.root} ({self.watcher.count} watches, debounce "
            f"{self.cfg.debounce:g}s); stop with Ctrl-C or `gitmon watch --stop`")
        while not self.stopping.wait(HEARTBEAT):
            self.heartbeat.beat()
        self._shutdown(worker)
        return 0

    def _work(self) -> None:
        self.loop.guarded(self.loop.catch_up)
        self.heartbeat.update(state="watching")
        self.loop.serve(self.coalescer)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():          # a second Ctrl-C: no more grace
            self.guard.abandon()
        self.stopping.set()

    def _shutdown(self, worker: threading.Thread) -> None:
        self.heartbeat.update(state="stopping")
        self.coalescer.close()
        worker.join(0 if self.guard.abandoned else GRACE)
        if worker.is_alive():
            self.guard.abandon()            # waits for a record being written to be whole
            if self.loop.resident is not None:
                self.loop.resident.close()  # a scan waiting on it gives up, starts nothing
            _kill_children()
            say(f"abandoned the review of the {self.loop.current or 'change'} to stop")
        self.watcher.stop()
        if self.server is not None:
            self.server.stop()
        if self.loop.resident is not None and not worker.is_alive():
            self.loop.resident.stop()   # else _kill_children already ended it mid-review
        self.heartbeat.update(state="stopped", stopped_at=now())
        say("stopped")

    def _resync(self, full: bool) -> None:
        if self.watcher is not None:
            self.watcher.resync(full)

    def _details(self) -> dict[str, Any]:
        pending = self.coalescer.snapshot()
        busy = any(bool(v) for v in pending.values())
        queue = "reviewing" if self.loop.current else "pending" if busy else "idle"
        engine = self.loop.resident.snapshot() if self.loop.resident else "one-shot"
        return {"breaker": self.breaker.state, "queue": queue, "engine": engine,
                "reviewing": self.loop.current,
                "watches": self.watcher.count if self.watcher else 0,
                "watch_limit_hit": bool(self.watcher and self.watcher.limit_hit),
                "hook_socket": bool(self.server and self.server.listening),
                "hook_served": self.loop.answers.served,
                "hook_reviews": self.staged.reviews if self.staged else 0,
                "breaker_detail": self.breaker.snapshot(), "queue_detail": pending}


def _make_watcher(root: Path, records_folder: str, sink: Any, warn: Any) -> Any:
    rules = IgnoreRules(root, records_folder)
    git_dir, refs = gitio.git_dir(root), gitio.common_dir(root) / "refs"
    try:
        from gitmon.daemon.watcher import Watcher
    except (ImportError, OSError):           # no inotify here (macOS, BSD, Windows)
        from gitmon.daemon.fallback import FallbackWatcher
        return FallbackWatcher(root, git_dir, refs, rules, sink, warn)
    return Watcher(root, git_dir, refs, rules, sink, warn)


def _kill_children() -> None:
    """End the processes this daemon started (semgrep of an abandoned review, and theirs)."""
    for pid in reversed(_descendants("self")):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


def _descendants(pid: str) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):
            for child in task.read_text().split():
                found.append(int(child))
                found += _descendants(child)
    return found
