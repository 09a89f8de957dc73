"""The daemon turns saves into the change of the saved paths only (issue 11).

A real daemon on a repository of many files, with other files already changed: one save
gives a record of that one file, with the findings `gitmon check --worktree` gives for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from conftest import TOKEN_LOG, GitRepo
from test_daemon import Daemon, daemon, ledger, record, settled, wait_for  # noqa: F401

from gitmon.change import sources

ODD = "src/retry/we*rd name\tü.py"     # a pathspec pattern and a name git quotes


def _many(repo: GitRepo, count: int = 300) -> None:
    for i in range(count):
        repo.write(f"src/retry/policy_{i:03}.py", f"LIMIT_{i} = {i}\n")
    repo.write("src/retry/client.py", "def call():\n    return 1\n")
    repo.write("src/retry/old.py", "def old():\n    return 1\n" * 30)
    repo.commit("many files")


def _engine(findings: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    """The engine's findings on path (the built-in change-level checks, such as "N files
    changed with no test change", count the change's files: those differ by design)."""
    return sorted((f for f in findings if f["path"] == path and f["engine"] == "semgrep"),
                  key=json.dumps)


def _worktree_findings(repo: GitRepo, path: str) -> list[dict[str, Any]]:
    out = repo.gitmon("check", "--worktree", "--format", "json", "--no-record").out
    return _engine(json.loads(out)["findings"], path)


def test_one_save_is_a_record_of_that_file_with_the_worktree_findings(
        repo: GitRepo, daemon: Callable[..., Daemon]) -> None:  # noqa: F811 (the fixture)
    _many(repo)
    repo.write("src/retry/policy_007.py", TOKEN_LOG)        # dirty before: not in the save
    d = daemon(repo)
    settled(repo)
    before = len(ledger(repo))
    repo.write("src/retry/client.py", "def call():\n    return 1\n" + TOKEN_LOG)
    entry = wait_for(lambda: d.new_entries(before, "worktree"), what="a worktree record")[0]
    rec = record(repo, entry)
    assert [f["path"] for f in rec["change"]["files"]] == ["src/retry/client.py"]
    assert rec["verdict"] == "block"
    expected = _worktree_findings(repo, "src/retry/client.py")
    assert expected and _engine(rec["findings"], "src/retry/client.py") == expected


def test_saves_of_a_renamed_an_untracked_an_ignored_and_an_odd_file(repo: GitRepo) -> None:
    _many(repo, 3)
    repo.write(".gitignore", "build/\n")
    repo.commit("ignore")
    repo.git("mv", "src/retry/old.py", "src/retry/new.py")
    repo.write("src/retry/new.py", "def old():\n    return 1\n" * 30 + TOKEN_LOG)
    repo.write("build/out.py", TOKEN_LOG)
    repo.write(ODD, TOKEN_LOG)
    repo.write("src/retry/policy_000.py", "LIMIT = 2\n")     # changed, not saved now
    saved = ["src/retry/new.py", "build/out.py", ODD, "src/retry/gone.py"]
    change = sources.worktree_paths(repo.path, saved)
    full = {f.path: f for f in sources.worktree(repo.path).files}
    # the rename is paired as in the full diff (its old lines are not counted as new)
    assert {f.path: f for f in change.files} == {p: full[p] for p in ("src/retry/new.py", ODD)}
    assert full["src/retry/new.py"].status == "R"
    assert sources.worktree_paths(repo.path, []).files == ()
