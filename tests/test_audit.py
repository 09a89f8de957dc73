"""`gitmon audit`: one record per commit of a real history, with one semgrep run in all."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TOKEN_LOG, GitRepo

from gitmon.engines.semgrep import find_executable

POLICY = """\
version: 1
areas:
  retry:
    paths: ["**/retry/**"]
    reviewers: [security]
reviewers:
  security:
    title: Security Manager
    rules: [checks/secret.yaml]
    checks: []
    block_on: error
"""
RULE = """\
rules:
  - id: token-logged
    languages: [python]
    severity: ERROR
    message: a token is logged
    patterns:
      - pattern: $LOG.debug(..., $TOKEN)
      - metavariable-regex: {metavariable: $TOKEN, regex: "(?i).*token.*"}
"""
GOOD = "def call(api_token):\n    return api_token\n"


def counting_semgrep(tmp_path: Path, real: str | None = None) -> tuple[str, Path]:
    """A semgrep that counts its starts in a file, then is the real one."""
    real = real or find_executable(None)
    assert real, "semgrep must be installed for these tests"
    counter = tmp_path / "semgrep-runs"
    script = tmp_path / "semgrep"
    # the rule-file check at policy load (gitmon.rulecheck) is not a review's run
    script.write_text(f"#!/bin/sh\ncase \"$*\" in *gitmon-rulecheck-*) ;; *) echo run >> '{counter}';; "
                      f"esac\nexec '{real}' \"$@\"\n")
    script.chmod(0o755)
    return str(script), counter


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def gitmon(repo: GitRepo, semgrep: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GITMON_SEMGREP=semgrep)
    return subprocess.run([sys.executable, "-m", "gitmon", "audit", *args], cwd=repo.path,
                          env=env, capture_output=True, text=True, check=False)


def build_history(repo: GitRepo) -> dict[str, str]:
    """About 30 commits: unwatched ones, bad ones, a merge, a rename, a binary file.
    Returns the expected verdict of each commit."""
    expected = {repo.head(): "pass"}
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/secret.yaml", RULE)
    expected[repo.commit("policy")] = "pass"
    for i in range(12):
        repo.write(f"docs/page{i}.md", f"# page {i}\n")
        expected[repo.commit(f"docs {i}")] = "pass"
    repo.write("src/retry/client.py", GOOD)
    expected[repo.commit("retry client")] = "pass"
    repo.write("src/retry/client.py", TOKEN_LOG)
    expected[repo.commit("log the token")] = "block"
    repo.write("src/retry/client.py", GOOD)
    expected[repo.commit("stop logging it")] = "pass"
    repo.write("src/misc/old.py", TOKEN_LOG)
    expected[repo.commit("unwatched token log")] = "pass"
    repo.git("mv", "src/misc/old.py", "src/retry/moved.py")
    expected[repo.commit("move it: a rename adds no line")] = "pass"
    repo.write("src/retry/blob.bin", bytes(range(256)) * 4)
    expected[repo.commit("binary")] = "pass"
    repo.write("src/retry/naïve client.py", TOKEN_LOG)
    expected[repo.commit("odd name")] = "block"
    expected[repo.commit("empty")] = "pass"
    repo.git("checkout", "-q", "-b", "side")
    repo.write("src/retry/side.py", TOKEN_LOG)
    expected[repo.commit("side: bad")] = "block"
    repo.write("docs/side.md", "side\n")
    expected[repo.commit("side: docs")] = "pass"
    repo.git("checkout", "-q", "main")
    repo.write("docs/main.md", "main\n")
    expected[repo.commit("main: docs")] = "pass"
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    expected[repo.head()] = "pass"       # side.py is side's, reviewed there: the merge adds nothing
    for i in range(5):
        repo.write(f"docs/after{i}.md", f"after {i}\n")
        expected[repo.commit(f"after {i}")] = "pass"
    return expected


def ledger(repo: GitRepo) -> list[dict[str, object]]:
    lines = (repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_audit_reviews_every_commit_with_one_semgrep_run(repo: GitRepo, tmp_path: Path) -> None:
    expected = build_history(repo)
    assert len(expected) >= 30
    semgrep, counter = counting_semgrep(tmp_path)
    result = gitmon(repo, semgrep)
    assert result.returncode == 0, result.stderr        # a report: blocks don't fail it
    assert runs(counter) <= 2                           # --experimental, maybe the fallback
    entries = ledger(repo)
    assert {e["head"]: e["verdict"] for e in entries} == expected
    assert len(entries) == len(expected)
    assert {(e["source"], e["kind"]) for e in entries} == {("audit", "commit")}
    order = repo.git("rev-list", "--reverse", "HEAD").split()
    assert [e["head"] for e in entries] == order        # oldest first
    merge = json.loads((repo.path / ".gitmon" / str(entries[-6]["record"])).read_text())
    assert merge["change"]["base"] == repo.git("rev-parse", "HEAD~5^1").strip()
    assert merge["findings"] == [] and merge["change"]["files"] == []   # nothing of its own
    assert "block" in result.stdout and "token-logged" in result.stdout


def test_audit_second_run_is_cached_and_can_fail_on_block(repo: GitRepo, tmp_path: Path) -> None:
    expected = build_history(repo)
    semgrep, counter = counting_semgrep(tmp_path)
    assert gitmon(repo, semgrep).returncode == 0
    before = runs(counter)
    result = gitmon(repo, semgrep, "--format", "json", "--no-record", "--fail-on-block")
    assert result.returncode == 1, result.stderr
    assert runs(counter) == before                      # every file came from the cache
    summary = json.loads(result.stdout)
    assert summary["commits"] == len(expected)
    assert summary["verdicts"] == {"pass": len(expected) - 3, "block": 3, "pending": 0}
    assert summary["top_rules"] == [{"rule": "token-logged", "findings": 3}]
    assert summary["reviewers"] == {"security": {"failed": 3, "passed": 4}}
    assert {b["commit"] for b in summary["blocked"]} == {
        c for c, v in expected.items() if v == "block"}
    assert len(ledger(repo)) == len(expected)           # --no-record wrote nothing more


def test_audit_max_count_takes_the_newest_commits(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/secret.yaml", RULE)
    repo.commit("policy")
    repo.write("src/retry/client.py", TOKEN_LOG)
    bad = repo.commit("bad")
    repo.write("docs/a.md", "a\n")
    last = repo.commit("docs")
    semgrep, _ = counting_semgrep(tmp_path)
    result = gitmon(repo, semgrep, "-n", "2", "--format", "json", "HEAD")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["commits"] == 2
    assert [b["commit"] for b in summary["blocked"]] == [bad]
    assert [e["head"] for e in ledger(repo)] == [bad, last]


@pytest.mark.parametrize("spec", ["nope..HEAD", "--all", "HEAD~40"])
def test_bad_range_is_a_usage_error_with_a_hint(repo: GitRepo, tmp_path: Path,
                                                spec: str) -> None:
    result = gitmon(repo, "semgrep", "--", spec)
    assert result.returncode == 2
    assert "bad revision range" in result.stderr or "not a revision range" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr


def test_audit_of_an_empty_repo_says_what_to_do(tmp_path: Path) -> None:
    from conftest import make_repo

    empty = make_repo(tmp_path / "empty", initial=False)
    result = gitmon(empty, "semgrep")
    assert result.returncode == 2
    assert "nothing is committed yet" in result.stderr and "hint:" in result.stderr


def test_crashing_engine_degrades_once_not_per_commit(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/secret.yaml", RULE)
    repo.commit("policy")
    for i in range(3):
        repo.write(f"src/retry/c{i}.py", TOKEN_LOG)
        repo.commit(f"bad {i}")
    crash = tmp_path / "crash"
    crash.write_text("#!/bin/sh\necho boom >&2\nexit 7\n")
    crash.chmod(0o755)
    semgrep, counter = counting_semgrep(tmp_path, real=str(crash))
    result = gitmon(repo, semgrep, "--format", "json")
    assert result.returncode == 3, result.stderr
    summary = json.loads(result.stdout)
    assert summary["verdicts"] == {"pass": 2, "block": 0, "pending": 3}
    assert "semgrep crashed (exit 7)" in summary["degraded"]["reason"]
    assert runs(counter) == 2                           # both entries tried once, in all


def test_progress_bar_only_on_a_terminal(repo: GitRepo, tmp_path: Path) -> None:
    for i in range(3):
        repo.write(f"docs/{i}.md", "x\n")
        repo.commit(f"docs {i}")
    leader, follower = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "gitmon", "audit", "--no-record"],
                          cwd=repo.path, stdout=subprocess.PIPE, stderr=follower, check=False)
    os.close(follower)
    tty_err = os.read(leader, 65536).decode()
    os.close(leader)
    assert proc.returncode == 0
    assert "auditing" in tty_err and "4/4" in tty_err
    piped = gitmon(repo, "semgrep", "--no-record")
    assert piped.returncode == 0 and piped.stderr.startswith("gitmon: audited 4 commits in ")
    assert "auditing" not in piped.stderr                # no bar in a pipe: one final line


def test_unrouted_shortcut_writes_the_record_review_would(repo: GitRepo) -> None:
    from gitmon import records
    from gitmon.audit import history
    from gitmon.review import Options, review
    from gitmon.rulecheck import load_policy
    from gitmon.rulesets import disk_reader

    repo.write("docs/a b.md", "x\n")
    repo.write("src/app/main.py", TOKEN_LOG)
    repo.git("rm", "-q", "README.md")
    repo.commit("no watched area")
    policy = load_policy(repo.path, None)
    [change] = history.changes(repo.path, history.commits(repo.path, "HEAD", 1))
    assert history.Router(policy).route(change) is None
    options = Options(source="audit")
    volatile = ("id", "started_at", "finished_at")
    quick = {k: v for k, v in records.build(history.unrouted_review(change, policy, options)).items()
             if k not in volatile}
    full = {k: v for k, v in records.build(review(change, policy, disk_reader(repo.path), options)
                                           ).items() if k not in volatile}
    assert quick == full
    assert quick["unrouted"] == 3 and quick["verdict"] == "pass"


def test_history_stream_splits_odd_commits_even_byte_by_byte(repo: GitRepo) -> None:
    from gitmon import gitio
    from gitmon.audit import history
    from gitmon.change import parse_diff, stream

    sha_like = "0123456789abcdef0123456789abcdef01234567"
    repo.write(sha_like, "named like a commit\n")
    repo.write("new\nline.py", "x = 1\n")
    repo.write("bin.dat", b"\0\1\2")
    repo.commit("odd names")
    repo.git("mv", "new\nline.py", "ü moved.py")
    repo.commit("rename")
    repo.commit("empty")
    pairs = history.commits(repo.path, "HEAD")
    streamed = list(gitio.commit_diffs(repo.path, pairs))
    lines = "".join(f"{c} {p}\n" if p else f"{c}\n" for c, p in pairs).encode()
    raw = gitio.run(repo.path, "-c", "core.quotePath=false", "diff-tree", "--stdin", "-r",
                    "--root", "--always", *gitio.DIFF_FLAGS, stdin=lines)
    one_byte = list(stream.split_commits((raw[i:i + 1] for i in range(len(raw))), pairs))
    assert one_byte == streamed and [s for s, _, _ in streamed] == [c for c, _ in pairs]
    files = [[(f.path, f.status, f.old_path, f.binary) for f in parse_diff(d)]
             for _, _, d in streamed]
    assert files == [
        [("README.md", "A", None, False)],
        [(sha_like, "A", None, False), ("bin.dat", "A", None, True),
         ("new\nline.py", "A", None, False)],
        [("ü moved.py", "R", "new\nline.py", False)],
        [],
    ]


def test_versions_of_a_path_share_one_run() -> None:
    from gitmon.audit.prefill import Target, _batches

    def target(path: str, blob: str) -> Target:
        return Target(path, blob, frozenset({blob}), frozenset())

    targets = [target("a.py", "1"), target("a.py", "2"), target("b.py", "3"), target("a.py", "4")]
    [merged] = _batches(targets)
    assert {name: t.blob for name, t in merged.items()} == {
        "a.py": "1", "_gitmon_v1/a.py": "2", "_gitmon_v2/a.py": "4", "b.py": "3"}
