"""The hook asks a running daemon (issue 11): what it reviewed is answered, nothing else.

The real daemon, the real hook (`git commit`), real semgrep; the socket's failure modes
are played by a stand-in server in this process (garbage, silence, another policy).
"""

from __future__ import annotations

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

from gitmon.daemon import client
from gitmon.daemon.answers import Answers

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
