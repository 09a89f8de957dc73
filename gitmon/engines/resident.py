"""The daemon's warm engine: one `semgrep lsp` (engines/lsp.py) reused from save to save.

Its diagnostics are turned into semgrep's JSON shape and read by the same code as a
one-shot run's (`output.collect`), so records are the same. What it cannot vouch for
goes to a one-shot run in the same review: a file it did not fully scan (its errors are
only in a log line; the one-shot JSON says which kind, for the same pending note), a file
with non-ASCII text (diagnostics count columns otherwise), and all files once it failed.
A failure (died, hung, unreadable) stops it: one-shot runs until `cooldown` passed, and
`snapshot()` says so for `gitmon status`. A new rule config or semgrep restarts it.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gitmon.engines import scratch
from gitmon.engines.job import HasBody, SemgrepJob, write_tree
from gitmon.engines.lsp import LspServer, ResidentError
from gitmon.engines.output import EngineRun, collect, rule_id

ENTRY = "semgrep lsp (resident)"
PER_FILE = 15.0    # a warm scan of one file takes ~10-300 ms; past this it is hung


class Warm:
    """One server and its workspace folder (copies of the files it scanned)."""

    def __init__(self, executable: str, config_text: str) -> None:
        self.folder = scratch.run_folder()
        self.src = Path(self.folder, "src")
        self.src.mkdir()
        (self.src / ".semgrepignore").write_text("")   # no default ignores, as one-shot
        config = Path(self.folder, "rules.json")
        config.write_text(config_text, encoding="utf-8")
        try:
            self.server = LspServer(executable, config, self.src)
        except (ResidentError, OSError):
            scratch.remove(self.folder)
            raise

    def stop(self) -> None:
        self.server.stop()
        scratch.remove(self.folder)


class Resident:
    """The daemon's warm engines: one per rule config (a save of another language or
    area has another), the least recently used stopped past KEEP."""

    KEEP = 3

    def __init__(self, cooldown: float = 60.0, per_file: float = PER_FILE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown, self.per_file, self.clock = cooldown, per_file, clock
        self.warm: dict[tuple[object, ...], Warm] = {}     # oldest use first
        self.down_since: float | None = None
        self.reason: str | None = None
        self.starts = 0
        self.lock = threading.Lock()
        self.closed = False     # the daemon is stopping: no server starts, no one-shot follows

    def close(self) -> None:
        """Stop for good (the daemon's shutdown), even while a review waits on a server."""
        self.closed = True
        for warm in list(self.warm.values()):
            warm.server.stop()          # the waiting scan sees it die and gives up

    def job(self, executable: str | None, rules: Sequence[HasBody], config_text: str,
            contents: Mapping[str, bytes], timeout: float) -> ResidentJob | None:
        """A job over the warm engine; None while it is down (the caller runs one-shot)."""
        if executable is None or self.closed or (self.down_since is not None
                                  and self.clock() - self.down_since < self.cooldown):
            return None
        return ResidentJob(self, executable, rules, config_text, contents, timeout)

    def server_for(self, executable: str, config_text: str) -> Warm:
        """The engine for this config, started when none has it (new rules, a changed
        semgrep: its path and mtime are in the key); one that died is a failure."""
        key = (executable, _mtime(executable), hashlib.sha256(config_text.encode()).digest())
        warm = self.warm.pop(key, None)
        if warm is not None and not warm.server.alive():
            warm.stop()
            raise ResidentError(f"semgrep lsp died (exit {warm.server.proc.poll()})")
        if warm is None:
            while len(self.warm) >= self.KEEP:
                self.warm.pop(next(iter(self.warm))).stop()
            self.starts += 1
            warm = Warm(executable, config_text)
            self.down_since, self.reason = None, None
        self.warm[key] = warm
        return warm

    def failed(self, reason: str) -> None:
        self.stop()
        self.down_since, self.reason = self.clock(), reason

    def stop(self) -> None:
        while self.warm:
            self.warm.popitem()[1].stop()

    def snapshot(self) -> str:
        """The engine line of `gitmon status`."""
        if self.down_since is not None:
            left = max(0.0, self.cooldown - (self.clock() - self.down_since))
            return (f"one-shot (resident semgrep lsp failed: {self.reason}; retry in "
                    f"{left:.0f}s)")
        return "resident semgrep lsp" + ("" if self.warm else " (starts at the next scan)")


class ResidentJob:
    """`SemgrepJob`'s interface (started, wait, cancel) over the warm engine."""

    def __init__(self, owner: Resident, executable: str, rules: Sequence[HasBody],
                 config_text: str, contents: Mapping[str, bytes], timeout: float) -> None:
        self.owner, self.executable, self.rules = owner, executable, rules
        self.config_text, self.contents, self.timeout = config_text, contents, timeout
        self.started = time.monotonic()

    def cancel(self) -> None:
        """Nothing runs in the background: the scan happens in wait()."""

    def wait(self) -> EngineRun:
        ids = {r.id for r in self.rules}
        severity = {r.id: str(r.body.get("severity", "WARNING")) for r in self.rules}
        results, scanned, rest = self._scan(severity)
        names = {p: p for p in self.contents}
        run = collect({"results": results, "errors": [], "paths": {"scanned": scanned}},
                      names, ids)
        run.entry = ENTRY
        if not rest:
            return run
        if self.owner.closed:           # stopping: a one-shot run now would outlive the daemon
            return EngineRun(failure="the daemon stopped during the scan")
        left = max(1.0, self.timeout - (time.monotonic() - self.started))
        other = SemgrepJob(self.executable, self.rules, self.config_text, rest, left).wait()
        if other.failure:
            return other
        run.matches.update(other.matches)
        run.notes.update(other.notes)
        run.entry = f"{ENTRY} + {other.entry}" if scanned else other.entry
        run.scanned = (run.scanned or set()) | (other.scanned or set(rest))
        return run

    def _scan(self, severity: dict[str, str]) -> tuple[list[dict[str, Any]], list[str], dict[str, bytes]]:
        """Results in semgrep's JSON shape, the paths scanned clean, and the files left
        to a one-shot run."""
        results: list[dict[str, Any]] = []
        scanned: list[str] = []
        rest: dict[str, bytes] = {}
        with self.owner.lock:
            for path, data in sorted(self.contents.items()):
                if self.owner.down_since is not None:   # it failed: one-shot for the rest
                    rest[path] = data
                    continue
                found = self._one(path, data)
                if found is None:
                    rest[path] = data
                    continue
                results += [_result(path, d, severity) for d in found]
                scanned.append(path)
        return results, scanned, rest

    def _one(self, path: str, data: bytes) -> list[dict[str, Any]] | None:
        if not data.isascii() or self.owner.closed:
            return None
        try:
            warm = self.owner.server_for(self.executable, self.config_text)
            names = write_tree(warm.src, {path: data})
            if path not in names:       # a name the temp tree cannot hold as it is
                return None
            # a hung server leaves at least half the review's time to the one-shot run
            left = self.timeout - (time.monotonic() - self.started)
            left = min(self.owner.per_file, max(1.0, left / 2))
            # left in place: the server lists its targets once, and a path it knows is
            # scanned at the first open
            return warm.server.scan(warm.src / path, left)
        except (ResidentError, OSError, UnicodeDecodeError) as exc:
            if not self.owner.closed:
                self.owner.failed(str(exc))
            return None


def _result(path: str, diagnostic: dict[str, Any], severity: dict[str, str]
            ) -> dict[str, Any]:
    """A diagnostic as a semgrep JSON result (1-based lines and columns); a field that
    is missing makes it malformed there, and `collect` notes the file unreviewed."""
    rng: Any = diagnostic.get("range") or {}
    start, end = rng.get("start") or {}, rng.get("end") or {}
    rule = str(diagnostic.get("code", ""))
    return {"path": path, "check_id": rule,
            "start": {"line": _plus1(start.get("line")), "col": _plus1(start.get("character"))},
            "end": {"line": _plus1(end.get("line")), "col": _plus1(end.get("character"))},
            "extra": {"severity": severity.get(rule_id(rule, set(severity)), "WARNING"),
                      "message": diagnostic.get("message", "")}}


def _plus1(value: Any) -> Any:
    return value + 1 if isinstance(value, int) and not isinstance(value, bool) else None


def _mtime(executable: str) -> int:
    try:
        return os.stat(executable).st_mtime_ns
    except OSError:
        return 0
