"""The engine's limits on real runs: the timeout holds once for the whole process group,
and a run killed with SIGKILL leaves a temp tree that the next run removes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import TOKEN_LOG, GitRepo
from test_daemon import wait_for

from gitmon.engines import scratch
from gitmon.engines.semgrep import find_executable
from gitmon.policy import default_policy_text

SEMGREP = find_executable(None)
LIMIT = 2


def wrapper(tmp_path: Path, body: str) -> str:
    """A GITMON_SEMGREP stand-in that logs its pid and each call, then runs body."""
    script = tmp_path / "semgrep-wrapper"
    script.write_text(f"#!/bin/sh\necho \"$$ $*\" >> {tmp_path / 'calls'}\n{body}\n")
    script.chmod(0o755)
    return str(script)


def check(repo: GitRepo, env: dict[str, str]) -> subprocess.Popen[str]:
    # Ctrl-C's SIGINT as a terminal delivers it: a suite started in the background of a
    # non-interactive shell (CI scripts, `cmd &`) passes SIGINT down ignored, and a
    # process that starts with it ignored rightly never sees it
    return subprocess.Popen([sys.executable, "-m", "gitmon", "check", "--format", "json"],
                            cwd=repo.path, env=dict(os.environ, **env), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def limited(repo: GitRepo, limit: int = LIMIT) -> None:
    repo.write("gitmon.yml", default_policy_text().replace(
        "semgrep_timeout: 300", f"semgrep_timeout: {limit}"))
    repo.write("src/retry/client.py", TOKEN_LOG)


def group_gone(pgid: int) -> bool:
    """No live (non-zombie) process left in the group: an orphan's zombie waits for init."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return False
    return True


def test_timeout_kills_the_group_of_a_wrapper_whose_child_holds_stdout_and_skips_the_fallback(
        repo: GitRepo, tmp_path: Path) -> None:
    limited(repo)
    # The child inherits stdout: killing only the wrapper would leave the pipe open 100 s.
    env = {"GITMON_SEMGREP": wrapper(tmp_path, "sleep 100 &\nwait")}
    started = time.monotonic()
    proc = check(repo, env)
    out, err = proc.communicate(timeout=60)
    spent = time.monotonic() - started
    assert proc.returncode == 3, err
    record = json.loads(out)
    assert record["verdict"] == "pending"
    assert record["degraded"]["reason"] == (
        f"semgrep timed out after {LIMIT}s (settings.semgrep_timeout)")
    assert record["reviewers"]["security"]["status"] == "pending"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 1 and "--experimental" in calls[0]    # no fallback after a timeout
    assert record["engine"]["seconds"] < LIMIT + 0.5, record["engine"]
    assert spent < 2 * LIMIT + 1, spent                       # + gitmon's own start-up
    wait_for(lambda: group_gone(int(calls[0].split()[0])), timeout=2, what="the sleep to die")


def test_fallback_gets_only_the_time_left(repo: GitRepo, tmp_path: Path) -> None:
    limited(repo)
    # The fast entry fails after 1.5 s; the plain entry would hang: it gets the 0.5 s left.
    body = 'case "$*" in *--experimental*) sleep 1.5; exit 2;; esac\nsleep 100 &\nwait'
    started = time.monotonic()
    proc = check(repo, {"GITMON_SEMGREP": wrapper(tmp_path, body)})
    out, err = proc.communicate(timeout=60)
    spent = time.monotonic() - started
    assert proc.returncode == 3, err
    record = json.loads(out)
    assert record["degraded"]["reason"].startswith(f"semgrep timed out after {LIMIT}s")
    assert len((tmp_path / "calls").read_text().splitlines()) == 2
    assert record["engine"]["seconds"] < LIMIT + 0.5, record["engine"]
    assert spent < 2 * LIMIT + 1, spent


def test_an_engine_that_exits_while_its_child_holds_stdout_still_gives_its_answer(
        repo: GitRepo, tmp_path: Path) -> None:
    limited(repo, 60)     # semgrep itself may need more than 2 s on a loaded machine
    env = {"GITMON_SEMGREP": wrapper(tmp_path, f'sleep 100 &\n{SEMGREP} "$@"')}
    proc = check(repo, env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    record = json.loads(out)
    assert record["degraded"] is None and record["verdict"] == "block"
    assert record["engine"]["seconds"] < 30, record["engine"]      # not the sleep's 100 s
    pid = int((tmp_path / "calls").read_text().split()[0])
    wait_for(lambda: group_gone(pid), timeout=2, what="the sleep to die")


def run_folders(tmp: Path) -> list[Path]:
    base = tmp / f"gitmon-{os.getuid()}"
    return sorted(base.iterdir()) if base.is_dir() else []


def test_a_tree_left_by_sigkill_is_removed_by_the_next_run(repo: GitRepo,
                                                           tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    mode = tmp_path / "mode"
    mode.write_text("slow")
    body = f'[ "$(cat {mode})" = slow ] && exec sleep 30\nexit 2'
    env = {"GITMON_SEMGREP": wrapper(tmp_path, body), "TMPDIR": str(tmp)}
    repo.write("src/retry/client.py", TOKEN_LOG)
    killed = check(repo, env)
    wait_for(lambda: (tmp_path / "calls").exists(), what="the slow engine to start")
    [left] = run_folders(tmp)
    assert left.name.startswith(f"{killed.pid}-")
    assert (left / "src" / "src" / "retry" / "client.py").read_text() == TOKEN_LOG
    assert oct(left.stat().st_mode & 0o777) == "0o700"
    assert oct(left.parent.stat().st_mode & 0o777) == "0o700"
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    os.killpg(int((tmp_path / "calls").read_text().split()[0]), signal.SIGKILL)
    assert run_folders(tmp) == [left]                  # SIGKILL left the copy behind
    mode.write_text("fail")
    again = check(repo, env)
    again.communicate(timeout=60)
    assert again.returncode == 3
    assert run_folders(tmp) == []                      # the next run swept it, then its own


def test_the_sweep_leaves_the_folders_of_live_processes(tmp_path: Path,
                                                        monkeypatch: object) -> None:
    base = tmp_path / "base"
    base.mkdir()
    live = subprocess.Popen(["sleep", "30"])
    dead = subprocess.Popen(["true"])
    dead.wait()
    try:
        for pid in (live.pid, dead.pid, os.getpid()):
            (base / f"{pid}-abc").mkdir()
        (base / "notes").mkdir()
        assert scratch.sweep(str(base)) == [f"{dead.pid}-abc"]
        assert sorted(p.name for p in base.iterdir()) == sorted(
            [f"{live.pid}-abc", f"{os.getpid()}-abc", "notes"])
    finally:
        live.kill()
        live.wait()


def dead(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_ctrl_c_during_a_check_ends_the_engine_and_removes_its_tree(repo: GitRepo,
                                                                     tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    body = f"sleep 100 &\necho $! > {tmp_path / 'child'}\nwait"
    env = {"GITMON_SEMGREP": wrapper(tmp_path, body), "TMPDIR": str(tmp)}
    repo.write("src/retry/client.py", TOKEN_LOG)
    proc = check(repo, env)
    wait_for(lambda: (tmp_path / "child").exists(), what="the engine to start")
    proc.send_signal(signal.SIGINT)        # to gitmon alone, as `kill -INT` does
    err = proc.communicate(timeout=30)[1]
    engine = int((tmp_path / "calls").read_text().split()[0])
    child = int((tmp_path / "child").read_text())
    try:
        wait_for(lambda: dead(engine) and dead(child), timeout=5, what="the engine to die")
        assert proc.returncode in (130, -signal.SIGINT), err     # interrupted, either way
    finally:
        for pid in (engine, child):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert not list(tmp.rglob("client.py"))
