"""`semgrep lsp` kept warm over one rule config: scans one file at a time, fail-closed.

The language server publishes findings as diagnostics but has no protocol channel for
what it could not fully scan (a partly parsed file, a rule timeout, a file its target
filters dropped). Its log on stderr has it: each scan ends with `Semgrep errors: <the
errors' messages>`, `Scanned <n> files`, `Found <n> matches` (bench/probe_semgrep_lsp.py).
A scan counts as a full review only when that block says no errors and one file scanned;
anything else (errors, no file scanned, a log this module cannot read) is `None`: the
caller asks a one-shot run, whose JSON says exactly what went wrong.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

STARTUP = 60.0            # loading the rules (semgrep/rulesRefreshed)
CLEAN, UNTARGETED, UNCLEAN = "clean", "untargeted", "unclean"
SETTLE = 2.0              # the log block may trail the diagnostics on the other pipe


class ResidentError(Exception):
    """The server died, hung or answered something this client cannot read."""


class LspServer:
    def __init__(self, executable: str, config: Path, workspace: Path) -> None:
        env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
        self.proc = subprocess.Popen([executable, "lsp"], cwd=workspace, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.cond = threading.Condition()
        self.log: list[str] = []
        self.published: dict[str, list[list[Any]]] = {}
        self.refreshed = False
        self.broken: str | None = None
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        try:
            self._initialize(config, workspace)
        except ResidentError:
            self.stop()             # a server that did not come up is not left running
            raise

    def _initialize(self, config: Path, workspace: Path) -> None:
        uri = workspace.as_uri()
        # the one-shot run's limits: no size limit, semgrep's default 5 s per rule and file
        scan = {"configuration": [str(config)], "onlyGitDirty": False, "ci": False,
                "maxTargetBytes": 0, "timeout": 5, "jobs": 1}
        self._send("initialize", {"processId": os.getpid(), "rootUri": uri, "capabilities": {},
                                  "workspaceFolders": [{"uri": uri, "name": "gitmon"}],
                                  "initializationOptions": {"scan": scan,
                                                            "metrics": {"enabled": False}}}, 1)
        self._send("initialized", {})
        # ready when its rules are loaded and its own first scan (of open documents) ended
        self._wait(lambda: self.refreshed and "Scanned open documents" in self.log, STARTUP,
                   "did not load its rules")

    def scan(self, path: Path, timeout: float) -> list[dict[str, Any]] | None:
        """The diagnostics of one file (on disk), or None when the log does not say it
        was fully scanned. A file new to the server is not its target yet: its first
        open only makes the server list the workspace again, so it is opened twice."""
        for _ in range(2):
            diagnostics, outcome = self._open(path, timeout)
            if outcome != UNTARGETED:
                return diagnostics if outcome == CLEAN else None
        return None

    def _open(self, path: Path, timeout: float) -> tuple[list[dict[str, Any]], str]:
        uri = path.as_uri()
        with self.cond:     # scans come one at a time: what is before this one is done
            self.log.clear()
            self.published.pop(uri, None)
        self._send("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "", "version": 1, "text": path.read_text("utf-8")}})
        try:
            self._wait(lambda: uri in self.published, timeout,
                       "gave no diagnostics in time")
            self._wait(lambda: _block(self.log) is not None, SETTLE,
                       "logged no end of its scan")
        finally:
            self._send("textDocument/didClose", {"textDocument": {"uri": uri}})
        with self.cond:
            answers, block = list(self.published[uri]), _block(self.log)
        diagnostics = answers[0]
        if not isinstance(diagnostics, list) or not all(isinstance(d, dict) for d in diagnostics):
            raise ResidentError("semgrep lsp gave malformed diagnostics")
        assert block is not None
        # a scan the server started by itself (its open documents) may answer for the
        # same file: the log's count must be that of these diagnostics, or it is unclear
        if block[0] == CLEAN and (len(answers) > 1 or block[1] != len(diagnostics)):
            return diagnostics, UNCLEAN
        return diagnostics, block[0]

    def alive(self) -> bool:
        return self.proc.poll() is None and self.broken is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):   # else the whole group is gone already
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        with self.cond:     # a scan waiting on it sees it gone now, not at its timeout (a
            self.cond.notify_all()   # child outside the group may keep the pipes open)

    # --- plumbing ---------------------------------------------------------------------------

    def _wait(self, done: Any, timeout: float, what: str) -> None:
        with self.cond:
            ok = self.cond.wait_for(lambda: done() or not self.alive(), timeout)
            if not self.alive():
                raise ResidentError(f"semgrep lsp died ({self.broken or 'exited'})")
        if not ok:
            raise ResidentError(f"semgrep lsp {what} ({timeout:g}s)")

    def _send(self, method: str, params: Mapping[str, Any], ident: int | None = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if ident is not None:
            msg["id"] = ident
        body = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()
        except (OSError, ValueError) as exc:
            raise ResidentError(f"semgrep lsp is gone: {exc}") from exc

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        try:
            while (msg := read_message(self.proc.stdout)) is not None:
                self._take(msg)
        except (ValueError, KeyError, TypeError) as exc:   # garbage on the protocol pipe
            with self.cond:
                self.broken = f"unreadable answer: {exc}"
        with self.cond:
            self.cond.notify_all()

    def _take(self, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        with self.cond:
            if method == "semgrep/rulesRefreshed":
                self.refreshed = True
            elif method == "textDocument/publishDiagnostics":
                params = msg["params"]
                self.published.setdefault(params["uri"], []).append(params["diagnostics"])
            self.cond.notify_all()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            with self.cond:
                self.log.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cond.notify_all()


def _block(lines: list[str]) -> tuple[str, int] | None:
    """How the single-file scan logged in lines went: CLEAN (no errors, one file
    scanned), UNTARGETED, or UNCLEAN, and the matches it found; None while its end is
    not logged yet."""
    if "Scanning single file" not in lines:
        return None     # what came before is the server's own start-up
    errors: list[str] | None = None
    in_errors, scanned = False, -1
    for line in lines[lines.index("Scanning single file"):]:
        if "No targets to scan" in line:
            return UNTARGETED, 0
        if line.startswith("Semgrep errors:"):
            errors, in_errors = [line[len("Semgrep errors:"):].strip()], True
        elif line.startswith("Semgrep skipped "):
            in_errors = False
        elif in_errors and errors is not None:
            errors.append(line)         # an error message of several lines
        elif line.startswith("Scanned ") and line.endswith(" files"):
            scanned = _count(line)
        elif line.startswith("Found ") and errors is not None:
            return CLEAN if errors == [""] and scanned == 1 else UNCLEAN, _count(line)
    return None


def _count(line: str) -> int:
    """The number in `Scanned 3 files` / `Found 2 matches`; -1 if there is none."""
    word = line.split()[1] if len(line.split()) > 1 else ""
    return int(word) if word.isdigit() else -1


def read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    """One JSON-RPC message of the base protocol; None at the end of the stream."""
    length = -1
    while (line := stream.readline()) not in (b"\r\n", b"\n"):
        if not line:
            return None
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length < 0:
        raise ValueError("no Content-Length")
    msg = json.loads(stream.read(length))
    if not isinstance(msg, dict):
        raise ValueError("not a JSON object")
    return msg
