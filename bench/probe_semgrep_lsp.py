"""Probe: can semgrep's language server (`semgrep lsp`) be gitmon's resident engine?

Issue 11 asks for a warm engine in the daemon with findings identical to a one-shot run.
This starts `semgrep lsp` offline (metrics off, no version check, local rule files as
`initializationOptions.scan.configuration`), opens every fixture under rules/** and
collects the diagnostics; then one `semgrep --experimental` run over the same files with
the same rules. It prints the findings that differ and the per-file re-scan time of the
server (a didSave after the first scan) against the one-shot run's; writes
results/semgrep_lsp.json. Documents opened before the server says `semgrep/rulesRefreshed`
are scanned with no rules (empty diagnostics): the probe waits for it.

The error channel (issue 11, step 1). The protocol has none: the server publishes the
diagnostics it found and nothing for a partly parsed file, a rule timeout or a file its
target filter dropped. Read in semgrep's source (src/osemgrep/language_server/:
`Scan_helpers.run_semgrep` returns only matches and scanned paths; the custom requests
are login, search, showAst; no notification carries errors) and tried: no
`window/logMessage`, `initializationOptions.trace` changes nothing. Its LOG has it:
`semgrep lsp` logs to stderr at the app level (no `--debug` needed), and each
single-file scan ends with

    Scanning single file / Scanned single file / ... / Semgrep errors: <each error's
    message, e.g. "Syntax error at line /abs/path/b.go:2:" and the unexpected text> /
    Semgrep skipped <n> rules / Scanned <n> files / Found <n> matches

or, for a file that is not (yet) one of its targets, `No targets to scan! Not scanning
anything.` The second part of this probe (`error_channel`) opens one broken file per
language gitmon routes (py, go, js, ts, java, rust, yaml) and one clean file, with a
rule per language that makes semgrep parse it, and records that block next to the
one-shot run's `errors` for the same file.

    python bench/probe_semgrep_lsp.py [--saves 5]

Found (semgrep 1.185): each file the one-shot run reports an error for has a non-empty
`Semgrep errors:` block, each clean file an empty one with `Scanned 1 files`. The log
says "Syntax error" whether the one-shot run says `PartialParsing` or `Syntax error`: it
tells clean from not clean, not the kind. A file no rule's pre-filter selects is parsed
by neither run (no error either way: the same outcome). A file created after the server
listed its workspace is "No targets" at its first open (that open makes the server list
it again) and scanned at the second. The server's own scan of its open documents, after
the rules load, can publish diagnostics for a file being opened: a scan counts only if
the log's match count is that of the diagnostics. A canary rule would not do: partial
parsing still yields the parsed part's findings, so a matching canary cannot reveal a
skipped region.

What gitmon does with it (gitmon/engines/lsp.py, resident.py): a scan is a review only
when its log block says no errors, one file scanned and as many matches as diagnostics;
anything else goes to a one-shot run of that file, whose JSON gives the exact note.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from gitmon.engines.lsp import read_message

ROOT = Path(__file__).resolve().parent.parent
SEMGREP = str(Path(sys.executable).parent / "semgrep")
ENV = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
TARGETS = (".py", ".go", ".js", ".ts", ".java", ".rs", ".test.yaml")
LANGUAGE_IDS = {".py": "python", ".go": "go", ".js": "javascript", ".ts": "typescript",
                ".java": "java", ".rs": "rust", ".yaml": "yaml"}
Finding = tuple[str, str, int, int, int, int]     # file, rule, start line/col, end line/col


class Server:
    """A minimal LSP client over the server's stdio; diagnostics are collected per uri."""

    def __init__(self, workspace: Path, configs: list[str]) -> None:
        self.proc = subprocess.Popen([SEMGREP, "lsp"], env=ENV, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.diagnostics: dict[str, list[tuple[float, list[dict[str, Any]]]]] = {}
        self.log: list[str] = []      # its stderr: the only place that names scan errors
        self.cond = threading.Condition()
        self.ready = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_log, daemon=True).start()
        uri = workspace.as_uri()
        self.send("initialize", {"processId": os.getpid(), "rootUri": uri, "capabilities": {},
                                 "workspaceFolders": [{"uri": uri, "name": "probe"}],
                                 "initializationOptions": {
                                     "scan": {"configuration": configs, "onlyGitDirty": False,
                                              "ci": False},
                                     "metrics": {"enabled": False}}}, 1)
        self.send("initialized", {})
        with self.cond:
            self.cond.wait_for(lambda: self.ready, 60.0)

    def send(self, method: str, params: dict[str, Any], ident: int | None = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if ident is not None:
            msg["id"] = ident
        body = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while (msg := read_message(self.proc.stdout)) is not None:
            if msg.get("method") == "semgrep/rulesRefreshed":
                with self.cond:
                    self.ready = True
                    self.cond.notify_all()
            if msg.get("method") == "textDocument/publishDiagnostics":
                with self.cond:
                    self.diagnostics.setdefault(msg["params"]["uri"], []).append(
                        (time.perf_counter(), msg["params"]["diagnostics"]))
                    self.cond.notify_all()

    def _read_log(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line.decode("utf-8", "replace").rstrip())

    def wait(self, uri: str, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.diagnostics.get(uri, [])) >= count, timeout)
            return self.diagnostics.get(uri, [(0.0, [])])[-1][1]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


BROKEN = "def f(:\n    try:\n        x()\n    except Exception:\n        pass\n((((\n"


def fixtures(workspace: Path) -> list[Path]:
    """The rule fixtures, and one Python file semgrep can only partly parse."""
    broken = workspace / "broken.py"
    broken.write_text(BROKEN)
    out = [broken]
    for path in sorted((ROOT / "rules").rglob("*")):
        if path.name.endswith(TARGETS):
            # a fixture of YAML rules under a plain name, as gitmon's temp tree has it
            target = workspace / str(path.relative_to(ROOT)).replace(".test.yaml", ".yaml")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            out.append(target)
    return out


def rule_files() -> list[str]:
    return [str(p) for p in sorted((ROOT / "rules").rglob("*.yaml"))
            if not p.name.endswith(".test.yaml")]


def by_server(server: Server, files: list[Path], saves: int) -> tuple[set[Finding], list[float]]:
    found: set[Finding] = set()
    times = []
    for path in files:
        uri = path.as_uri()
        server.send("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": LANGUAGE_IDS.get(path.suffix, ""), "version": 1,
            "text": path.read_text()}})
        for d in server.wait(uri, 1):
            r = d["range"]
            # the rule id as the one-shot run reports it: both prefix it with the file's folders
            found.add((path.name, str(d["code"]).rsplit(".", 1)[-1], r["start"]["line"] + 1,
                       r["start"]["character"] + 1, r["end"]["line"] + 1,
                       r["end"]["character"] + 1))
    for _ in range(saves):      # re-scans of one file: the warm engine's cost per save
        path = files[0]
        count = len(server.diagnostics.get(path.as_uri(), []))
        start = time.perf_counter()
        server.send("textDocument/didSave", {"textDocument": {"uri": path.as_uri()}})
        server.wait(path.as_uri(), count + 1)
        times.append(time.perf_counter() - start)
    return found, times


def by_one_shot(files: list[Path], configs: list[str], cwd: Path,
                errors: list[Any] | None = None) -> tuple[set[Finding], float]:
    args = [SEMGREP, "--experimental", "--metrics=off", "--disable-version-check", "--json",
            "--quiet", *(f"--config={c}" for c in configs), *map(str, files)]
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    data = json.loads(proc.stdout)
    results = data["results"]
    if errors is not None:      # what the one-shot run says it could not scan; LSP: nothing
        errors += [[Path(e.get("path", "")).name, e.get("type"), e.get("level")]
                   for e in data.get("errors", [])]
    return {(Path(r["path"]).name, r["check_id"].rsplit(".", 1)[-1], r["start"]["line"],
             r["start"]["col"], r["end"]["line"], r["end"]["col"]) for r in results}, seconds


# One broken file per language gitmon routes (and a clean one), each with a rule whose
# pre-filter selects it: semgrep parses a file only when some rule may match it.
CHANNEL_FILES = {
    "clean.py": "eval(x)\n", "broken.py": "def f(:\n    pass\n((((\neval(x)\n",
    "b.go": "package main\nfunc main() {\n  x := 1 +\n}\n))(\n",
    "b.js": "function f( {\n eval(x)\n}\n", "b.ts": "let x: = ;\neval(y)\n",
    "b.java": "class A { void f( { } }\n", "b.rs": "fn main() { let x = ; }\n",
    "b.yaml": "a: [1, 2\nb: {\n",
}
CHANNEL_RULES = """rules:
- {id: ev, languages: [python, javascript, typescript], severity: WARNING, message: m,
   pattern: eval(...)}
- {id: go, languages: [go], severity: WARNING, message: m, pattern: x := 1}
- {id: java, languages: [java], severity: WARNING, message: m, pattern: 'class $A { ... }'}
- {id: rs, languages: [rust], severity: WARNING, message: m, pattern: 'fn main() { ... }'}
- {id: yml, languages: [yaml], severity: WARNING, message: m, pattern: 'a: $X'}
"""


def error_channel(tmp: Path) -> dict[str, Any]:
    """Per file: the server's log block of its scan, and the one-shot run's errors."""
    folder = tmp / "channel"
    folder.mkdir()
    (folder / ".semgrepignore").write_text("")
    rules = tmp / "channel-rules.yaml"
    rules.write_text(CHANNEL_RULES)
    for name, text in CHANNEL_FILES.items():
        (folder / name).write_text(text)
    server = Server(folder, [str(rules)])
    out: dict[str, Any] = {}
    try:
        for name in CHANNEL_FILES:
            start, uri = len(server.log), (folder / name).as_uri()
            server.send("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "", "version": 1, "text": CHANNEL_FILES[name]}})
            server.wait(uri, 1)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not any(
                    x.startswith("Found ") or "No targets" in x for x in server.log[start:]):
                time.sleep(0.01)
            server.send("textDocument/didClose", {"textDocument": {"uri": uri}})
            lines = server.log[start:]
            first = next((i for i, x in enumerate(lines) if x.startswith("Semgrep errors")), 0)
            out[name] = {"lsp_log": [x for x in lines[first:] if not x.startswith(
                ("Raised", "Called", "Re-raised", "[", "input:", "target:", "ruleid:",
                 "exception:", "backtrace:"))]}
    finally:
        server.stop()
    errors: list[Any] = []
    by_one_shot([folder / n for n in CHANNEL_FILES], [str(rules)], folder, errors)
    for name in CHANNEL_FILES:
        out[name]["one_shot_errors"] = [e[1] if isinstance(e[1], str) else e[1][0]
                                        for e in errors if e[0] == name]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results/semgrep_lsp.json"))
    args = parser.parse_args()
    with TemporaryDirectory(prefix="gitmon-lsp-") as tmp:
        workspace = Path(tmp)
        subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
        files, configs = fixtures(workspace), rule_files()
        server = Server(workspace, configs)
        try:
            lsp, saves = by_server(server, files, args.saves)
        finally:
            server.stop()
        errors: list[Any] = []
        shot, one_shot = by_one_shot(files, configs, workspace, errors)
        _, one_file = by_one_shot(files[:1], configs, workspace)
        channel = error_channel(workspace)
    result = {"fixtures": len(files), "rule_files": len(configs),
              "findings_one_shot": len(shot), "findings_lsp": len(lsp),
              "only_one_shot": sorted(shot - lsp), "only_lsp": sorted(lsp - shot),
              "one_shot_errors (the server publishes none; its log: error_channel)": errors,
              "lsp_rescan_one_file_median_s": round(statistics.median(saves), 3),
              "one_shot_one_file_s": round(one_file, 3),
              "one_shot_all_fixtures_s": round(one_shot, 3), "load_average": os.getloadavg(),
              "error_channel (the server's stderr log per scan vs one-shot errors)": channel}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
