"""The hook's fast path: structural (what is imported), not timed; bench/bench_hook.py times it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo, make_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from gitmon.hook import fastpath, fastroute
from gitmon.policy import default_policy_text, parse_policy
from gitmon.rulecheck import load_policy

HEAVY = ("click", "git", "jinja2", "watchdog", "gitmon.engines.semgrep", "gitmon.review",
         "gitmon.cli")


def imported(repo: GitRepo, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "gitmon", *args],
                          cwd=repo.path, capture_output=True, text=True, check=False)
    names = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()
             if line.startswith("import time:")}
    return proc, names


def stage_unwatched(repo: GitRepo) -> None:
    repo.write("docs/guide.md", "# guide\n")
    repo.write("src/app/main.py", "print('hi')\n")
    repo.git("add", "docs/guide.md", "src/app/main.py")


def test_unwatched_commit_imports_nothing_heavy(repo: GitRepo) -> None:
    stage_unwatched(repo)
    first, names = imported(repo, "check", "--staged", "--source", "pre-commit")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "gitmon.hook.fastpath" in names and not names & set(HEAVY)
    again, names = imported(repo, "check", "--staged", "--source", "pre-commit")
    assert again.returncode == 0
    assert "no staged file in a watched area (2 unrouted)" in again.stdout
    # once the routing table is cached, not even the policy parser is loaded; gitio and
    # records stay light at the top (tempfile alone costs a fifth of a Python start)
    assert not names & {*HEAVY, "yaml", "pathspec", "gitmon.policy", "tempfile", "secrets", "typing"}
    ledger = (repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()
    assert [json.loads(line)["source"] for line in ledger] == ["pre-commit", "pre-commit"]


def test_fast_record_equals_the_full_review_record(repo: GitRepo) -> None:
    stage_unwatched(repo)
    assert repo.gitmon("check", "--staged", "--source", "pre-commit").code == 0
    slow = repo.gitmon("check", "--staged", "--source", "pre-commit", "--format", "json")
    assert slow.code == 0, slow.err
    records = sorted((repo.path / ".gitmon" / "records").glob("*.json"))
    fast, full = (json.loads(p.read_text()) for p in records)
    volatile = ("id", "started_at", "finished_at", "record_path")
    for key in volatile:
        fast.pop(key, None)
        full.pop(key, None)
    assert fast == full


def test_routed_file_gets_the_full_review_without_click(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    stage_unwatched(repo)
    assert fastpath.try_fast(["check", "--staged", "--no-record"]) == 0
    repo.write("src/retry/backoff.py", "DELAY = 1\n")
    repo.git("add", "src/retry/backoff.py")
    capsys.readouterr()
    assert fastpath.try_fast(["check", "--staged", "--no-record"]) == 0
    assert "gitmon: PASS - 1 routed file(s), 2 unrouted" in capsys.readouterr().out
    # options this parser does not know, or bad values, go to the click CLI
    assert fastpath.try_fast(["check", "--staged", "--format", "json"]) is None
    assert fastpath.try_fast(["check", "--staged", "--fail-on", "bogus"]) is None


def test_hook_review_of_routed_files_imports_no_click(repo: GitRepo) -> None:
    repo.write("src/retry/backoff.py", "DELAY = 1\n")
    repo.git("add", "src/retry/backoff.py")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "gitmon", "check",
                           "--staged", "--no-record"], cwd=repo.path, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()}
    assert "gitmon.engines.semgrep" in imported
    assert not {"click", "git", "jinja2", "watchdog"} & imported


def test_policy_change_rebuilds_the_cached_table(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    stage_unwatched(repo)
    assert fastpath.try_fast(["check", "--staged", "--no-record"]) == 0
    policy = default_policy_text()
    policy = policy.replace('paths: ["**/retry/**"', 'paths: ["docs/**", "**/retry/**"', 1)
    assert "docs/**" in policy
    repo.write("gitmon.yml", policy)
    repo.git("add", "gitmon.yml")
    repo.git("commit", "-q", "-m", "policy watches docs", "--", "gitmon.yml")
    capsys.readouterr()
    assert fastpath.try_fast(["check", "--staged", "--no-record"]) == 0
    assert "gitmon: PASS - 1 routed file(s)" in capsys.readouterr().out


def test_linked_worktree_uses_the_fast_path(repo: GitRepo, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    repo.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    linked = GitRepo(tmp_path / "wt")
    stage_unwatched(linked)
    monkeypatch.chdir(linked.path)
    assert fastpath.try_fast(["check", "--staged", "--source", "pre-commit"]) == 0
    [record] = (linked.path / ".gitmon" / "records").glob("*.json")
    assert json.loads(record.read_text())["change"]["base"] == repo.head()


PATHS = ["src/retry/client.py", "retry.py", "a/b/retry_policy.yaml", "lib/backoff.go",
         "k8s/deploy.yaml", "charts/app/values.yaml", "gitmon.yml", "rules/x/y.yaml",
         "docs/guide.md", "src/health/check.py", "health.py", "services/api/main.py",
         "src/ratelimit/bucket.py", "rate_limit.py", "monitoring/alerts.yml", "README.md",
         "deep/nested/services/x.py", "x/retry", "Dockerfile", "helm/Chart.yaml"]


def test_compiled_table_matches_pathspec_on_the_default_policy(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    policy = load_policy(repo.path)
    table = fastroute.Table(fastroute.build(str(repo.path), None, "x", "y"))
    for path in PATHS:
        expected = [name for name, area in policy.areas.items() if area.matches(path)]
        assert table.areas_of(path) == expected, path


def test_compiled_table_keeps_gitignore_precedence(tmp_path: Path) -> None:
    text = ("version: 1\nareas:\n  a:\n    paths: ['src/', '!src/vendor/**', 'src/vendor/keep.py',"
            " '*.cfg', '!/top.cfg', 'build/**/out']\n    reviewers: [r]\n"
            "reviewers:\n  r: {rules: []}\n")
    repo = make_repo(tmp_path / "r")
    repo.write("gitmon.yml", text)
    area = parse_policy(text, "gitmon.yml").areas["a"]
    table = fastroute.Table(fastroute.build(str(repo.path), None, "x", "y"))
    for path in ["src/a.py", "src/vendor/b.py", "src/vendor/keep.py", "x/src/c.py", "a.cfg",
                 "top.cfg", "d/top.cfg", "build/x/out", "build/out", "out"]:
        assert bool(table.areas_of(path)) == area.matches(path), path


def test_content_routed_staged_file_gets_the_review(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    stage_unwatched(repo)
    repo.write("docs/notes.txt", "import tenacity\n")      # not code: never read
    repo.write("src/app/client.py", "import tenacity\nDELAY = 1\n")
    repo.git("add", "docs/notes.txt", "src/app/client.py")
    capsys.readouterr()
    assert fastpath.try_fast(["check", "--staged"]) == 0
    assert "gitmon: PASS - 1 routed file(s), 3 unrouted" in capsys.readouterr().out
    [record] = (repo.path / ".gitmon" / "records").glob("*.json")
    files = {f["path"]: f["areas"] for f in json.loads(record.read_text())["change"]["files"]}
    assert files["src/app/client.py"] == ["retry"] and files["src/app/main.py"] == []


def test_compiled_table_claims_what_the_full_routing_claims(repo: GitRepo) -> None:
    repo.write("k/app.yaml", "kind: Deployment\n")
    repo.write("svc/a.go", 'import "golang.org/x/time/rate"\n')
    repo.write("svc/b.py", "import os\n")
    repo.git("add", "-A")
    table = fastroute.Table(fastroute.build(str(repo.path), None, "x", "y"))
    names = [("A", "k/app.yaml"), ("A", "svc/a.go"), ("A", "svc/b.py")]
    assert table.claim(str(repo.path), names)
    assert [table.areas_of(p) for _, p in names] == [["deployment"], ["rate-limit"], []]
    assert table.claimed == {"k/app.yaml": {"deployment": "k8s-workload"},
                             "svc/a.go": {"rate-limit": "go-rate-limit"}}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["src", "retry", "Retry", "a_retry_b.py", "deploy", "k8s",
                                 "RateLimiter.java", "health", "x.yaml", "rules", "gitmon.yml",
                                 "tests", "legacy", "charts", "templates", "svc_handler.go",
                                 "services", "README.md", "ratelimit", "my-rate-limit.ts"]),
                min_size=1, max_size=4))
def test_the_hook_table_routes_every_path_as_pathspec_does(parts: list[str]) -> None:
    """The table compiles a pattern only when the path holds its literal run: never a
    different answer from the full routing's pathspec."""
    from gitmon.policy import default_policy_text, parse_policy
    from gitmon.routing import route_paths

    policy = parse_policy(default_policy_text(), "default")
    table = _default_table()
    path = "/".join(parts)
    assert table.areas_of(path) == list(route_paths(policy, [path]).areas_of(path))


_TABLE: list[fastroute.Table] = []


def _default_table() -> fastroute.Table:
    if not _TABLE:
        root = Path(__file__).resolve().parent   # no gitmon.yml here: the built-in default
        _TABLE.append(fastroute.Table(fastroute.build(str(root), None, "x", "y")))
    return _TABLE[0]
