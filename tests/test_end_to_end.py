"""The issue's acceptance path: a token logged in retry code blocks; elsewhere it passes."""

from __future__ import annotations

import json

from conftest import TOKEN_LOG, GitRepo


def test_token_logged_in_retry_blocks_with_security_finding(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("retry client")
    result = repo.gitmon("check", "--commit", "HEAD", "--format", "json")
    assert result.code == 1, result.err
    record = json.loads(result.out)
    assert record["verdict"] == "block"
    assert record["reviewers"]["security"]["status"] == "failed"
    hits = [f for f in record["findings"] if f["reviewer"] == "security"]
    assert [(f["path"], f["line"], f["severity"]) for f in hits] == [
        ("src/retry/client.py", 6, "error")]


def test_same_change_outside_watched_areas_passes_and_is_unrouted(repo: GitRepo) -> None:
    repo.write("src/misc/client.py", TOKEN_LOG)
    repo.commit("misc client")
    result = repo.gitmon("check", "--commit", "HEAD", "--format", "json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["verdict"] == "pass"
    assert record["unrouted"] == 1
    assert record["change"]["files"] == [
        {"path": "src/misc/client.py", "status": "A", "areas": []}]
    assert all(r["status"] == "skipped" for r in record["reviewers"].values())
