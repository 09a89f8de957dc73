"""gitdir reads `.git` without starting git: its answers equal git's, or say "ask git"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GitRepo, make_repo

from gitmon import gitdir, gitio
from gitmon.hook import fastpath


def git_head(repo: GitRepo) -> str | None:
    return repo.git("rev-parse", "-q", "--verify", "HEAD", check=False).strip() or None


def test_head_equals_gits_answer_loose_packed_detached_unborn(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", initial=False)
    folder = str(repo.path / ".git")
    assert gitdir.head(folder) is None                      # unborn branch
    repo.commit("one")
    assert gitdir.head(folder) == git_head(repo)            # loose ref
    repo.commit("two")
    repo.git("pack-refs", "--all", "--prune")
    assert not (repo.path / ".git" / "refs" / "heads" / "main").exists()
    assert gitdir.head(folder) == git_head(repo)            # packed ref
    repo.git("checkout", "-q", "--detach", "HEAD~1")
    assert gitdir.head(folder) == git_head(repo)            # detached
    repo.git("checkout", "-q", "--orphan", "fresh")
    assert gitdir.head(folder) is None and git_head(repo) is None


def test_linked_worktree_and_git_dir_from_the_environment(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    linked = GitRepo(tmp_path / "wt")
    linked.commit("on side")
    folder = gitdir.git_dir(str(linked.path))
    assert folder is not None and Path(folder).resolve() == Path(
        linked.git("rev-parse", "--absolute-git-dir").strip()).resolve()
    assert gitdir.head(folder) == linked.head() != repo.head()
    # git sets GIT_DIR for a hook run in a linked worktree: that is the git dir then
    monkeypatch.setenv("GIT_DIR", folder)
    assert gitdir.git_dir(str(linked.path)) == folder
    assert gitdir.git_dir(str(tmp_path)) is None       # still only a work tree's top


def test_a_symbolic_branch_is_left_to_git(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """HEAD -> refs/heads/alias -> refs/heads/main: not a sha, so git answers (the fast
    path's record once had `ref: refs/heads/main` as its base)."""
    repo.git("symbolic-ref", "refs/heads/alias", "refs/heads/main")
    repo.git("symbolic-ref", "HEAD", "refs/heads/alias")
    assert gitdir.head(str(repo.path / ".git")) == gitdir.UNKNOWN
    assert gitio.head(repo.path) == repo.head()
    repo.write("docs/a.md", "x\n")
    repo.git("add", "docs/a.md")
    monkeypatch.chdir(repo.path)
    assert fastpath.try_fast(fastpath.HOOK_ARGS) == 0
    [record] = (repo.path / ".gitmon" / "records").glob("*.json")
    assert json.loads(record.read_text())["change"]["base"] == repo.head()


def test_not_a_work_tree_top(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("not a gitfile\n")
    assert gitdir.git_dir(str(tmp_path)) is None
    assert gitdir.git_dir(str(tmp_path / "missing")) is None
