"""`gitmon baseline`: accepted findings stay accepted when code moves; new ones still block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TOKEN_LOG, GitRepo, make_repo
from test_audit import RULE

POLICY = """\
version: 1
areas:
  retry:
    paths: ["**/retry/**"]
    reviewers: [security]
reviewers:
  security:
    title: Security Manager
    rules: [checks/secret.yaml]
    checks: [missing-test-change]
    block_on: error
"""
BASELINE = ".gitmon-baseline.json"


def adopt(repo: GitRepo) -> dict[str, object]:
    """An old repo with a token logged in retry code, then `gitmon baseline`."""
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/secret.yaml", RULE)
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.write("src/misc/client.py", TOKEN_LOG)          # unwatched: not baselined
    repo.commit("old code")
    result = repo.gitmon("baseline")
    assert result.code == 0, result.err
    assert "1 finding(s) in 1 file(s)" in result.out
    data: dict[str, object] = json.loads((repo.path / BASELINE).read_text())
    return data


def tokens(record: str) -> list[dict[str, object]]:
    """The token-logged findings of a JSON record (missing-test-change is a warning too)."""
    return [f for f in json.loads(record)["findings"] if f["rule"] == "token-logged"]


def test_baseline_file_is_stable_reviewable_and_holds_no_code(repo: GitRepo) -> None:
    data = adopt(repo)
    assert data["schema"] == "gitmon.baseline/1" and data["version"] == 1
    [entry] = data["findings"]  # type: ignore[misc]
    assert set(entry) == {"fingerprint", "path", "reviewers", "rule"}   # no line, no code
    assert (entry["path"], entry["rule"], entry["reviewers"]) == (
        "src/retry/client.py", "token-logged", ["security"])
    text = (repo.path / BASELINE).read_text()
    assert "api_token" not in text and "retrying" not in text
    assert "missing-test-change" not in text             # about a change, never accepted
    assert repo.gitmon("baseline").code == 0
    assert (repo.path / BASELINE).read_text() == text    # same input, same bytes
    check = repo.gitmon("baseline", "--check")
    assert check.code == 0 and "0 stale" in check.out


def test_moved_code_stays_baselined_and_a_new_instance_blocks(repo: GitRepo) -> None:
    adopt(repo)
    repo.write("src/retry/client.py", "import os\n\n# moved down\n" + TOKEN_LOG)
    repo.commit("lines above")
    moved = repo.gitmon("check", "--commit", "HEAD", "--filter", "file", "--format", "json")
    assert moved.code == 0, moved.out
    [finding] = tokens(moved.out)
    assert (finding["line"], finding["baselined"]) == (9, True)
    repo.write("src/retry/client.py", "import os\n\n# moved down\n" + TOKEN_LOG
               + '    log.debug("again %s", refresh_token)\n')
    repo.write("src/retry/other.py", TOKEN_LOG)
    repo.commit("new instances")
    new = repo.gitmon("check", "--commit", "HEAD", "--format", "json")
    assert new.code == 1, new.out
    found = tokens(new.out)
    blocking = sorted((f["path"], f["line"]) for f in found if not f["baselined"])
    assert blocking == [("src/retry/client.py", 10), ("src/retry/other.py", 6)]


def test_check_reports_stale_entries(repo: GitRepo) -> None:
    adopt(repo)
    repo.write("src/retry/client.py", "def call(api_token):\n    return api_token\n")
    repo.commit("fixed")
    result = repo.gitmon("baseline", "--check")
    assert result.code == 1
    assert "stale: token-logged in src/retry/client.py" in result.out
    assert "1 stale" in result.out


@pytest.mark.parametrize(("content", "message"), [
    ('{"version": 2, "findings": []}', "unknown baseline version 2"),
    ("{not json", "not valid JSON"),
    ('{"version": 1, "findings": [{"rule": "x"}]}', "has no `fingerprint`"),
])
def test_bad_or_newer_baseline_is_a_clear_usage_error(repo: GitRepo, content: str,
                                                      message: str) -> None:
    repo.write(BASELINE, content)
    result = repo.gitmon("check")
    assert result.code == 2
    assert message in result.err and BASELINE in result.err and "hint:" in result.err


def test_version_0_file_is_upgraded_on_read(repo: GitRepo) -> None:
    data = adopt(repo)
    [entry] = data["findings"]  # type: ignore[misc]
    repo.write(BASELINE, json.dumps({"findings": [{"fingerprint": entry["fingerprint"]}]}))
    result = repo.gitmon("check", "--commit", "HEAD", "--format", "json")
    assert result.code == 0, result.out
    assert [f["baselined"] for f in tokens(result.out)] == [True]


def test_baseline_on_an_empty_repo_says_what_to_do(tmp_path: Path) -> None:
    empty = make_repo(tmp_path / "empty", initial=False)
    result = empty.gitmon("baseline")
    assert result.code == 2
    assert "nothing is committed yet" in result.err and "hint:" in result.err
