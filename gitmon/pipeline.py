"""change -> review -> record: the one flow every place gitmon runs goes through.

`gitmon check` and the hook, `gitmon ci`, the daemon, `gitmon audit` and `gitmon baseline`
differ only in options, never in copies of the flow: where the records and the review cache
live (`state`: ci keeps them under $RUNNER_TEMP), whether a record is written at all
(`--no-record`, baseline), a write guard (the daemon's shutdown lets a record be written
whole or stops it before it starts) and the engine switched off (`Options.engine_off`: the
daemon's open breaker, an audit window whose batch run failed).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from gitmon import notes, records
from gitmon.change import Change
from gitmon.policy import Policy
from gitmon.record import Record
from gitmon.review import Options, Review, review
from gitmon.rulesets import Reader, disk_reader


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
    record: Record
    path: Path | None          # where the record was written; None: it was not

    @property
    def written(self) -> bool:
        return self.path is not None


class Pipeline:
    """One repository, one policy: review changes and record them, the same way everywhere."""

    def __init__(self, root: Path, policy: Policy, *, reader: Reader | None = None,
                 state: Path | None = None, write: bool = True,
                 guard: WriteGuard | None = None) -> None:
        self.root, self.policy = root, policy
        self.reader = reader or disk_reader(root)
        # the folder of records, ledger and cache: settings.records unless a place names one
        self.state = state or records.records_dir(root, policy.settings.records)
        self.write, self.guard = write, guard

    @property
    def cache_dir(self) -> Path:
        return self.state / "cache"

    def review(self, change: Change, options: Options) -> Review:
        return review(change, self.policy, self.reader, options, cache_dir=self.cache_dir)

    def record(self, result: Review, *, note: bool = True) -> Outcome:
        """The review's record, written (with its ledger line and git note) unless this
        pipeline writes nothing or its guard was abandoned."""
        data = records.build(result)
        if not self.write:
            return Outcome(result, data, None)
        if self.guard is None:
            return self._write(result, data, note)
        with self.guard.lock:
            if self.guard.abandoned:
                return Outcome(result, data, None)
            return self._write(result, data, note)

    def run(self, change: Change, options: Options) -> Outcome:
        return self.record(self.review(change, options))

    def _write(self, result: Review, data: Record, note: bool) -> Outcome:
        notes.mark_staged(self.root, result.change.kind, data)
        path = records.write(self.state, data)
        data["record_path"] = str(path)
        if note:
            notes.record_written(self.root, data)
        return Outcome(result, data, path)
