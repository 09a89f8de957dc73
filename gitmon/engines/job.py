"""The semgrep process of a review, started in the background over a temp tree.

Kept free of dataclasses, yaml and the rule loader: the hook's prelauncher
(`gitmon.prelaunch`) starts this job before the rest of gitmon is even imported, so
the imports overlap semgrep's own start-up instead of adding to it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from gitmon.engines.semgrep import EngineRun

BASE_ARGS = ("--metrics=off", "--disable-version-check", "--json", "--no-git-ignore",
             "--disable-nosem", "--max-target-bytes=0", "--quiet")


class HasId(Protocol):
    """What the job needs of a rule (a `rulesets.Rule`, or the prelauncher's cached one)."""

    @property
    def id(self) -> str: ...


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


class SemgrepJob:
    """A semgrep scan started in the background: the caller works on while it runs."""

    def __init__(self, executable: str | None, rules: Sequence[HasId], config_text: str,
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

    def cancel(self) -> None:
        """Stop the scan and remove its temp tree (a prelaunched job nobody wants)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None

    def _wait(self) -> EngineRun:
        # imported here: the job starts before the dataclasses of the results are loaded
        from gitmon.engines.semgrep import EngineRun, _collect

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
    made: set[str] = set()     # each folder is made once: file creation is the hook's cost
    for i, (path, data) in enumerate(sorted(contents.items())):
        if _safe(path):
            rel = path
        else:
            suffix = Path(path).suffix if _safe(Path(path).suffix) else ""
            rel = f"_gitmon_{i}/file{suffix}"
        target = os.path.join(src, rel)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(target, "wb") as fh:
            fh.write(data)
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
    errors: Any = data.get("errors")
    errors = errors if isinstance(errors, list) else []
    fatal = [e for e in errors   # odd entries are left to _collect, which degrades on them
             if isinstance(e, dict) and e.get("level") == "error" and not e.get("path")]
    if fatal or returncode not in (0, 1):
        message = (fatal[0].get("message") if fatal else None) or f"exit {returncode}"
        return f"semgrep failed: {str(message).strip()[:300]}"
    return data
