"""One semgrep process per run, over a temp tree holding the routed files' content.

Content always comes from the change (git blobs or the files on disk), written to a
temp tree, so `--staged` scans exactly what will be committed. The fastest entry
(`--experimental`) is tried first and the plain `semgrep scan` is the fallback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmon.rulesets import Rule

BASE_ARGS = ("--metrics=off", "--disable-version-check", "--json", "--no-git-ignore",
             "--disable-nosem", "--max-target-bytes=0", "--quiet")


@dataclass(frozen=True)
class Match:
    rule: str
    line: int
    end_line: int
    column: int
    end_column: int
    severity: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class EngineRun:
    matches: dict[str, list[Match]] = field(default_factory=dict)   # path -> matches
    failure: str | None = None                                      # why it degraded
    notes: dict[str, str] = field(default_factory=dict)             # path -> engine problem
    entry: str = ""


def find_executable(configured: str | None) -> str | None:
    """GITMON_SEMGREP, then settings.semgrep, then the semgrep installed beside gitmon, then PATH."""
    name = os.environ.get("GITMON_SEMGREP") or configured
    if name is None:
        beside = Path(sys.executable).parent / "semgrep"
        if os.access(beside, os.X_OK):
            return str(beside)
        name = "semgrep"
    if os.sep in name:
        return name if os.access(name, os.X_OK) else None
    return shutil.which(name)


ENTRIES: tuple[tuple[str, ...], ...] = (("--experimental",), ())


def run_semgrep(executable: str | None, rules: list[Rule], config_text: str,
                contents: Mapping[str, bytes], timeout: float,
                entries: tuple[tuple[str, ...], ...] = ENTRIES) -> EngineRun:
    """Scan contents (repo path -> bytes) with rules; never raises for engine trouble."""
    return SemgrepJob(executable, rules, config_text, contents, timeout, entries).wait()


class SemgrepJob:
    """A semgrep scan started in the background: the caller works on while it runs."""

    def __init__(self, executable: str | None, rules: list[Rule], config_text: str,
                 contents: Mapping[str, bytes], timeout: float,
                 entries: tuple[tuple[str, ...], ...] = ENTRIES) -> None:
        self.ids = {r.id for r in rules}
        self.timeout, self.entries = timeout, list(entries)
        self.executable = executable
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = time.monotonic()
        self.tmp: tempfile.TemporaryDirectory[str] | None = None
        self.needed = bool(contents and rules)
        if not self.needed or executable is None:
            return
        self.tmp = tempfile.TemporaryDirectory(prefix="gitmon-")
        self.src = Path(self.tmp.name, "src")
        self.names = _write_tree(self.src, contents)
        (self.src / ".semgrepignore").write_text("")
        self.config = Path(self.tmp.name, "rules.yaml")
        self.config.write_text(config_text, encoding="utf-8")
        self.failure = self._start()

    def _start(self) -> str | None:
        assert self.executable is not None
        entry = self.entries[0]
        cmd = [self.executable, "scan", *entry, *BASE_ARGS, "--config", str(self.config), "."]
        env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(cmd, cwd=self.src, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env)
        except OSError as exc:
            self.proc = None
            return f"semgrep could not be started: {exc.strerror}"
        return None

    def wait(self) -> EngineRun:
        try:
            return self._wait()
        finally:
            if self.tmp is not None:
                self.tmp.cleanup()

    def _wait(self) -> EngineRun:
        if self.tmp is None:
            if self.executable is None and self.needed:
                return EngineRun(failure="semgrep was not found: install it (`pip install "
                                         "semgrep`) or name it in settings.semgrep / GITMON_SEMGREP")
            return EngineRun()
        while True:
            entry = self.entries.pop(0)
            outcome = self.failure or self._outcome()
            if not isinstance(outcome, str):
                run = _collect(outcome, self.names, self.ids)
                run.entry = " ".join(("semgrep scan", *entry))
                return run
            if not self.entries:
                return EngineRun(failure=outcome)
            self.failure = self._start()    # fall back to the next entry

    def _outcome(self) -> dict[str, Any] | str:
        assert self.proc is not None
        left = max(self.timeout - (time.monotonic() - self.started), 0.01)
        try:
            stdout, stderr = self.proc.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            return f"semgrep timed out after {self.timeout:g}s (settings.semgrep_timeout)"
        return _parse(self.proc.returncode, stdout, stderr)


def _write_tree(src: Path, contents: Mapping[str, bytes]) -> dict[str, str]:
    """Write each file under a safe relative name; return temp name -> repo path."""
    names: dict[str, str] = {}
    for i, (path, data) in enumerate(sorted(contents.items())):
        suffix = Path(path).suffix if _safe(Path(path).suffix) else ""
        rel = path if _safe(path) else f"_gitmon_{i}/file{suffix}"
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        names[rel] = path
    return names


def _safe(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    parts = path.split("/")
    return (path.isprintable() and not path.startswith("/") and ".." not in parts
            and "" not in parts and not any(p.startswith(".semgrep") for p in parts))


def _parse(returncode: int, stdout: bytes, stderr: bytes) -> dict[str, Any] | str:
    try:
        data = json.loads(stdout)
    except ValueError:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return f"semgrep crashed (exit {returncode}): {' / '.join(tail) or 'no output'}"
    if not isinstance(data, dict) or "results" not in data:
        return f"semgrep gave unexpected output (exit {returncode})"
    fatal = [e for e in data.get("errors", []) if e.get("level") == "error" and not e.get("path")]
    if fatal or returncode not in (0, 1):
        message = (fatal[0].get("message") if fatal else None) or f"exit {returncode}"
        return f"semgrep failed: {str(message).strip()[:300]}"
    return data


def _collect(data: dict[str, Any], names: Mapping[str, str], ids: set[str]) -> EngineRun:
    run = EngineRun()
    for result in data.get("results", []):
        path = names.get(_rel(result.get("path", "")))
        if path is None:
            continue
        extra = result.get("extra", {})
        run.matches.setdefault(path, []).append(Match(
            rule=_rule_id(result["check_id"], ids), line=result["start"]["line"],
            end_line=result["end"]["line"], column=result["start"].get("col", 1),
            end_column=result["end"].get("col", 1), severity=extra.get("severity", "WARNING"),
            message=extra.get("message", ""),
        ))
    for error in data.get("errors", []):
        path = names.get(_rel(error.get("path", "") or ""))
        if path is not None:
            kind = error.get("type", "error")
            kind = kind[0] if isinstance(kind, list) and kind else kind
            run.notes[path] = f"semgrep: {kind}"
    return run


def _rule_id(check_id: str, ids: set[str]) -> str:
    """Plain `semgrep scan` prefixes ids with the config's folder; undo that."""
    if check_id in ids:
        return check_id
    return next((i for i in ids if check_id.endswith("." + i)), check_id)


def _rel(path: str) -> str:
    return path[2:] if path.startswith("./") else path
