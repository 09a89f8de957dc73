"""The semgrep engine: one process per run, the fast entry and its fallback, the cache,
and a degraded run (missing, crashing or slow semgrep) that is never a silent pass."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo

from gitmon.engines.semgrep import find_executable
from gitmon.rulesets import builtin_rules_dir

SEMGREP = find_executable(None)
BAD_LOOP = ("import time\n\n\ndef fetch(client):\n    while True:\n        try:\n"
            "            return client.get()\n        except Exception:\n            time.sleep(1)\n")


def wrapper(tmp_path: Path, body: str) -> str:
    """A stand-in executable named by GITMON_SEMGREP, wrapping or replacing semgrep."""
    script = tmp_path / "semgrep-wrapper"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def counting(tmp_path: Path, fail_experimental: bool = False) -> tuple[str, Path]:
    calls = tmp_path / "calls.log"
    guard = 'case "$*" in *--experimental*) exit 2;; esac\n' if fail_experimental else ""
    return wrapper(tmp_path, f'echo "$*" >> {calls}\n{guard}exec {SEMGREP} "$@"'), calls


def review(repo: GitRepo, monkeypatch: pytest.MonkeyPatch, semgrep: str | None,
           *args: str) -> tuple[int, dict[str, Any]]:
    if semgrep is not None:
        monkeypatch.setenv("GITMON_SEMGREP", semgrep)
    result = repo.gitmon("check", "--format", "json", *args)
    assert result.code in (0, 1, 3), result.err
    return result.code, json.loads(result.out)


def test_all_reviewers_run_in_one_semgrep_process(repo: GitRepo, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    script, calls = counting(tmp_path)
    repo.write("src/retry/client.py", TOKEN_LOG + "\n\n" + BAD_LOOP)
    repo.write("deploy/k8s/api.yaml", "apiVersion: apps/v1\nkind: Deployment\n")
    code, record = review(repo, monkeypatch, script)
    assert code == 1
    assert {f["reviewer"] for f in record["findings"] if f["severity"] == "error"} >= {
        "security", "reliability"}
    lines = calls.read_text().splitlines()
    assert len(lines) == 1
    assert "--experimental" in lines[0] and "--metrics=off" in lines[0]
    assert "--disable-version-check" in lines[0]


def test_fast_entry_failing_falls_back_to_plain_scan(repo: GitRepo, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    script, calls = counting(tmp_path, fail_experimental=True)
    repo.write("src/retry/client.py", TOKEN_LOG)
    code, record = review(repo, monkeypatch, script)
    assert code == 1
    assert record["engine"]["entry"] == "semgrep scan"
    assert len(calls.read_text().splitlines()) == 2


def test_second_run_is_served_from_the_cache(repo: GitRepo, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    script, calls = counting(tmp_path)
    repo.write("src/retry/client.py", TOKEN_LOG)
    first = review(repo, monkeypatch, script)[1]
    second = review(repo, monkeypatch, script)[1]
    assert first["engine"]["scanned"] == 1 and second["engine"] == {
        "cached": 1, "scanned": 0, "rules": 0}
    assert second["findings"] == first["findings"]
    assert len(calls.read_text().splitlines()) == 1
    third = review(repo, monkeypatch, script, "--no-cache")[1]
    assert third["engine"]["scanned"] == 1


@pytest.mark.parametrize(("body", "reason"), [
    (None, "semgrep was not found"),
    ("echo 'Traceback: boom' >&2; exit 2", "semgrep crashed (exit 2): Traceback: boom"),
    ("echo '{not json'; exit 0", "semgrep crashed (exit 0)"),
    ("kill -SEGV $$", "semgrep crashed (exit -11)"),
])
def test_broken_engine_degrades_to_pending_never_a_silent_pass(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str | None,
        reason: str) -> None:
    script = str(tmp_path / "missing-semgrep") if body is None else wrapper(tmp_path, body)
    repo.write("src/retry/client.py", TOKEN_LOG)
    code, record = review(repo, monkeypatch, script)
    assert code == 3
    assert record["verdict"] == "pending"
    assert record["degraded"]["reason"].startswith(reason)
    assert record["reviewers"]["security"]["status"] == "pending"
    assert record["reviewers"]["reliability"]["status"] == "pending"
    assert record["reviewers"]["deployment"]["status"] == "skipped"
    # the built-in checks still ran, and the record was written
    assert [f["rule"] for f in record["findings"]] == ["missing-test-change"]
    assert Path(record["record_path"]).is_file()
    text = repo.gitmon("check").out
    assert "PENDING" in text and "degraded: " in text


def test_slow_engine_times_out_and_degrades(repo: GitRepo, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from gitmon.policy import default_policy_text

    repo.write("gitmon.yml", default_policy_text().replace("semgrep_timeout: 300",
                                                           "semgrep_timeout: 1"))
    repo.write("src/retry/client.py", TOKEN_LOG)
    code, record = review(repo, monkeypatch, wrapper(tmp_path, "exec sleep 30"))
    assert code == 3
    assert record["degraded"]["reason"].startswith("semgrep timed out after 1s")


def test_a_blocking_builtin_finding_still_blocks_when_degraded(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    code, record = review(repo, monkeypatch, str(tmp_path / "nope"), "--fail-on", "info")
    assert code == 1 and record["verdict"] == "block"
    assert record["reviewers"]["production"]["status"] == "failed"


def _scan(entry: list[str], target: Path) -> set[tuple[str, str, str, int, int]]:
    cmd = [str(SEMGREP), "scan", *entry, "--metrics=off", "--disable-version-check", "--json",
           "--no-git-ignore", "--disable-nosem", "--config", str(target), str(target)]
    data = json.loads(subprocess.run(cmd, capture_output=True, check=True).stdout)
    return {(r["check_id"].rsplit(".", 1)[-1], Path(r["path"]).parent.name, Path(r["path"]).name,
             r["start"]["line"], r["end"]["line"]) for r in data["results"]}


def test_fast_entry_gives_the_same_findings_as_plain_scan_on_the_fixtures() -> None:
    # every pack's rules over every pack's fixtures, one run per entry (a semgrep start costs
    # seconds; the comparison holds per finding, so one run compares what four did)
    target = builtin_rules_dir()
    fast = _scan(["--experimental"], target)
    packs = {d.name for d in target.iterdir() if any(d.glob("*.y*ml"))}
    assert packs >= {"security", "reliability", "production", "deployment"}
    # the fixtures of each pack must produce findings for the comparison to mean anything
    assert {pack for _, pack, *_ in fast} == packs
    assert fast == _scan([], target)


def test_a_committed_review_cache_is_never_trusted(repo: GitRepo, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A change could commit cache entries claiming its bad code has no findings."""
    repo.write("src/retry/client.py", TOKEN_LOG)
    first = review(repo, monkeypatch, None)[1]
    assert first["verdict"] == "block" and first["engine"]["scanned"] == 1
    for entry in (repo.path / ".gitmon/cache").glob("*/*.json"):
        entry.write_text("[]")                        # forged: "no findings"
    repo.git("add", "-f", ".gitmon/cache")
    repo.commit("sneak a forged cache in")
    code, record = review(repo, monkeypatch, None, "--commit", "HEAD")
    assert code == 1 and record["engine"]["cached"] == 0
