"""The hook's early semgrep start: used only when it is exactly the review's own job."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo

from gitmon.engines.semgrep import find_executable

POLICY = """version: 1
areas:
  svc:
    paths: ["svc/**"]
    reviewers: [ops]
reviewers:
  ops:
    title: Ops
    rules: [rules/ops.yaml]
    block_on: error
"""
RULE = """rules:
  - id: no-eval
    languages: [python]
    severity: ERROR
    message: {message}
    pattern: eval(...)
"""


def last_record(repo: GitRepo) -> dict[str, Any]:
    newest = max((repo.path / ".gitmon" / "records").glob("*.json"), key=os.path.getmtime)
    data: dict[str, Any] = json.loads(newest.read_text())
    return data


def hook(repo: GitRepo) -> dict[str, Any]:
    """The hook's own run (the fast path), with the review cache emptied first."""
    shutil.rmtree(repo.path / ".gitmon" / "cache", ignore_errors=True)
    result = repo.gitmon("check", "--staged", "--source", "pre-commit")
    assert result.code == 1, result.err
    return last_record(repo)


def findings(record: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["rule"], f["line"], f["message"]) for f in record["findings"]]


def setup(repo: GitRepo) -> Path:
    repo.write("gitmon.yml", POLICY)
    rule = repo.write("rules/ops.yaml", RULE.format(message="eval is unsafe"))
    repo.commit("policy", "gitmon.yml", "rules/ops.yaml")
    repo.write("svc/app.py", "x = eval(input())\n")
    repo.git("add", "svc/app.py")
    return rule


def test_second_hook_run_uses_the_prelaunched_job(repo: GitRepo) -> None:
    setup(repo)
    cold = hook(repo)          # no cached rule set yet: the review launches, then caches it
    assert "prelaunched" not in cold["engine"]
    assert list((repo.path / ".git" / "gitmon").glob("rules-*.json"))
    warm = hook(repo)
    assert warm["engine"]["prelaunched"] is True
    assert warm["engine"]["entry"] == cold["engine"]["entry"]
    assert findings(warm) == findings(cold) == [("no-eval", 1, "eval is unsafe")]
    assert {k: v for k, v in warm["engine"].items() if k not in ("seconds", "prelaunched")} == \
        {k: v for k, v in cold["engine"].items() if k != "seconds"}


def test_stale_rule_cache_is_discarded_and_refreshed(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))     # where the semgrep jobs build their trees
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "semgrep"
    # the rule-file check at policy load (gitmon.rulecheck) is not a review's run
    wrapper.write_text(f'#!/bin/sh\ncase "$*" in *gitmon-rulecheck-*) ;; *) echo run >> "{calls}";; '
                       f'esac\nexec "{find_executable(None)}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("GITMON_SEMGREP", str(wrapper))
    rule = setup(repo)
    hook(repo)
    assert calls.read_text().count("run") == 1
    # same size and mtime: the cached rule set still looks valid, but its config differs,
    # so the review must kill the prelaunched job and run its own
    stat = rule.stat()
    rule.write_text(RULE.format(message="eval is UNSAFE"))
    os.utime(rule, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rule.stat().st_size == stat.st_size
    stale = hook(repo)
    assert "prelaunched" not in stale["engine"]
    assert calls.read_text().count("run") == 3      # the prelaunched one, then the review's
    assert findings(stale) == [("no-eval", 1, "eval is UNSAFE")]
    assert not list(temp.glob("*/*"))   # the discarded job's run folder is gone too
    fresh = hook(repo)         # the review rewrote the cache: the next run prelaunches again
    assert fresh["engine"]["prelaunched"] is True
    assert findings(fresh) == [("no-eval", 1, "eval is UNSAFE")]


def test_changed_rule_file_means_no_prelaunch(repo: GitRepo) -> None:
    rule = setup(repo)
    hook(repo)
    rule.write_text(RULE.format(message="never eval input"))
    changed = hook(repo)
    assert "prelaunched" not in changed["engine"]
    assert findings(changed) == [("no-eval", 1, "never eval input")]


def test_cached_files_are_not_prelaunched(repo: GitRepo) -> None:
    setup(repo)
    for _ in range(2):
        result = repo.gitmon("check", "--staged", "--source", "pre-commit")
        assert result.code == 1, result.err
    record = last_record(repo)
    assert record["engine"] == {"cached": 1, "scanned": 0, "rules": 0}
    assert findings(record) == [("no-eval", 1, "eval is unsafe")]


def test_the_cached_rule_set_gives_the_reviews_digest_and_config(repo: GitRepo) -> None:
    """What prelaunch keeps as JSON, read back, keys the cache and configures semgrep
    exactly as the loaded rule set does (both through `rulekey`)."""
    from gitmon import rulekey
    from gitmon.hook import prelaunch
    from gitmon.policy import read_policy
    from gitmon.rulesets import disk_reader, load_ruleset

    policy = read_policy(repo.path)
    ruleset = load_ruleset(policy, disk_reader(repo.path))
    everyone = frozenset(policy.reviewers)
    pre = prelaunch.Prelaunch(str(repo.path / "rules.json"), ["k"], everyone)
    pre.remember(set(everyone), ruleset)
    cached = prelaunch._cached_rules(pre)
    assert cached is not None and len(cached) == len(ruleset.rules) > 10
    for reviewers in (everyone, frozenset({"security"}), frozenset({"reliability", "production"})):
        assert rulekey.digest(cached, reviewers) == ruleset.digest(reviewers)
    for langs in ({"python"}, {"go", "yaml"}, set()):
        mine = rulekey.for_languages(cached, langs)
        assert [r.id for r in mine] == [r.id for r in ruleset.for_languages(langs)]
        assert rulekey.config_text(mine) == ruleset.config_text(ruleset.for_languages(langs))
