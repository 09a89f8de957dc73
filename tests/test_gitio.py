"""gitio on real repositories: every git question gitmon asks, answered by real git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, make_repo

from gitmon import gitio
from gitmon.change import parse_diff
from gitmon.errors import GitError, UsageError


def test_toplevel_from_a_subfolder_and_outside_a_repository(repo: GitRepo, tmp_path: Path) -> None:
    (repo.path / "src" / "deep").mkdir(parents=True)
    assert gitio.toplevel(repo.path / "src" / "deep") == repo.path
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(UsageError) as info:
        gitio.toplevel(outside)
    assert "not a git repository" in info.value.message and info.value.hint


def test_head_resolve_and_first_parent(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", initial=False)
    assert gitio.head(repo.path) is None
    first = repo.commit("one")
    repo.write("a.txt", "a\n")
    second = repo.commit("two")
    assert gitio.head(repo.path) == second
    assert gitio.resolve(repo.path, "HEAD~1") == first
    assert gitio.first_parent(repo.path, second) == first
    assert gitio.first_parent(repo.path, first) is None
    with pytest.raises(UsageError) as info:
        gitio.resolve(repo.path, "no-such-branch")
    assert "unknown revision: no-such-branch" in info.value.message


def test_resolve_refuses_an_option_disguised_as_a_revision(repo: GitRepo) -> None:
    with pytest.raises(UsageError):
        gitio.resolve(repo.path, "--output=/tmp/x")


def test_a_failing_git_command_raises_git_error_with_git_s_words(repo: GitRepo) -> None:
    with pytest.raises(GitError) as info:
        gitio.run(repo.path, "cat-file", "-p", "0" * 40)
    assert "git cat-file -p" in info.value.message and info.value.hint


def test_merge_base_and_ancestry(repo: GitRepo) -> None:
    base = repo.head()
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("t.txt", "t\n")
    topic = repo.commit("topic")
    repo.git("checkout", "-q", "main")
    repo.write("m.txt", "m\n")
    main = repo.commit("main")
    assert gitio.merge_base(repo.path, main, topic) == base
    assert gitio.is_ancestor(repo.path, base, topic)
    assert not gitio.is_ancestor(repo.path, topic, main)
    assert gitio.head_ref(repo.path) == "refs/heads/main"


def test_read_blobs_reads_many_in_one_process_and_skips_missing(repo: GitRepo) -> None:
    repo.write("a.txt", "alpha\n")
    repo.write("b.bin", b"\x00\x01binary\xff")
    repo.commit("files")
    entries = {path: sha for _, sha, path in gitio.tree_blobs(repo.path, "HEAD")}
    blobs = gitio.read_blobs(repo.path, [entries["a.txt"], entries["b.bin"], "f" * 40,
                                         entries["a.txt"]])
    assert blobs == {entries["a.txt"]: b"alpha\n", entries["b.bin"]: b"\x00\x01binary\xff"}
    assert gitio.read_blobs(repo.path, []) == {}
    sizes = gitio.blob_sizes(repo.path, [entries["a.txt"]])
    assert sizes[entries["a.txt"]] == 6


def test_read_at_and_list_tree(repo: GitRepo) -> None:
    repo.write("src/retry/a.py", "x = 1\n")
    repo.write("src/retry/b.py", "y = 2\n")
    repo.commit("two files")
    assert gitio.read_at(repo.path, "HEAD", "src/retry/a.py") == b"x = 1\n"
    assert gitio.read_at(repo.path, "HEAD", "src/retry/none.py") is None
    assert sorted(gitio.list_tree(repo.path, "HEAD", "src/retry")) == [
        "src/retry/a.py", "src/retry/b.py"]


def test_odd_names_survive_the_round_trip(repo: GitRepo) -> None:
    odd = ["tab\there.py", "new\nline.py", 'quote".py', "-dash.py", "é.py"]
    for name in odd:
        repo.write(name, "x\n")
    raw = os.fsencode(repo.path) + b"/caf\xe9.py"     # a latin-1 name: not UTF-8
    with open(raw, "wb") as fh:
        fh.write(b"x\n")
    assert set(gitio.untracked(repo.path)) >= {*odd, os.fsdecode(b"caf\xe9.py")}
    repo.git("add", "-A")
    staged = {path for _, path in gitio.staged_names(repo.path)}
    assert staged >= {*odd, os.fsdecode(b"caf\xe9.py")}
    files = parse_diff(gitio.diff(repo.path, cached=True))
    assert {f.path for f in files} == staged


def test_diff_reports_added_lines_per_file(repo: GitRepo) -> None:
    repo.write("a.py", "one\ntwo\nthree\n")
    repo.commit("a")
    repo.write("a.py", "one\nTWO\nthree\nfour\n")
    files = parse_diff(gitio.diff(repo.path, "HEAD"))
    assert [(f.path, f.status, sorted(f.added)) for f in files] == [("a.py", "M", [2, 4])]


def test_history_streams_every_commit_in_order(repo: GitRepo) -> None:
    start = repo.head()
    shas = []
    for i in range(5):
        repo.write(f"f{i}.txt", f"{i}\n")
        shas.append(repo.commit(f"c{i}"))
    pairs = gitio.history(repo.path, f"{start}..HEAD")
    assert [c for c, _ in pairs] == shas
    diffs = list(gitio.commit_diffs(repo.path, pairs))
    assert [c for c, _, _ in diffs] == shas
    assert [[f.path for f in parse_diff(d)] for _, _, d in diffs] == [
        [f"f{i}.txt"] for i in range(5)]
    with pytest.raises(UsageError):
        gitio.history(repo.path, "no-such..HEAD")
    with pytest.raises(UsageError):
        gitio.history(repo.path, "--all")


def test_history_keeps_empty_commits_in_step(repo: GitRepo) -> None:
    start = repo.head()
    empty = repo.commit("empty")
    repo.write("x.txt", "x\n")
    full = repo.commit("full")
    diffs = list(gitio.commit_diffs(repo.path, gitio.history(repo.path, f"{start}..HEAD")))
    assert [(c, [f.path for f in parse_diff(d)]) for c, _, d in diffs] == [
        (empty, []), (full, ["x.txt"])]


def test_ignored_and_shallow(repo: GitRepo, tmp_path: Path) -> None:
    repo.write(".gitignore", "build/\n*.log\n")
    repo.write("build/out.txt", "x\n")
    repo.commit("ignore")
    assert gitio.ignored_dirs(repo.path) == ["build"]
    assert gitio.check_ignored(repo.path, ["a.log", "a.py", "build/x"]) == {"a.log", "build/x"}
    assert not gitio.is_shallow(repo.path)
    repo.write("more.txt", "m\n")
    repo.commit("more")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{repo.path}", str(shallow)],
                   check=True)
    assert gitio.is_shallow(shallow)


def test_optional_locks_reach_git(repo: GitRepo) -> None:
    try:
        gitio.optional_locks(False)
        assert gitio._env()["GIT_OPTIONAL_LOCKS"] == "0"
    finally:
        gitio.optional_locks(True)
    assert gitio._env().get("GIT_OPTIONAL_LOCKS") == os.environ.get("GIT_OPTIONAL_LOCKS")


def test_git_path_honours_core_hooks_path(repo: GitRepo) -> None:
    assert gitio.git_path(repo.path, "hooks") == repo.path / ".git" / "hooks"
    repo.git("config", "core.hooksPath", ".githooks")
    assert gitio.git_path(repo.path, "hooks").resolve() == (repo.path / ".githooks").resolve()
