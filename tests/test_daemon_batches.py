"""The daemon's per-batch git questions: a path git said it does not ignore is not asked
about again at its next save (`check-ignore` reads the whole index), an ignored one
always is, and a changed .gitignore forgets what was known; HEAD's branch is asked only
when HEAD moved or changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import GitRepo

from gitmon.daemon.breaker import Breaker
from gitmon.daemon.debounce import Batch
from gitmon.daemon.loop import Loop
from gitmon.daemon.notify import Notifier
from gitmon.pipeline import WriteGuard

SAVED = "src/retry/client.py"
SWAP = "src/retry/.client.py.swp"


def counting_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real git behind a script that logs each call (first on PATH)."""
    real = shutil.which("git")
    log = tmp_path / "git-calls"
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "git"
    script.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {real} "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{Path(str(real)).parent}")
    return log


def asked(log: Path, command: str = "check-ignore") -> int:
    return log.read_text().split().count(command) if log.exists() else 0


def test_a_path_known_not_ignored_is_not_asked_about_again(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(SAVED, "def call():\n    return 1\n")
    repo.write(".gitignore", "*.swp\n")
    repo.commit("retry")
    loop = Loop(repo.path, None, Breaker(), WriteGuard(), Notifier(None), None)
    log = counting_git(tmp_path, monkeypatch)
    saved, swap = Batch(paths=frozenset({SAVED})), Batch(paths=frozenset({SWAP}))
    assert loop._relevant(saved) and asked(log) == 1
    assert loop._relevant(saved) and asked(log) == 1      # known: no second question
    assert not loop._relevant(swap) and asked(log) == 2
    assert not loop._relevant(swap) and asked(log) == 3   # an ignored path is asked again
    repo.write(".gitignore", "*.swp\n*.tmp\n")
    loop.handle(Batch(paths=frozenset({".gitignore"})))
    before = asked(log)
    assert loop._relevant(saved) and asked(log) == before + 1   # forgotten: asked again


def test_a_batch_of_saves_does_not_ask_for_heads_branch_but_a_head_event_does(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loop = Loop(repo.path, None, Breaker(), WriteGuard(), Notifier(None), None)
    log = counting_git(tmp_path, monkeypatch)
    loop.handle(Batch(paths=frozenset({"README.md"})))       # no watched area: no review
    assert asked(log, "symbolic-ref") == 0
    repo.git("checkout", "-q", "-b", "topic")                # same commit, another branch
    loop.handle(Batch(git=True))
    assert asked(log, "symbolic-ref") == 1 and loop.last_ref == "refs/heads/topic"
