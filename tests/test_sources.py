"""Diff sources on real repositories: staged, worktree, commit, range, and odd files."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo, make_repo

from gitmon.change import parse_diff
from gitmon.gitio import diff

CLEAN = ('import logging\nlog = logging.getLogger(__name__)\n\n\ndef call(api_token):\n'
         '    log.debug("retrying")\n')


def review(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.gitmon("check", *args, "--format", "json")
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def security_lines(record: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in record["findings"]
            if f["reviewer"] == "security" and not f["suppressed"]]


def test_staged_reviews_the_index_not_the_file_on_disk(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "src/retry/client.py")
    repo.write("src/retry/client.py", CLEAN)          # fixed on disk, not staged
    code, record = review(repo, "--staged")
    assert code == 1
    assert record["change"]["kind"] == "staged"
    assert security_lines(record) == [("src/retry/client.py", 6)]
    code, record = review(repo, "--worktree")
    assert code == 0 and security_lines(record) == []


def test_staged_clean_index_passes_even_when_disk_is_bad(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", CLEAN)
    repo.git("add", "src/retry/client.py")
    repo.write("src/retry/client.py", TOKEN_LOG)
    assert review(repo, "--staged")[0] == 0


def test_worktree_includes_untracked_files_in_watched_areas(repo: GitRepo) -> None:
    repo.write("src/retry/new_client.py", TOKEN_LOG)
    repo.write("notes/todo.txt", "x\n")
    code, record = review(repo)
    assert code == 1
    assert record["change"]["kind"] == "worktree"
    paths = {f["path"]: f for f in record["change"]["files"]}
    assert paths["src/retry/new_client.py"]["status"] == "A"
    assert paths["notes/todo.txt"]["areas"] == []
    assert record["unrouted"] == 1


def test_commit_reads_blobs_from_git_never_the_working_tree(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    sha = repo.commit("bad")
    repo.write("src/retry/client.py", CLEAN)
    code, record = review(repo, "--commit", sha[:10])
    assert code == 1
    assert record["change"]["head"] == sha
    assert record["change"]["commits"] == [sha]


def test_range_reviews_from_the_merge_base_like_a_pull_request(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/retry/client.py", CLEAN)
    feature = repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write("src/retry/other.py", TOKEN_LOG)       # lands on main after the branch point
    repo.commit("main moved on")
    code, record = review(repo, "--range", "main..feature")
    assert code == 0
    assert [f["path"] for f in record["change"]["files"]] == ["src/retry/client.py"]
    assert record["change"]["head"] == feature
    assert record["change"]["commits"] == [feature]


def test_first_commit_of_a_repo_and_a_repo_with_no_commits(tmp_path: Any) -> None:
    empty = make_repo(tmp_path / "empty", initial=False)
    empty.write("src/retry/client.py", TOKEN_LOG)
    assert review(empty)[0] == 1                         # worktree on an unborn branch
    empty.git("add", "-A")
    code, record = review(empty, "--staged")
    assert code == 1 and record["change"]["base"] is None
    empty.commit("root")
    code, record = review(empty, "--commit", "HEAD")
    assert code == 1 and record["change"]["base"] is None


def test_detached_head(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    sha = repo.commit("bad")
    repo.git("checkout", "-q", "--detach", sha)
    assert review(repo, "--commit", "HEAD")[0] == 1
    repo.write("src/retry/client.py", CLEAN)
    assert review(repo)[0] == 0


def test_renames_deletions_binary_and_mode_changes(repo: GitRepo) -> None:
    repo.write("src/retry/old_name.py", "def f():\n    return 1\n" * 20)
    repo.write("src/retry/gone.py", "x = 1\n")
    repo.write("src/retry/blob.bin", b"\x00\x01\x02" * 100)
    repo.write("src/retry/run.sh", "echo hi\n")
    repo.commit("base")
    repo.git("mv", "src/retry/old_name.py", "src/retry/new_name.py")
    repo.git("rm", "-q", "src/retry/gone.py")
    repo.write("src/retry/blob.bin", b"\x00\x09\x02" * 100)
    os.chmod(repo.path / "src/retry/run.sh", 0o755)
    repo.commit("shuffle")
    code, record = review(repo, "--commit", "HEAD")
    assert code == 0
    files = {f["path"]: f for f in record["change"]["files"]}
    assert files["src/retry/new_name.py"]["status"] == "R"
    assert files["src/retry/new_name.py"]["old_path"] == "src/retry/old_name.py"
    assert files["src/retry/gone.py"] == {"path": "src/retry/gone.py", "status": "D",
                                          "areas": ["retry"], "note": "deleted"}
    assert files["src/retry/blob.bin"]["note"].startswith("binary")   # no rules read .bin
    assert files["src/retry/run.sh"]["status"] == "M"


def test_huge_files_are_listed_not_scanned_and_leave_their_reviewers_pending(
        repo: GitRepo) -> None:
    repo.write("gitmon.yml", _policy_with("settings:\n  max_file_size: 1000\n"))
    repo.write("src/retry/big.py", TOKEN_LOG + "# pad\n" * 400)
    result = repo.gitmon("check", "--format", "json")
    assert result.code == 3, result.err
    record = json.loads(result.out)
    big = next(f for f in record["change"]["files"] if f["path"] == "src/retry/big.py")
    assert big["note"].startswith("huge: ") and "max_file_size 1000" in big["note"]
    assert record["findings"] == []


def test_non_utf8_content_is_reviewed_without_a_crash(repo: GitRepo) -> None:
    repo.write("src/retry/latin1.py", "# caf\xe9\n".encode("latin-1") + TOKEN_LOG.encode())
    code, record = review(repo)
    assert code == 1
    note = next(f for f in record["change"]["files"] if f["path"] == "src/retry/latin1.py")
    assert note["note"] == "non-utf8: scanned as bytes"


@pytest.mark.parametrize("name", [
    "src/retry/with space.py", "src/retry/ünïcødé.py", 'src/retry/quo"te.py',
    "src/retry/tab\there.py", "src/retry/new\nline.py", "src/retry/-dash.py",
])
def test_odd_file_names_map_findings_back_to_the_exact_path(repo: GitRepo, name: str) -> None:
    repo.write(name, TOKEN_LOG)
    repo.commit("odd")
    code, record = review(repo, "--commit", "HEAD")
    assert code == 1
    assert security_lines(record) == [(name, 6)]


def test_unknown_revision_is_exit_2_with_the_fix(repo: GitRepo) -> None:
    result = repo.gitmon("check", "--commit", "no-such-rev")
    assert result.code == 2
    assert result.err == ("gitmon: error: unknown revision: no-such-rev\n"
                          "  hint: check the name with `git log --oneline`\n")
    result = repo.gitmon("check", "--range", "main")
    assert result.code == 2 and "write it as BASE..HEAD" in result.err


def test_outside_a_repository_is_exit_2(tmp_path: Any) -> None:
    outside = GitRepo(tmp_path)
    result = outside.gitmon("check")
    assert result.code == 2
    assert "not a git repository" in result.err and "git init" in result.err


def test_parse_diff_added_lines_and_deletion_points(repo: GitRepo) -> None:
    repo.write("a.py", "1\n2\n3\n4\n5\n")
    repo.commit("base")
    repo.write("a.py", "1\nTWO\n3\n5\n6\n")
    (change,) = parse_diff(diff(repo.path, "HEAD"))
    assert change.added == {2, 5}
    assert change.deletions == {3}          # line 4 was removed after new line 3
    assert change.touches(3, 4, "added")    # a span across the removal counts
    assert not change.touches(4, 4, "added")
    assert change.touches(1, 1, "hunk") and change.touches(40, 40, "file")


def _policy_with(extra: str) -> str:
    from gitmon.policy import default_policy_text

    text = default_policy_text()
    return text[: text.index("settings:")] + extra
