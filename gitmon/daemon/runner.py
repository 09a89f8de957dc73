"""One daemon review: change -> review -> record, behind the engine breaker and git retries.

This is `check.execute` with two daemon needs added: the breaker may switch the engine
off (`Options.engine_off`), and the record is written under a guard that shutdown takes,
so SIGTERM either lets a record be written whole or stops it before it starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmon import notes, records
from gitmon.change.selection import Selector
from gitmon.daemon.backoff import retry_git
from gitmon.daemon.breaker import Breaker
from gitmon.policy import Policy
from gitmon.review import Options, Review, load_baseline, review
from gitmon.rulesets import disk_reader


@dataclass
class WriteGuard:
    """Shutdown takes the lock and sets abandoned: no record starts after that."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    abandoned: bool = False

    def abandon(self) -> None:
        with self.lock:
            self.abandoned = True


@dataclass(frozen=True)
class Outcome:
    review: Review
    data: dict[str, Any]
    written: bool


def run_review(root: Path, policy: Policy, selector: Selector, breaker: Breaker,
               guard: WriteGuard) -> Outcome:
    engine_off = breaker.engine_off()
    options = Options(source="daemon", engine_off=engine_off,
                      baseline=load_baseline(root, policy))
    base = records.records_dir(root, policy.settings.records)

    def attempt() -> Review:
        change = selector.change(root)
        return review(change, policy, disk_reader(root), options, cache_dir=base / "cache")

    result = retry_git(attempt)
    _judge_engine(result, breaker, engine_off)
    data = records.build(result)
    with guard.lock:
        if guard.abandoned:
            return Outcome(result, data, written=False)
        data["record_path"] = str(records.write(base, data))
        notes.record_written(root, data)
    return Outcome(result, data, written=True)


def _judge_engine(result: Review, breaker: Breaker, engine_off: str | None) -> None:
    """Feed the breaker: only a run that tried the engine says anything about it."""
    if engine_off is not None:
        return
    if result.degraded:
        breaker.failure(result.degraded)
    elif result.engine.get("entry"):
        breaker.success()
