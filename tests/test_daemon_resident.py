"""The daemon keeps semgrep warm (`semgrep lsp`, engines/resident.py): a save is scanned by
the resident engine with the findings of `gitmon check --worktree`; when that server is
killed the next save is still reviewed (one-shot) and `gitmon status` says so."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

from conftest import TOKEN_LOG, GitRepo
from test_daemon import Daemon, daemon, ledger, record, settled, state, wait_for  # noqa: F401
from test_daemon_saves import _engine, _worktree_findings

from gitmon.engines.resident import ENTRY

CLIENT = "src/retry/client.py"


def _servers(pid: int) -> list[int]:
    """The `semgrep lsp` processes under pid (the wrapper and what it runs)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"lsp" in cmdline:
                found.append(int(child))
            found += _servers(int(child))
    return found


def _save(repo: GitRepo, d: Daemon, text: str) -> dict[str, object]:
    before = len(ledger(repo))
    repo.write(CLIENT, text)
    return record(repo, wait_for(lambda: d.new_entries(before, "worktree"), what="a review")[0])


def test_saves_are_scanned_warm_and_a_killed_server_falls_back_to_one_shot(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    d = daemon(repo)
    settled(repo)
    warm = _save(repo, d, TOKEN_LOG)
    assert warm["engine"]["entry"] == ENTRY and warm["verdict"] == "block"  # type: ignore[index]
    expected = _worktree_findings(repo, CLIENT)
    assert expected and _engine(warm["findings"], CLIENT) == expected  # type: ignore[arg-type]
    assert state(repo)["engine"] == "resident semgrep lsp"
    assert "engine resident semgrep lsp" in repo.gitmon("status").out
    servers = _servers(d.proc.pid)
    assert servers
    for pid in servers:
        os.kill(pid, signal.SIGKILL)
    cold = _save(repo, d, TOKEN_LOG + "\n")
    assert str(cold["engine"]["entry"]).startswith("semgrep scan")  # type: ignore[index]
    assert cold["verdict"] == "block" and cold["degraded"] is None
    assert _engine(cold["findings"], CLIENT) == expected  # type: ignore[arg-type]
    engine = wait_for(lambda: state(repo)["engine"].startswith("one-shot") and
                      state(repo)["engine"], what="the state to say one-shot")
    assert engine.startswith("one-shot (resident semgrep lsp failed: semgrep lsp died")
    assert f"engine {engine}" in repo.gitmon("status").out


def test_a_killed_daemon_leaves_no_server_behind(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    d = daemon(repo)
    settled(repo)
    assert _save(repo, d, TOKEN_LOG)["engine"]["entry"] == ENTRY  # type: ignore[index]
    servers = _servers(d.proc.pid)
    assert servers
    d.proc.kill()              # no shutdown of its own: the server sees its input close
    d.proc.wait()
    wait_for(lambda: all(not Path(f"/proc/{p}").exists() or "Z" in Path(
        f"/proc/{p}/stat").read_text().split()[2] for p in servers), timeout=5,
        what="the server to exit")


POLICY = """\
version: 1
areas:
  retry:
    paths: ["**/retry/**"]
    reviewers: [security]
reviewers:
  security:
    title: Security Manager
    rules: [checks/mine.yaml]
    checks: []
    block_on: error
"""
EVAL = """\
rules:
  - id: no-eval
    languages: [python]
    severity: ERROR
    message: eval of $X
    pattern: eval($X)
"""
EXEC = """\
  - id: no-exec
    languages: [python]
    severity: ERROR
    message: exec of $X
    pattern: exec($X)
"""


def _with_own_rule(repo: GitRepo, start: Callable[..., Daemon]) -> Daemon:
    """A daemon on a policy whose one reviewer has one rule file of the repository."""
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/mine.yaml", EVAL)
    repo.commit("policy")
    d = start(repo)
    settled(repo)
    return d


def test_an_edited_rule_file_starts_a_server_with_the_new_rule(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    d = _with_own_rule(repo, daemon)
    first = _save(repo, d, "eval(x)\nexec(y)\n")
    assert first["engine"]["entry"] == ENTRY  # type: ignore[index]
    assert {f["rule"] for f in first["findings"]} == {"no-eval"}  # type: ignore[attr-defined]
    repo.write("checks/mine.yaml", EVAL + EXEC)
    second = _save(repo, d, "eval(x)\nexec(y)\n# again\n")
    assert second["engine"]["entry"] == ENTRY  # type: ignore[index]
    assert {f["rule"] for f in second["findings"]} == {  # type: ignore[attr-defined]
        "no-eval", "no-exec"}
    assert len(_servers(d.proc.pid)) == 2      # the first rule set's server is kept warm


BROKEN = "def f(:\n    pass\n((((\n\neval(x)\n"


def test_a_partly_parsed_save_is_pending_with_the_one_shot_runs_note(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    d = _with_own_rule(repo, daemon)
    assert _save(repo, d, "eval(1)\n")["engine"]["entry"] == ENTRY  # type: ignore[index]
    rec = _save(repo, d, BROKEN)
    alone = json.loads(repo.gitmon("check", "--worktree", "--format", "json", "--no-cache",
                                   "--no-record").out)
    notes = {f["path"]: f.get("note") for f in rec["change"]["files"]}  # type: ignore[index]
    assert notes[CLIENT] and notes[CLIENT].startswith("unparsable: semgrep")
    assert notes == {f["path"]: f.get("note") for f in alone["change"]["files"]}
    assert rec["verdict"] == alone["verdict"] == "pending"
    assert rec["reviewers"]["security"]["status"] == "pending"  # type: ignore[index]
    assert state(repo)["engine"] == "resident semgrep lsp"      # not a failure of the server
