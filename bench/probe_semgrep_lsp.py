"""Probe: can semgrep's language server (`semgrep lsp`) be gitmon's resident engine?

Issue 11 asks for a warm engine in the daemon with findings identical to a one-shot run.
This starts `semgrep lsp` offline (metrics off, no version check, local rule files as
`initializationOptions.scan.configuration`), opens every fixture under rules/** and
collects the diagnostics; then one `semgrep --experimental` run over the same files with
the same rules. It prints the findings that differ and the per-file re-scan time of the
server (a didSave after the first scan) against the one-shot run's, and the errors the
one-shot run reports (a partly parsed file) that the server has no channel for; writes
results/semgrep_lsp.json. Documents opened before the server says `semgrep/rulesRefreshed`
are scanned with no rules (empty diagnostics): the probe waits for it.

    python bench/probe_semgrep_lsp.py [--saves 5]
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
from typing import IO, Any

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
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.diagnostics: dict[str, list[tuple[float, list[dict[str, Any]]]]] = {}
        self.cond = threading.Condition()
        self.ready = False
        threading.Thread(target=self._read, daemon=True).start()
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
        while (msg := _message(self.proc.stdout)) is not None:
            if msg.get("method") == "semgrep/rulesRefreshed":
                with self.cond:
                    self.ready = True
                    self.cond.notify_all()
            if msg.get("method") == "textDocument/publishDiagnostics":
                with self.cond:
                    self.diagnostics.setdefault(msg["params"]["uri"], []).append(
                        (time.perf_counter(), msg["params"]["diagnostics"]))
                    self.cond.notify_all()

    def wait(self, uri: str, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.diagnostics.get(uri, [])) >= count, timeout)
            return self.diagnostics.get(uri, [(0.0, [])])[-1][1]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _message(stream: IO[bytes]) -> dict[str, Any] | None:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b"\n"):
        if not line:
            return None
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return dict(json.loads(stream.read(length)))


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
    result = {"fixtures": len(files), "rule_files": len(configs),
              "findings_one_shot": len(shot), "findings_lsp": len(lsp),
              "only_one_shot": sorted(shot - lsp), "only_lsp": sorted(lsp - shot),
              "one_shot_errors (the language server publishes none)": errors,
              "lsp_rescan_one_file_median_s": round(statistics.median(saves), 3),
              "one_shot_one_file_s": round(one_file, 3),
              "one_shot_all_fixtures_s": round(one_shot, 3), "load_average": os.getloadavg()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
