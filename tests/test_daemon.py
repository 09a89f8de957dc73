"""`gitmon watch`: the real daemon, as a process, on real repositories, with real semgrep.

Every test waits by polling the ledger or the state file against a deadline, and the
`daemon` fixture always ends the process (asserting a clean SIGTERM exit on the way).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo
from test_records import validate

from gitmon.policy import default_policy_text

DEBOUNCE = 0.3
SEMGREP = str(Path(sys.executable).parent / "semgrep")
SAFE = "def backoff(attempt):\n    return min(2 ** attempt, 30)\n"


def wait_for(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def ledger(repo: GitRepo) -> list[dict[str, Any]]:
    try:
        lines = (repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()
    except OSError:
        return []
    return [json.loads(line) for line in lines]


def record(repo: GitRepo, entry: dict[str, Any]) -> dict[str, Any]:
    return json.loads((repo.path / ".gitmon" / entry["record"]).read_text())


def state(repo: GitRepo) -> dict[str, Any]:
    try:
        return json.loads((repo.path / ".gitmon" / "daemon.json").read_text())
    except (OSError, ValueError):
        return {}


def settled(repo: GitRepo) -> dict[str, Any]:
    """Wait until nothing is pending or in review: no review comes without a new event.

    Call it after the record of the last expected review: the state file is written after
    each review and each batch, so "idle" then means the queue was empty after it."""
    return wait_for(lambda: state(repo).get("queue") == "idle" and state(repo),
                    what="an idle queue")


@dataclass
class Daemon:
    proc: subprocess.Popen[bytes]
    repo: GitRepo
    out: Path
    err: Path

    def stdout(self) -> str:
        return self.out.read_text()

    def stderr(self) -> str:
        return self.err.read_text()

    def new_entries(self, since: int, kind: str | None = None) -> list[dict[str, Any]]:
        return [e for e in ledger(self.repo)[since:]
                if e["source"] == "daemon" and (kind is None or e["kind"] == kind)]

    def terminate(self, timeout: float = 6.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def start(repo: GitRepo, *args: str, env: dict[str, str] | None = None,
              ready: bool = True) -> Daemon:
        out, err = tmp_path / f"out{len(started)}", tmp_path / f"err{len(started)}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "gitmon", "watch", "--debounce", str(DEBOUNCE), *args],
            cwd=repo.path, stdout=out.open("wb"), stderr=err.open("wb"),
            env=dict(os.environ, **(env or {})))
        d = Daemon(proc, repo, out, err)
        started.append(d)
        if ready:
            wait_for(lambda: proc.poll() is not None or (
                state(repo).get("pid") == proc.pid and state(repo).get("state") == "watching"),
                what="the daemon to start")
            assert proc.poll() is None, d.stderr()
        return d

    yield start
    for d in started:
        if d.proc.poll() is None:
            try:
                assert d.terminate() == 0, d.stderr()
            finally:
                if d.proc.poll() is None:
                    d.proc.kill()
                    d.proc.wait()


def fake_semgrep(tmp_path: Path, body: str) -> dict[str, str]:
    """A semgrep stand-in (GITMON_SEMGREP) that logs each call, then runs body."""
    calls = tmp_path / "semgrep-calls"
    script = tmp_path / "fake-semgrep"
    script.write_text(f"#!/bin/sh\necho $$ >> {calls}\n{body}\n")
    script.chmod(0o755)
    return {"GITMON_SEMGREP": str(script)}


def calls(tmp_path: Path) -> int:
    path = tmp_path / "semgrep-calls"
    return len(path.read_text().split()) if path.exists() else 0


def test_save_logging_a_token_in_retry_code_blocks_within_debounce_plus_review(
        repo: GitRepo, daemon: Callable[..., Daemon], tmp_path: Path) -> None:
    sent = tmp_path / "notified"
    notifier = tmp_path / "notify.sh"
    notifier.write_text(f'#!/bin/sh\necho "$GITMON_VERDICT|$1" >> {sent}\n')
    notifier.chmod(0o755)
    d = daemon(repo, "--notify", str(notifier))
    before = len(ledger(repo))
    saved = time.monotonic()
    repo.write("src/retry/client.py", TOKEN_LOG)
    entry = wait_for(lambda: d.new_entries(before, "worktree"), what="a worktree record")[0]
    latency = time.monotonic() - saved
    rec = record(repo, entry)
    assert rec["verdict"] == "block" and rec["source"] == "daemon"
    assert rec["engine"]["scanned"] == 1
    last = wait_for(lambda: (state(repo).get("last_review") or {}).get("record", "").endswith(
        entry["record"].split("/")[-1]) and state(repo)["last_review"], what="the heartbeat")
    # The daemon's own time for it: the git diff, semgrep, the record. Beyond that and the
    # debounce only the event's delivery and our poll (slack for a loaded machine).
    assert latency < DEBOUNCE + last["seconds"] + 1.0, (latency, last, rec["engine"])
    line = wait_for(lambda: [x for x in d.stdout().splitlines() if "security" in x],
                    what="the notification line")[0]
    assert line.startswith("retry: security ✗ 1 error src/retry/client.py:6 A credential")
    assert line.endswith("[working tree]")
    wait_for(lambda: sent.exists() and f"block|{line}\n" in sent.read_text(),
             what="the --notify command")


def test_hook_after_a_daemon_review_of_the_same_content_is_served_from_the_cache(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    assert repo.gitmon("hook", "install").code == 0
    d = daemon(repo)
    before = len(ledger(repo))
    repo.write("src/retry/client.py", TOKEN_LOG)
    rec = record(repo, wait_for(lambda: d.new_entries(before, "worktree"), what="a review")[0])
    assert rec["engine"]["scanned"] == 1
    repo.git("add", "src/retry/client.py")
    commit = subprocess.run(["git", "commit", "-q", "-m", "retry"], cwd=repo.path,
                            capture_output=True, text=True, check=False)
    assert commit.returncode == 1, commit.stderr     # the hook blocks the leaked token
    hook = [e for e in ledger(repo) if e["source"] == "pre-commit"]
    assert len(hook) == 1 and hook[0]["verdict"] == "block"
    # the daemon answers for what it reviewed (else the shared cache would: test_daemon_hook)
    assert record(repo, hook[0])["engine"] == {"cached": 0, "scanned": 0, "rules": 0,
                                               "daemon": 1}


def test_a_300_file_burst_is_one_or_two_reviews(repo: GitRepo,
                                                daemon: Callable[..., Daemon]) -> None:
    d = daemon(repo)
    before = len(ledger(repo))
    for i in range(300):
        repo.write(f"src/retry/policy_{i:03}.py", f"LIMIT_{i} = {i}\n")

    def covered() -> bool:   # each review has the paths of its own batch of saves
        done = d.new_entries(before, "worktree")
        return len({f["path"] for e in done for f in record(repo, e)["change"]["files"]}) == 300
    wait_for(covered, timeout=40, what="reviews of all 300 files")
    settled(repo)
    reviews = d.new_entries(before, "worktree")
    assert 1 <= len(reviews) <= 2, reviews


def test_a_commit_gets_its_own_record(repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    d = daemon(repo)
    before = len(ledger(repo))
    repo.write("src/retry/backoff.py", SAFE)
    sha = repo.commit("backoff")
    entry = wait_for(lambda: d.new_entries(before, "commit"), what="a commit record")[0]
    assert entry["head"] == sha and entry["verdict"] == "pass"
    files = record(repo, entry)["change"]["files"]
    assert files == [{"path": "src/retry/backoff.py", "status": "A", "areas": ["retry"]}]
    # ...and the board of the new HEAD's working tree is fresh again.
    wait_for(lambda: [e for e in d.new_entries(before, "worktree") if e["base"] == sha],
             what="a worktree review on the new HEAD")
    assert f"[commit {sha[:10]}]" in wait_for(d.stdout, what="the commit's lines")


def test_a_branch_switch_is_one_working_tree_review_and_no_commit_record(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    for i in range(40):
        repo.write(f"src/retry/part_{i}/notes.txt", f"budget {i}\n")
    repo.commit("notes")
    repo.git("checkout", "-q", "main")
    d = daemon(repo)
    before = len(ledger(repo))
    repo.git("checkout", "-q", "feature")
    wait_for(lambda: d.new_entries(before), what="a review of the switch")
    settled(repo)
    assert [(e["kind"], e["base"]) for e in d.new_entries(before)] == [
        ("worktree", repo.head())]
    assert "switched to refs/heads/feature at" in d.stderr()


def test_a_broken_policy_is_recorded_as_failed_then_the_fixed_one_reviews_the_next_save(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    repo.write("gitmon.yml", default_policy_text())
    repo.commit("policy")
    d = daemon(repo)
    before = len(ledger(repo))
    repo.write("gitmon.yml", default_policy_text() + "areas: [\n")
    sha = repo.commit("a broken policy")
    entry = wait_for(lambda: [e for e in d.new_entries(before) if e["head"] == sha],
                     what="the broken commit's record")[0]
    failed = record(repo, entry)
    assert (entry["kind"], failed["verdict"], failed["reviewers"]) == ("commit", "pending", {})
    reason = failed["degraded"]["reason"]
    assert reason.startswith("gitmon.yml:") and "invalid YAML" in reason and "hint:" in reason
    assert failed["change"]["head"] == sha and failed["change"]["commits"] == [sha]
    validate({k: v for k, v in failed.items() if k != "record_path"})
    wait_for(lambda: "review failed: gitmon.yml:" in d.stdout(), what="the failure's line")
    assert f"[commit {sha[:10]}]" in d.stdout()
    assert "invalid YAML" in wait_for(lambda: state(repo).get("last_error"), what="last_error")
    wait_for(lambda: (state(repo).get("last_review") or {}).get("verdict") == "pending",
             what="the failure as the last review")
    # The fix is a save like any other; the broken commit is not reviewed again.
    repo.write("gitmon.yml", default_policy_text())
    repo.write("src/retry/client.py", TOKEN_LOG)
    good = wait_for(lambda: [e for e in d.new_entries(before, "worktree")
                             if e["verdict"] == "block"], what="the save's record")[0]
    assert record(repo, good)["reviewers"]["security"]["status"] == "failed"
    assert "the policy loads again" in d.stderr()
    assert [e["head"] for e in ledger(repo)].count(sha) == 1
    assert d.proc.poll() is None


def test_started_while_the_policy_is_broken_it_waits_for_the_fix(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    repo.write("gitmon.yml", "version: 1\nareas: [\n")     # e.g. a restart mid-edit
    d = daemon(repo)
    assert "reviews are recorded as failed until the policy loads" in d.stderr()
    failed = wait_for(lambda: d.new_entries(0, "worktree"), what="the failed review")[0]
    assert failed["verdict"] == "pending" and failed["degraded"]
    assert record(repo, failed)["policy"].endswith("gitmon.yml")
    repo.write("gitmon.yml", default_policy_text())
    repo.write("src/retry/client.py", TOKEN_LOG)
    wait_for(lambda: [e for e in d.new_entries(1, "worktree") if e["verdict"] == "block"],
             what="the review after the fix")


def test_a_commit_with_a_non_utf8_name_is_recorded_once_and_the_next_save_is_reviewed(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    d = daemon(repo)
    before = len(ledger(repo))
    folder = repo.path / "src" / "retry"
    folder.mkdir(parents=True)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.py"), "wb") as fh:   # Latin-1
        fh.write(b"x = 1\n")
    sha = repo.commit("an odd name")
    wait_for(lambda: [e for e in d.new_entries(before) if e["head"] == sha],
             what="the commit's record (or its failure's)")
    repo.write("src/retry/client.py", TOKEN_LOG)
    good = wait_for(lambda: [e for e in d.new_entries(before, "worktree")
                             if e["verdict"] == "block"], what="the next save's record")[0]
    assert record(repo, good)["change"]["base"] == sha
    settled(repo)
    assert [e["head"] for e in ledger(repo)].count(sha) == 1      # never retried
    assert d.proc.poll() is None


def test_one_daemon_per_repo_stale_lock_taken_over_and_stop(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    repo.write(".gitmon/daemon.lock", f"{dead}\n")
    first = daemon(repo)
    assert f"took over the lock of a daemon that is gone (pid {dead})" in first.stderr()
    second = repo.gitmon("watch")
    assert second.code == 2
    assert second.err == (
        f"gitmon: error: a gitmon daemon is already watching this repository "
        f"(pid {first.proc.pid})\n  hint: see it with `gitmon status`, or stop it with "
        f"`gitmon watch --stop`\n")
    status = repo.gitmon("status")
    assert f"daemon: running (pid {first.proc.pid})" in status.out
    stop = repo.gitmon("watch", "--stop")
    assert (stop.code, stop.out) == (0, f"gitmon watch: stopped the daemon (pid {first.proc.pid})\n")
    assert first.proc.wait(5) == 0
    assert "daemon: not running (last state stopped" in repo.gitmon("status").out


def test_garbage_huge_file_and_crashing_semgrep_leave_it_running_degraded(
        repo: GitRepo, daemon: Callable[..., Daemon], tmp_path: Path) -> None:
    mode = tmp_path / "mode"
    mode.write_text("crash")
    env = fake_semgrep(tmp_path, f'[ "$(cat {mode})" = ok ] && exec {SEMGREP} "$@"\n'
                                 'echo "Fatal error: segmentation fault" >&2; exit 139')
    d = daemon(repo, "--breaker-threshold", "2", "--breaker-cooldown", "2", env=env)
    before = len(ledger(repo))
    repo.write("src/retry/blob.bin", bytes(range(256)) * 64)             # binary
    repo.write("src/retry/garbage.py", b"def f(:\n\xff\xfe\x80 ((((\n" * 500)   # not UTF-8
    wait_for(lambda: len(d.new_entries(before)) >= 1, what="review 1")
    repo.write("src/retry/huge.py", "x = 1\n" * 400_000)                 # > max_file_size
    repo.write("src/retry/garbage.py", b"def f(:\n\xff\xfe\x80 ((((\n" * 501)   # scanned again
    second = wait_for(lambda: d.new_entries(before)[1:], what="review 2")[0]
    notes = {f["path"]: f.get("note", "") for f in record(repo, second)["change"]["files"]}
    assert "huge" in notes["src/retry/huge.py"]
    wait_for(lambda: state(repo)["breaker"] == "open", what="the breaker to open")
    spent = calls(tmp_path)
    repo.write("src/retry/client.py", TOKEN_LOG)
    third = wait_for(lambda: d.new_entries(before)[2:], what="review 3")[0]
    assert calls(tmp_path) == spent                       # the open breaker spared semgrep
    rec = record(repo, third)
    assert rec["verdict"] == "pending"
    assert rec["degraded"]["reason"].startswith("engine circuit open after 2 consecutive")
    assert "semgrep crashed (exit 139)" in rec["degraded"]["reason"]
    assert rec["reviewers"]["security"]["status"] == "pending"
    assert d.proc.poll() is None
    # Half-open after the cool-down: the engine works again and the breaker closes.
    mode.write_text("ok")
    time.sleep(state(repo)["breaker_detail"]["retry_in"] + 0.1)    # the cool-down itself
    repo.write("src/retry/client.py", TOKEN_LOG + "\n")
    fourth = record(repo, wait_for(lambda: d.new_entries(before)[3:], what="review 4")[0])
    assert fourth["degraded"] is None and fourth["verdict"] == "block"
    wait_for(lambda: state(repo)["breaker"] == "closed", what="the breaker to close")


def test_sigterm_during_a_review_exits_0_fast_with_no_partial_record(
        repo: GitRepo, daemon: Callable[..., Daemon], tmp_path: Path) -> None:
    env = fake_semgrep(tmp_path, f'sleep 30; exec {SEMGREP} "$@"')
    d = daemon(repo, env=env)
    before = len(ledger(repo))
    repo.write("src/retry/client.py", TOKEN_LOG)
    wait_for(lambda: calls(tmp_path) == 1, what="the slow review to start")
    stopped = time.monotonic()
    assert d.terminate() == 0, d.stderr()
    assert time.monotonic() - stopped < 5
    assert ledger(repo)[before:] == []
    folder = repo.path / ".gitmon" / "records"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(e["record"]).name for e in ledger(repo))       # no temp file, no orphan
    assert "abandoned the review of the working tree" in d.stderr()
    assert state(repo)["state"] == "stopped"
    pid = int((tmp_path / "semgrep-calls").read_text().split()[0])
    wait_for(lambda: not Path(f"/proc/{pid}").exists() or "Z" in Path(
        f"/proc/{pid}/stat").read_text().split()[2], timeout=3, what="semgrep to be killed")


def test_a_closed_terminal_sighup_stops_it_cleanly_and_ends_its_semgrep(
        repo: GitRepo, daemon: Callable[..., Daemon], tmp_path: Path) -> None:
    env = fake_semgrep(tmp_path, f'sleep 30; exec {SEMGREP} "$@"')
    d = daemon(repo, env=env)
    repo.write("src/retry/client.py", TOKEN_LOG)
    wait_for(lambda: calls(tmp_path) == 1, what="the slow review to start")
    d.proc.send_signal(signal.SIGHUP)
    assert d.proc.wait(6) == 0, d.stderr()
    assert state(repo)["state"] == "stopped"
    pid = int((tmp_path / "semgrep-calls").read_text().split()[0])
    wait_for(lambda: not Path(f"/proc/{pid}").exists() or "Z" in Path(
        f"/proc/{pid}/stat").read_text().split()[2], timeout=3, what="semgrep to be killed")


def test_waits_while_the_index_is_locked(repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    d = daemon(repo)
    before = len(ledger(repo))
    lock = repo.path / ".git" / "index.lock"
    lock.write_text("")
    repo.write("src/retry/notes.txt", "retry budget notes\n")
    wait_for(lambda: state(repo).get("reviewing") == "waiting for .git/index.lock",
             what="the daemon to wait for the lock")
    assert d.new_entries(before) == []
    lock.unlink()
    wait_for(lambda: d.new_entries(before, "worktree"), what="the review after the unlock")


def inotify_inodes(pid: int) -> set[int]:
    inodes = set()
    for info in Path(f"/proc/{pid}/fdinfo").iterdir():
        try:
            text = info.read_text()
        except OSError:
            continue     # a pipe of a git call, closed since the listing
        for line in text.splitlines():
            if line.startswith("inotify wd:"):
                inodes.add(int(line.split("ino:")[1].split()[0], 16))
    return inodes


def test_no_watch_in_an_ignored_tree_and_new_folders_are_watched(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:
    repo.write(".gitignore", "build/\n*.log.d/\n")
    for rel in ("node_modules/pkg/lib/x.js", "build/out/a.o", "src/retry/a.py",
                "cache.log.d/x"):
        repo.write(rel, "x\n")
    repo.commit("tree", ".gitignore", "src")
    d = daemon(repo)

    def ino(rel: str) -> int:
        return (repo.path / rel).stat().st_ino
    watched = inotify_inodes(d.proc.pid)
    for rel in ("src", "src/retry"):
        assert ino(rel) in watched, rel
    for rel in (".git/objects", ".gitmon", "node_modules", "node_modules/pkg", "build",
                "build/out", "cache.log.d"):
        assert ino(rel) not in watched, rel
    (repo.path / "src" / "fresh" / "deeper").mkdir(parents=True)
    (repo.path / "more.log.d").mkdir()
    wait_for(lambda: ino("src/fresh/deeper") in inotify_inodes(d.proc.pid),
             what="a watch on the new folder")
    assert ino("more.log.d") not in inotify_inodes(d.proc.pid)


def test_once_reviews_the_current_state_and_exits_with_the_verdict(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    result = repo.gitmon("watch", "--once")
    assert result.code == 1, result.err
    assert "retry: security ✗ 1 error src/retry/client.py:6" in result.out
    last = ledger(repo)[-1]
    assert (last["source"], last["kind"], last["verdict"]) == ("daemon", "worktree", "block")


def test_breaker_opens_after_threshold_rests_then_half_opens() -> None:
    from gitmon.daemon.breaker import Breaker

    clock = [100.0]
    b = Breaker(threshold=2, cooldown=30, clock=lambda: clock[0])
    b.failure("semgrep crashed")
    assert (b.state, b.engine_off()) == ("closed", None)
    b.failure("semgrep crashed")
    assert b.engine_off() == ("engine circuit open after 2 consecutive failure(s), last: "
                              "semgrep crashed; retrying in 30s")
    clock[0] += 30
    assert (b.state, b.engine_off()) == ("half-open", None)
    b.failure("semgrep timed out")          # the trial failed: open again at once
    assert b.state == "open"
    clock[0] += 30
    b.success()
    assert (b.state, b.failures) == ("closed", 0)


def test_git_retries_back_off_exponentially_with_jitter() -> None:
    import random

    from gitmon.daemon.backoff import retry_git
    from gitmon.errors import GitError

    slept: list[float] = []
    failures = iter([GitError("index.lock exists"), GitError("index.lock exists")])

    def flaky() -> str:
        error = next(failures, None)
        if error:
            raise error
        return "ok"
    assert retry_git(flaky, base=0.1, sleep=slept.append, rng=random.Random(7)) == "ok"
    assert len(slept) == 2 and 0 <= slept[0] <= 0.1 and 0 <= slept[1] <= 0.2
    with pytest.raises(GitError):
        retry_git(lambda: (_ for _ in ()).throw(GitError("still locked")), attempts=3,
                  sleep=slept.append)
