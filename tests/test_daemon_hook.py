"""The hook asks a running daemon (issue 11): what it reviewed is answered, nothing else.

The real daemon, the real hook (`git commit`), real semgrep; the socket's failure modes
are played by a stand-in server in this process (garbage, silence, another policy).
The fast path asks for the whole staged review (`daemon/staged.py`), the full review
path for the engine's matches per file (`answers.py`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo
from test_daemon import Daemon, daemon, ledger, record, settled, wait_for  # noqa: F401

from gitmon.change.selection import Selector
from gitmon.daemon import client
from gitmon.daemon.answers import Answers
from gitmon.daemon.breaker import Breaker
from gitmon.daemon.runner import run_review
from gitmon.daemon.staged import Staged
from gitmon.hook import fastroute
from gitmon.hook.fastpath import HOOK_ARGS
from gitmon.pipeline import WriteGuard
from gitmon.policy import default_policy_text
from gitmon.rulecheck import load_policy

CLIENT = "src/retry/client.py"


def staged_review(repo: GitRepo, *args: str) -> dict[str, Any]:
    out = repo.gitmon("check", "--staged", "--format", "json", "--no-record", *args)
    assert out.code in (0, 1), out.err
    return dict(json.loads(out.out))


def same_review(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Everything but timing, ids and the engine's own figures (and the staged tree a
    written record marks)."""
    for key in ("verdict", "findings", "reviewers", "areas", "degraded"):
        assert a[key] == b[key], key
    assert {**a["change"], "tree": None} == {**b["change"], "tree": None}


def test_a_commit_of_saved_content_is_answered_by_the_daemon_with_the_same_record(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    assert repo.gitmon("hook", "install").code == 0
    d = daemon(repo)
    sock = Path(client.socket_path(str(repo.path / ".git")))
    assert client.is_own_socket(str(sock)) and sock.stat().st_mode & 0o777 == 0o600
    before = len(ledger(repo))
    repo.write(CLIENT, TOKEN_LOG)
    wait_for(lambda: d.new_entries(before, "worktree"), what="the daemon's review")
    settled(repo)
    repo.git("add", CLIENT)
    commit = subprocess.run(["git", "commit", "-q", "-m", "retry"], cwd=repo.path,
                            capture_output=True, text=True, check=False)
    assert commit.returncode == 1, commit.stderr           # the hook blocks the token
    hook = record(repo, [e for e in ledger(repo) if e["source"] == "pre-commit"][-1])
    assert hook["engine"] == {"cached": 0, "scanned": 0, "rules": 0, "daemon": 1}
    assert d.terminate() == 0 and not sock.exists()         # a stopped daemon leaves none
    assert _state(repo)["hook_served"] == 1                  # its last word says it served
    alone = staged_review(repo, "--no-cache")                # no daemon, no cache
    assert alone["engine"]["scanned"] == 1 and "daemon" not in alone["engine"]
    same_review(hook, alone)


def _state(repo: GitRepo) -> dict[str, Any]:
    try:
        return dict(json.loads((repo.path / ".gitmon" / "daemon.json").read_text()))
    except (OSError, ValueError):
        return {}


@pytest.fixture
def stand_in(repo: GitRepo) -> Iterator[Callable[[Callable[[socket.socket], None]], None]]:
    """A server on the daemon's socket path that handles each connection with `reply`."""
    path = client.socket_path(str(repo.path / ".git"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)

    def start(reply: Callable[[socket.socket], None]) -> None:
        def serve() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    reply(conn)
        threading.Thread(target=serve, daemon=True).start()
    yield start
    server.close()


def _saved_and_staged(repo: GitRepo) -> dict[str, Any]:
    repo.write(CLIENT, TOKEN_LOG)
    repo.git("add", CLIENT)
    return staged_review(repo, "--no-cache")


@pytest.mark.parametrize("answer", [b"garbage\n", b'{"status": "ok", "files": {"' +
                                    CLIENT.encode() + b'": [{"rule": 1}]}}\n',
                                    b'{"status": "stale"}\n', b"", None])
def test_a_garbage_stale_silent_or_slow_socket_leaves_the_review_as_without(
        repo: GitRepo, stand_in: Callable[..., None], answer: bytes | None) -> None:
    expected = _saved_and_staged(repo)
    asked: list[bytes] = []

    def reply(conn: socket.socket) -> None:
        asked.append(conn.recv(1 << 16))
        if answer is None:
            time.sleep(1.0)            # slower than the client's 200 ms
        else:
            conn.sendall(answer)
    stand_in(reply)
    started = time.monotonic()
    got = staged_review(repo)
    wait_for(lambda: asked, timeout=5, what="the review to ask")     # the stand-in's thread
    assert json.loads(asked[0])["files"][0][0] == CLIENT
    assert "daemon" not in got["engine"] and got["engine"]["scanned"] == 1
    same_review(got, expected)
    if answer is None:
        assert time.monotonic() - started < expected_time(repo) + 5


def expected_time(repo: GitRepo) -> float:
    started = time.monotonic()
    staged_review(repo, "--no-cache")
    return time.monotonic() - started


def test_no_socket_or_a_link_in_its_place_is_never_asked(repo: GitRepo, tmp_path: Path) -> None:
    expected = _saved_and_staged(repo)
    assert client.ask(str(repo.path / ".git"), "p", [[CLIENT, "b", "r"]]) is None
    elsewhere = tmp_path / "elsewhere.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(elsewhere))
    listener.listen(1)
    path = Path(client.socket_path(str(repo.path / ".git")))
    path.parent.mkdir(exist_ok=True)
    path.symlink_to(elsewhere)
    try:
        assert not client.is_own_socket(str(path))
        same_review(staged_review(repo), expected)
    finally:
        listener.close()


def test_a_daemon_refuses_a_link_at_its_socket_path_and_keeps_watching(
        repo: GitRepo, daemon: Callable[..., Daemon], tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "victim"
    target.write_text("keep me\n")
    path = Path(client.socket_path(str(repo.path / ".git")))
    path.parent.mkdir(exist_ok=True)
    path.symlink_to(target)
    d = daemon(repo)
    wait_for(lambda: "the hook cannot ask this daemon" in d.stderr(), what="the refusal")
    assert path.is_symlink() and target.read_text() == "keep me\n"
    assert _state(repo).get("hook_socket") is False


def test_answers_only_the_content_and_rules_it_scanned_under_the_same_policy() -> None:
    answers = Answers(lambda: "policy-1")
    match = {"rule": "r", "line": 1, "end_line": 1, "column": 1, "end_column": 2,
             "severity": "ERROR", "message": "m"}
    answers.remember("a.py", "blob-1", "rules-1", [match])
    ask = [["a.py", "blob-1", "rules-1"], ["a.py", "blob-2", "rules-1"],
           ["b.py", "blob-1", "rules-1"]]
    assert answers.answer({"policy": "policy-1", "files": ask}) == {
        "status": "ok", "files": {"a.py": [match]}}
    assert answers.answer({"policy": "policy-1", "files": [["a.py", "blob-1", "rules-2"]]}) \
        == {"status": "ok", "files": {}}
    assert answers.answer({"policy": "policy-2", "files": ask}) == {"status": "stale"}
    assert answers.answer(["junk"]) == {"status": "stale"}
    assert Answers(lambda: None).answer({"policy": "policy-1", "files": ask}) == {
        "status": "stale"}                               # the daemon's policy is broken


# --- the whole staged review, asked by the hook's fast path ----------------------------------

SAFE = "def backoff(attempt):\n    return min(2 ** attempt, 30)\n"
# what differs between two reviews of the same change: when, which, and how the engine ran
PER_RUN = ("id", "started_at", "finished_at", "engine")


def commit(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    """`git commit` through the installed hook; its imports logged (who loaded the review)."""
    return subprocess.run(["git", "commit", "-q", "-m", "retry", *args], cwd=repo.path,
                          capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPROFILEIMPORTTIME="1"))


def hook_records(repo: GitRepo) -> list[dict[str, Any]]:
    return [record(repo, e) for e in ledger(repo) if e["source"] == "pre-commit"]


def loaded(stderr: str, *modules: str) -> bool:
    return any(line.split("|")[-1].strip() in modules for line in stderr.splitlines()
               if line.startswith("import time"))


def loaded_the_review(stderr: str) -> bool:
    return loaded(stderr, "gitmon.review", "gitmon.pipeline")


def printed(stderr: str) -> str:
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("import time"))


def reviewed_by_daemon(repo: GitRepo, d: Daemon, path: str, text: str,
                       also: str | None = None) -> None:
    """path saved (with `also`, in the same batch) and reviewed by the daemon."""
    before = len(ledger(repo))
    repo.write(path, text)
    if also is not None:
        repo.write(also, SAFE)

    def seen() -> bool:
        return any(f["path"] == path for e in d.new_entries(before, "worktree")
                   for f in record(repo, e)["change"]["files"])
    wait_for(seen, what="the daemon's review")
    settled(repo)


def without_per_run(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in PER_RUN}


@pytest.fixture
def hooked(repo: GitRepo) -> GitRepo:
    assert repo.gitmon("hook", "install").code == 0
    root = str(repo.path)          # the routing table, as the first commit leaves it
    fastroute.load(str(repo.path / ".git"), root, *fastroute.policy_source(root) or ("", ""))
    return repo


def test_the_daemon_answers_the_hook_s_whole_review_and_the_hook_writes_the_same_record(
        hooked: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    d = daemon(hooked)
    reviewed_by_daemon(hooked, d, CLIENT, TOKEN_LOG)
    hooked.git("add", CLIENT)
    served = commit(hooked)
    assert served.returncode == 1 and not loaded_the_review(served.stderr), served.stderr
    assert not loaded(served.stderr, "gitmon.gitio")      # routed by path: nothing read
    assert d.terminate() == 0 and _state(hooked)["hook_reviews"] == 1
    alone = commit(hooked)                      # no daemon: the hook reviews by itself
    assert alone.returncode == 1 and loaded_the_review(alone.stderr)
    first, second = hook_records(hooked)        # exactly one record per commit
    assert first["engine"] == {"cached": 0, "scanned": 0, "rules": 0, "daemon": 1}
    assert "daemon" not in second["engine"]
    assert without_per_run(first) == without_per_run(second)
    assert first["change"]["tree"] == hooked.git("write-tree").strip()   # tied as before
    assert printed(served.stderr + served.stdout) == printed(alone.stderr + alone.stdout)
    assert "gitmon: BLOCK" in served.stdout + served.stderr


def test_a_passing_commit_served_by_the_daemon_is_tied_to_the_commit_it_became(
        hooked: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811
    d = daemon(hooked)
    reviewed_by_daemon(hooked, d, "src/retry/backoff.py", SAFE)
    hooked.git("add", "src/retry/backoff.py")
    served = commit(hooked)
    assert served.returncode == 0 and not loaded_the_review(served.stderr), served.stderr
    (mine,) = hook_records(hooked)
    assert mine["verdict"] == "pass" and mine["engine"]["daemon"] == 1
    assert mine["change"]["tree"] == hooked.git("rev-parse", "HEAD^{tree}").strip()
    assert d.terminate() == 0 and _state(hooked)["hook_reviews"] == 1
    assert hooked.gitmon("status").code == 0            # ties the hook's record to HEAD
    notes = hooked.git("notes", "--ref=gitmon", "show", "HEAD").splitlines()
    assert any(json.loads(n)["source"] == "pre-commit" and json.loads(n)["tied"]
               for n in notes), notes


def test_a_file_routed_by_its_content_alone_is_served_after_the_hook_reads_it(
        hooked: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811
    d = daemon(hooked)
    # the daemon reviews a save whose path is routed (with the batch it came in)
    reviewed_by_daemon(hooked, d, "src/app/client.py", "import tenacity\n" + TOKEN_LOG,
                       also="src/retry/backoff.py")
    hooked.git("add", "src/app/client.py")
    served = commit(hooked)
    assert served.returncode == 1 and not loaded_the_review(served.stderr), served.stderr
    assert loaded(served.stderr, "gitmon.gitio")          # the signal read its content
    (mine,) = hook_records(hooked)
    assert mine["areas"]["retry"]["files"] == ["src/app/client.py"]
    assert mine["verdict"] == "block" and mine["engine"]["daemon"] == 1
    assert d.terminate() == 0 and _state(hooked)["hook_reviews"] == 1


def test_commit_all_reads_git_s_own_index_file_and_is_served_too(
        hooked: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811
    hooked.write(CLIENT, SAFE)
    hooked.commit("a first version")
    d = daemon(hooked)
    reviewed_by_daemon(hooked, d, CLIENT, TOKEN_LOG)     # saved, never `git add`ed
    served = commit(hooked, "-a")                         # the hook sees .git/index.lock
    assert served.returncode == 1 and not loaded_the_review(served.stderr), served.stderr
    _, mine = hook_records(hooked)                        # the first version's, this one
    assert mine["verdict"] == "block" and mine["engine"]["daemon"] == 1
    assert d.terminate() == 0 and _state(hooked)["hook_reviews"] == 1


def test_content_the_daemon_did_not_review_is_reviewed_by_the_hook(
        hooked: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811
    d = daemon(hooked)
    reviewed_by_daemon(hooked, d, CLIENT, SAFE)           # the work tree: safe
    staged = hooked.path.parent / "staged.py"
    staged.write_text(TOKEN_LOG)
    blob = hooked.git("hash-object", "-w", str(staged)).strip()
    hooked.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{CLIENT}")
    got = commit(hooked)                                  # the index: the token
    assert got.returncode == 1 and loaded_the_review(got.stderr), got.stderr
    (mine,) = hook_records(hooked)
    assert mine["verdict"] == "block" and mine["engine"]["scanned"] == 1
    assert d.terminate() == 0 and _state(hooked)["hook_reviews"] == 0


def test_a_daemon_with_another_policy_leaves_the_hook_to_review_by_itself(
        hooked: GitRepo, daemon: Callable[..., Daemon], tmp_path: Path) -> None:  # noqa: F811
    other = tmp_path / "other.yml"
    other.write_text(default_policy_text() + "# the same rules, another file\n")
    d = daemon(hooked, "--policy", str(other))
    reviewed_by_daemon(hooked, d, CLIENT, TOKEN_LOG)
    hooked.git("add", CLIENT)
    got = commit(hooked)
    assert got.returncode == 1 and loaded_the_review(got.stderr), got.stderr
    (mine,) = hook_records(hooked)
    assert mine["verdict"] == "block" and "daemon" not in mine["engine"]
    assert d.terminate() == 0 and _state(hooked)["hook_reviews"] == 0


STAGED_GARBAGE = [
    b"garbage\n",
    b'{"status": "ok", "exit": 0, "text": "gitmon: PASS\\n"}\n',        # no record
    b'{"status": "ok", "exit": 0, "text": "", "record": {"id": "../../x", "source": '
    b'"pre-commit", "change": {"kind": "staged"}}}\n',                  # a path for an id
    b'{"status": "miss"}\n', b"", None]


@pytest.mark.parametrize("answer", STAGED_GARBAGE)
def test_a_garbage_or_slow_answer_to_the_hook_gives_one_record_as_without_a_daemon(
        hooked: GitRepo, stand_in: Callable[..., None], answer: bytes | None) -> None:
    hooked.write(CLIENT, TOKEN_LOG)
    hooked.git("add", CLIENT)
    alone = commit(hooked)
    asked: list[dict[str, Any]] = []

    def reply(conn: socket.socket) -> None:
        data = b""
        while not data.endswith(b"\n") and (chunk := conn.recv(1 << 16)):
            data += chunk
        asked.append(json.loads(data))
        if answer is None:
            time.sleep(1.0)            # slower than the client's timeouts
        else:
            with contextlib.suppress(OSError):   # a client that gave up (a loaded machine)
                conn.sendall(answer)
    stand_in(reply)
    got = commit(hooked)
    assert got.returncode == alone.returncode == 1, got.stderr
    assert asked and asked[0]["kind"] == "staged" and asked[0]["routed"] == [CLIENT]
    first, second = hook_records(hooked)
    assert without_per_run(first) == without_per_run(second)
    assert printed(got.stdout + got.stderr) == printed(alone.stdout + alone.stderr)


def test_the_daemon_answers_only_the_index_file_the_hook_saw_with_its_names_and_policy(
        repo: GitRepo, tmp_path: Path) -> None:
    policy = load_policy(repo.path, None)
    answers = Answers(lambda: client.policy_digest(policy.text))
    repo.write(CLIENT, TOKEN_LOG)
    run_review(repo.path, policy, Selector("worktree"), Breaker(3, 60), WriteGuard(),
               None, answers)                       # the daemon's review of the save
    repo.git("add", CLIENT)
    staged = Staged(repo.path, repo.path / ".git", lambda: policy, answers)
    index = str(repo.path / ".git" / "index")
    info = os.stat(index)
    ask = {"kind": "staged", "argv": HOOK_ARGS, "policy_text": policy.text,
           "origin": policy.origin, "index_file": index,
           "index_stat": [info.st_ino, info.st_size, info.st_mtime_ns],
           "names": [["A", CLIENT]], "routed": [CLIENT], "colour": False, "semgrep": None}
    written = ledger(repo)
    got = staged.answer(ask)
    assert got["status"] == "ok" and got["exit"] == 1 and staged.reviews == 1
    assert got["record"]["verdict"] == "block" and "gitmon: BLOCK" in got["text"]
    assert ledger(repo) == written                  # it writes nothing: the hook does
    elsewhere = tmp_path / "index"
    elsewhere.write_bytes(Path(index).read_bytes())
    for change, status in [({"index_stat": [info.st_ino, info.st_size, info.st_mtime_ns + 1]},
                            "miss"), ({"index_file": str(elsewhere)}, "miss"),
                           ({"names": [["M", CLIENT]]}, "miss"),
                           ({"argv": ["check", "--staged"]}, "miss"),
                           ({"policy_text": policy.text + "\n"}, "stale")]:
        assert staged.answer({**ask, **change}) == {"status": status}, change
    assert staged.reviews == 1
    # a gitmon.yml with CRLF line ends: the hook reads it with universal newlines
    crlf = dataclasses.replace(policy, text=policy.text.replace("\n", "\r\n"))
    info = os.stat(index)       # the first answer's write-tree rewrote the index (no lock)
    again = {**ask, "index_stat": [info.st_ino, info.st_size, info.st_mtime_ns]}
    assert Staged(repo.path, repo.path / ".git", lambda: crlf, answers).answer(again)[
        "status"] == "ok"
