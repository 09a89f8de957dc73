"""Debounce and coalesce file events into batches: a burst becomes one review.

The watcher thread calls `touch()`; the review thread calls `next_batch()`, which blocks
(no polling: a condition variable, so an idle daemon uses no CPU) until something is
pending and nothing new arrived for `delay` seconds (or `max_delay` passed since the
first event, so a file written without pause cannot starve reviews). Events that arrive
during a review simply accumulate into the next batch: one follow-up, never a pile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_PATHS = 2000   # beyond this a batch only says "many": memory stays bounded


@dataclass(frozen=True)
class Batch:
    paths: frozenset[str] = frozenset()   # changed work-tree paths (relative)
    broad: bool = False                    # too many paths, or a folder moved/deleted
    git: bool = False                      # HEAD or a ref may have moved
    rescan: bool = False                   # events were lost: look at everything

    @property
    def tree(self) -> bool:
        return bool(self.paths) or self.broad or self.rescan


@dataclass
class _Pending:
    paths: set[str] = field(default_factory=set)
    broad: bool = False
    git: bool = False
    rescan: bool = False
    first: float | None = None

    def batch(self) -> Batch:
        return Batch(frozenset(self.paths), self.broad, self.git, self.rescan)


class Coalescer:
    def __init__(self, delay: float, max_delay: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.max_delay = max_delay if max_delay is not None else max(10 * delay, 5.0)
        self.clock = clock
        self._cond = threading.Condition()
        self._pending = _Pending()
        self._last = 0.0
        self._closed = False

    def touch(self, kind: str, path: str | None = None) -> None:
        """Note an event. kind: tree (a work-tree file), dir (a folder moved or deleted),
        git (HEAD or a ref), rescan, or busy (git is working: only delays the batch)."""
        with self._cond:
            now = self.clock()
            self._last = now
            p = self._pending
            if kind == "tree" and path is not None:
                if len(p.paths) < MAX_PATHS:
                    p.paths.add(path)
                else:
                    p.broad = True
            elif kind == "dir":
                p.broad = True
            elif kind == "git":
                p.git = True
            elif kind == "rescan":
                p.rescan = True
            if kind != "busy" and p.first is None:
                p.first = now
            self._cond.notify_all()

    def next_batch(self) -> Batch | None:
        """Block until a quiet batch is ready; None once closed."""
        with self._cond:
            while not self._closed:
                first = self._pending.first
                if first is None:
                    self._cond.wait()
                    continue
                now = self.clock()
                quiet_at = self._last + self.delay
                if now >= quiet_at or now - first >= self.max_delay:
                    batch, self._pending = self._pending.batch(), _Pending()
                    return batch
                self._cond.wait(min(quiet_at, first + self.max_delay) - now)
            return None

    def wait(self, seconds: float) -> bool:
        """Sleep up to seconds or until an event or close(); False once closed."""
        with self._cond:
            if not self._closed:
                self._cond.wait(seconds)
            return not self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def snapshot(self) -> dict[str, object]:
        with self._cond:
            p = self._pending
            return {"pending_paths": len(p.paths), "broad": p.broad, "git": p.git,
                    "rescan": p.rescan}
