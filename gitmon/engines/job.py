"""The semgrep process of a review, started in the background over a temp tree.

Kept free of dataclasses, yaml and the rule loader: the hook's prelauncher
(`gitmon.hook.prelaunch`) starts this job before the rest of gitmon is even imported, so
the imports overlap semgrep's own start-up instead of adding to it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gitmon.engines import scratch

if TYPE_CHECKING:
    from gitmon.engines.output import EngineRun

BASE_ARGS = ("--metrics=off", "--disable-version-check", "--json", "--no-git-ignore",
             "--disable-nosem", "--max-target-bytes=0", "--quiet")


class HasId(Protocol):
    """What the job needs of a rule (a `rulesets.Rule`, or the prelauncher's cached one)."""

    @property
    def id(self) -> str: ...


class HasBody(HasId, Protocol):
    @property
    def body(self) -> Mapping[str, Any]: ...


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
STRAGGLER_GRACE = 0.5   # the engine exited but something it started still holds its pipes


class SemgrepJob:
    """A semgrep scan started in the background: the caller works on while it runs.

    The engine runs in its own session, so a timeout (or a cancel) kills everything it
    started: a wrapper's children that keep stdout open cannot outlive the limit. The
    limit holds once for the whole job: a fallback entry gets only the time left.
    """

    def __init__(self, executable: str | None, rules: Sequence[HasId], config_text: str,
                 contents: Mapping[str, bytes], timeout: float,
                 entries: tuple[tuple[str, ...], ...] = ENTRIES) -> None:
        self.ids = {r.id for r in rules}
        self.timeout, self.entries = timeout, list(entries)
        self.executable = executable
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = time.monotonic()
        self.deadline = self.started + timeout
        self.folder: str | None = None
        self.needed = bool(contents and rules)
        if not self.needed or executable is None:
            return
        self.folder = scratch.run_folder()
        atexit.register(self.cancel)   # an exit before wait() (Ctrl-C) leaves nothing behind
        self.src = Path(self.folder, "src")
        self.names = write_tree(self.src, contents)
        (self.src / ".semgrepignore").write_text("")
        self.config = Path(self.folder, "rules.yaml")
        self.config.write_text(config_text, encoding="utf-8")
        self.failure = self._start()

    def _start(self) -> str | None:
        assert self.executable is not None
        entry = self.entries[0]
        cmd = [self.executable, "scan", *entry, *BASE_ARGS, "--config", str(self.config), "."]
        env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
        try:
            self.proc = subprocess.Popen(cmd, cwd=self.src, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env,
                                         start_new_session=True)
        except OSError as exc:
            self.proc = None
            return f"semgrep could not be started: {exc.strerror}"
        return None

    def wait(self) -> EngineRun:
        try:
            return self._wait()
        finally:
            self.cancel()     # an interrupted wait (Ctrl-C) leaves no engine behind

    def cancel(self) -> None:
        """Stop the scan and remove its temp tree (a prelaunched job nobody wants)."""
        atexit.unregister(self.cancel)
        if self.proc is not None and self.proc.returncode is None:
            self._kill_group()
            self._drain()
        if self.folder is not None:
            scratch.remove(self.folder)
            self.folder = None

    def _wait(self) -> EngineRun:
        # imported here: the job starts before the dataclasses of the results are loaded
        from gitmon.engines.output import EngineRun, collect

        if self.folder is None:
            if self.executable is None and self.needed:
                return EngineRun(failure="semgrep was not found: install it (`pip install "
                                         "semgrep`) or name it in settings.semgrep / GITMON_SEMGREP")
            return EngineRun()
        while True:
            entry = self.entries.pop(0)
            outcome = self.failure or self._outcome()
            if not isinstance(outcome, str):
                run = collect(outcome, self.names, self.ids)
                run.entry = " ".join(("semgrep scan", *entry))
                return run
            # A timeout ends the job: the fallback would only spend the limit a second time.
            if not self.entries or self._timed_out(outcome):
                return EngineRun(failure=outcome)
            self.failure = self._start()    # fall back to the next entry, in the time left

    def _timed_out(self, outcome: str) -> bool:
        return outcome.startswith("semgrep timed out")

    def _outcome(self) -> dict[str, Any] | str:
        assert self.proc is not None
        exited_at: float | None = None
        while True:
            now = time.monotonic()
            if now >= self.deadline:
                self._kill_group()
                self._drain()
                return f"semgrep timed out after {self.timeout:g}s (settings.semgrep_timeout)"
            if exited_at is not None and now - exited_at >= STRAGGLER_GRACE:
                self._kill_group()      # its children hold the pipes: the answer is in
                stdout, stderr = self._drain()
                break
            try:
                stdout, stderr = self.proc.communicate(
                    timeout=min(self.deadline - now, STRAGGLER_GRACE))
                break
            except subprocess.TimeoutExpired:
                if exited_at is None and self.proc.poll() is not None:
                    exited_at = time.monotonic()
        return _parse(self.proc.returncode, stdout, stderr)

    def _kill_group(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(OSError):       # else the whole group is gone already
            os.killpg(self.proc.pid, signal.SIGKILL)

    def _drain(self) -> tuple[bytes, bytes]:
        """What the killed group wrote; a process that left the group may hold the pipes."""
        assert self.proc is not None
        try:
            stdout, stderr = self.proc.communicate(timeout=STRAGGLER_GRACE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe is not None:
                    pipe.close()
            self.proc.wait()
            return b"", b""
        return stdout or b"", stderr or b""


def write_tree(src: Path, contents: Mapping[str, bytes]) -> dict[str, str]:
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
