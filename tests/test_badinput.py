"""The bad-input corpus: every malformed policy, broken rule file and bad argument list in
tests/badinput/ ends in exit 2 with a hint, through the real CLI on a real repository.

Each corpus file starts with a `# expect: TEXT` line (stripped before use): TEXT must be in
the error. The cases are quick: `gitmon route` loads the policy and runs no engine.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from conftest import GitRepo, Result, make_repo

CORPUS = Path(__file__).with_name("badinput")


def _case(path: Path) -> tuple[str, bytes]:
    header, _, body = path.read_bytes().partition(b"\n")
    assert header.startswith(b"# expect: "), f"{path.name}: first line must be `# expect: ...`"
    return header[len(b"# expect: "):].decode(), body


def _argv_cases() -> list[tuple[str, str]]:
    lines = (CORPUS / "argv.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(" => ", 1)) for line in lines  # type: ignore[misc]
            if line.strip() and not line.startswith("#")]


def _assert_clean_usage_error(result: Result, expect: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert expect in result.err, result.err
    assert "hint:" in result.err, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err


def test_corpus_is_broad() -> None:
    assert len(list((CORPUS / "policies").glob("*.yml"))) >= 60
    assert len(_argv_cases()) >= 20


@pytest.mark.parametrize("path", sorted((CORPUS / "policies").glob("*.yml")), ids=lambda p: p.stem)
def test_bad_policy_is_a_usage_error(repo: GitRepo, path: Path) -> None:
    expect, body = _case(path)
    (repo.path / "gitmon.yml").write_bytes(body)
    _assert_clean_usage_error(repo.gitmon("route"), expect)


@pytest.mark.parametrize(("args", "expect"), _argv_cases(), ids=lambda v: v)
def test_bad_arguments_are_usage_errors(repo: GitRepo, args: str, expect: str) -> None:
    repo.write("README.md", "# demo\nmore\n")
    repo.commit("second")
    _assert_clean_usage_error(repo.gitmon(*shlex.split(args)), expect)


def test_bad_policy_reaches_validation_on_the_hooks_fast_path(repo: GitRepo) -> None:
    """The hook's own policy discovery (fastpath) must not hide a bad policy."""
    expect, body = _case(CORPUS / "policies" / "glob_range_backwards.yml")
    (repo.path / "gitmon.yml").write_bytes(body)
    repo.git("add", "gitmon.yml")
    _assert_clean_usage_error(repo.gitmon("check", "--staged"), expect)


def test_fresh_repo_without_commits(tmp_path: Path) -> None:
    empty = make_repo(tmp_path / "unborn", initial=False)
    _assert_clean_usage_error(empty.gitmon("route", "--commit", "HEAD"), "HEAD")


CUSTOM_POLICY = """version: 1
areas:
  svc:
    paths: ["services/**"]
    reviewers: [sec]
reviewers:
  sec:
    rules: [security, rules/custom.yml]
"""


def _with_rule_file(repo: GitRepo, body: bytes) -> None:
    repo.write("gitmon.yml", CUSTOM_POLICY)
    repo.write("rules/custom.yml", body)


@pytest.mark.parametrize("path", sorted((CORPUS / "rules").glob("*.yml")), ids=lambda p: p.stem)
def test_broken_rule_file_is_a_usage_error_at_load(repo: GitRepo, path: Path) -> None:
    expect, body = _case(path)
    _with_rule_file(repo, body)
    result = repo.gitmon("route")
    _assert_clean_usage_error(result, expect)
    assert "at key: reviewers.sec.rules ==> rules/custom.yml" in result.err


def test_broken_rule_stops_the_review_before_any_engine_runs(repo: GitRepo) -> None:
    """The issue's case: exit 2 naming the file and the rule, not exit 3 with all pending."""
    _, body = _case(CORPUS / "rules" / "missing_message.yml")
    _with_rule_file(repo, body)
    repo.write("services/api.py", "print('hi')\n")
    repo.git("add", "-A")
    for args in (("check", "--staged"), ("check", "--worktree", "--no-record")):
        result = repo.gitmon(*args)
        _assert_clean_usage_error(result, "rules/custom.yml")
        assert "rule `logged-token` ==> `message` missing" in result.err


def test_semgrep_validation_is_remembered_under_the_git_dir(repo: GitRepo, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    import shutil

    real = shutil.which("semgrep")
    assert real is not None
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "semgrep-logged"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("GITMON_SEMGREP", str(wrapper))
    _, body = _case(CORPUS / "rules" / "missing_id.yml")
    _with_rule_file(repo, body.replace(b"  - languages", b"  - id: logged-token\n    languages"))
    assert repo.gitmon("route").code == 0
    assert calls.read_text().count("--config") == 1
    marks = list((repo.path / ".git" / "gitmon" / "validated").iterdir())
    assert len(marks) == 1
    assert repo.gitmon("route").code == 0
    assert calls.read_text().count("--config") == 1     # the second load asked no semgrep
    assert not (repo.path / ".gitmon" / "validated").exists()


def test_crash_log_goes_under_the_git_dir(repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from gitmon.main import _handle

    monkeypatch.chdir(repo.path)
    assert _handle(RuntimeError("boom")) == 3
    log = repo.path / ".git" / "gitmon" / "crash.log"
    assert f"with the log {log}" in capsys.readouterr().err
    assert "RuntimeError: boom" in log.read_text()


def test_crash_log_outside_a_repo_is_a_fresh_private_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from gitmon.main import _handle

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    logs = []
    for _ in range(2):
        assert _handle(ValueError("boom")) == 3
        logs.append(capsys.readouterr().err.rsplit("with the log ", 1)[1].strip())
    assert logs[0] != logs[1]
    for log in logs:
        assert Path(log).stat().st_mode & 0o077 == 0
        assert "ValueError: boom" in Path(log).read_text()
        Path(log).unlink()


def test_records_folder_that_is_a_file_is_named_at_load(repo: GitRepo) -> None:
    repo.write(".gitmon", "not a folder\n")      # the default policy's records folder
    result = repo.gitmon("check", "--worktree")
    _assert_clean_usage_error(result, "`.gitmon` is a file, not a folder")
    assert "<built-in default policy> ==> at key: settings.records" in result.err


def test_policy_path_that_is_a_folder_is_not_silently_the_default(repo: GitRepo) -> None:
    repo.write("gitmon.yml/inner.yml", "version: 1\n")
    _assert_clean_usage_error(repo.gitmon("route"), "gitmon.yml is not a file")


def test_a_dangling_policy_link_is_refused_by_both_paths(repo: GitRepo) -> None:
    """`gitmon.yml` pointing nowhere meant a policy: not silently the default (the full
    path used to fall back to it where the hook's fast path refused; `policyfile` decides)."""
    repo.write("notes.md", "x\n")
    repo.git("add", "notes.md")
    (repo.path / "gitmon.yml").symlink_to("policies/missing.yml")
    _assert_clean_usage_error(repo.gitmon("route"), "gitmon.yml is not a file")
    _assert_clean_usage_error(repo.gitmon("check", "--staged", "--source", "pre-commit"),
                              "gitmon.yml is not a file")


def test_the_hooks_fast_path_and_the_full_path_agree_on_odd_policy_options(repo: GitRepo) -> None:
    """Nothing staged in a watched area: the hook's fast path answers, unless the policy
    option or file is one the full path refuses - then it must refuse it the same way."""
    repo.write("notes.md", "x\n")
    repo.git("add", "notes.md")
    _assert_clean_usage_error(repo.gitmon("check", "--staged", "--policy", ""), "--policy")
    (repo.path / "gitmon.yml").mkdir()
    _assert_clean_usage_error(repo.gitmon("check", "--staged", "--source", "pre-commit"),
                              "gitmon.yml is not a file")      # the hook's own argv
