"""A rule's `paths:` as gitmon applies it (`engines.scope`), held against semgrep itself,
and an audit of path-scoped rules giving what `check --commit` gives commit by commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo
from test_audit import POLICY as AUDIT_POLICY

from gitmon.engines import semgrep
from gitmon.engines.scope import Scope
from gitmon.errors import PolicyError
from gitmon.rulesets import Rule

PATHS = ["a.py", "tests/a.py", "x/tests/a.py", "conf.py", "docs/conf.py", "x/conf.py",
         "test_a.py", "x/test_a.py", "a_test.py", "src/test/A.java", "x/src/test/A.java",
         "ATest.java", "x/ATest.java", "dist/a.js", "x/dist/a.js", "a.min.js", "x/a.min.js",
         "a.test.js", "x/y/a.test.js", "foo", "bar/foo/a.py", "a/b/c.py", "c/a/b/c.py",
         "_g/x.py", "x/y/z.py", ".hidden/a.py", "a/.h.py", "ab/c.py", "src/retry/a.py",
         "_gitmon_v1/src/retry/a.py"]
PATTERNS = ["tests/", "tests", "/tests", "/tests/", "./tests/", "conf.py", "test_*.py",
            "*_test.py", "src/test/", "*Test.java", "*.test.*", "*.min.js", "a/b", "*/b",
            "**/b/*.py", "x/*.py", "*.py", "a", ".hidden/", "x/y/", "[ab]/b", "x/**",
            "a/b/c.py", "**/tests/**", "ab", "*", "a?/c.py", "!tests/", "x/y/z.py/", "/src/",
            "src/retry/a.py"]


def rule(rule_id: str, paths: object) -> Rule:
    body = {"id": rule_id, "languages": ["generic"], "severity": "ERROR", "message": "m",
            "pattern-regex": "x", "paths": paths}
    return Rule(rule_id, ("security",), frozenset({"generic"}), body, "probe.yaml")


def test_scope_reads_paths_as_semgrep_does() -> None:
    """One semgrep run with the `paths:` left in: what it reports is what Scope allows."""
    executable = semgrep.find_executable(None)
    assert executable, "semgrep must be installed for these tests"
    rules = [rule(f"{kind}-{i}", {kind: [p]}) for i, p in enumerate(PATTERNS)
             for kind in ("include", "exclude")]
    rules.append(rule("both", {"include": ["x/"], "exclude": ["tests/", "*.js"]}))
    config = json.dumps({"rules": [dict(r.body) for r in rules]})
    run = semgrep.run_semgrep(executable, rules, config, {p: b"x = 1\n" for p in PATHS}, 120)
    assert run.failure is None and run.scanned == set(PATHS)
    engine = {(m.rule, path) for path, found in run.matches.items() for m in found}
    scope = Scope(rules)
    ours = {(r.id, path) for r in rules for path in PATHS if scope.allows(r.id, path)}
    assert ours == engine
    assert ("exclude-0", "x/tests/a.py") not in ours and ("include-2", "x/tests/a.py") not in ours


def test_config_sent_to_semgrep_has_no_paths_and_rules_without_scope_keep_all() -> None:
    from gitmon.engines.output import Match
    from gitmon.rulekey import config_text

    scoped, plain = rule("scoped", {"exclude": ["tests/"]}), rule("plain", None)
    plain = Rule("plain", plain.reviewers, plain.languages,
                 {k: v for k, v in plain.body.items() if k != "paths"}, plain.origin)
    sent = json.loads(config_text([scoped, plain]))["rules"]
    assert [("paths" in r, r["id"]) for r in sent] == [(False, "scoped"), (False, "plain")]
    matches = [Match(r, 1, 1, 1, 2, "ERROR", "m") for r in ("scoped", "plain")]
    scope = Scope([scoped, plain])
    assert [m.rule for m in scope.keep("tests/a.py", matches)] == ["plain"]
    assert [m.rule for m in scope.keep("src/a.py", matches)] == ["scoped", "plain"]


@pytest.mark.parametrize("paths", [["tests/"], {"exclude": [1]}, {"only": ["x"]},
                                   {"include": "src/"}])
def test_a_malformed_paths_is_a_policy_error_with_a_hint(paths: object) -> None:
    with pytest.raises(PolicyError) as caught:
        Scope([rule("bad", paths)])
    assert "`paths`" in caught.value.message and "bad" in caught.value.message
    assert caught.value.hint


POLICY = AUDIT_POLICY.replace("checks/secret.yaml", "checks/scoped.yaml")   # one rule file
SCOPED = """\
rules:
  - id: token-in-source
    languages: [python]
    severity: ERROR
    message: a token is assigned
    pattern-regex: TOKEN[0-9]+
    paths:
      include: ["/src/"]
      exclude: ["generated/"]
  - id: token-anywhere
    languages: [python]
    severity: WARNING
    message: a token is assigned (anywhere)
    pattern-regex: TOKEN[0-9]+
"""


def scoped_history(repo: GitRepo) -> list[str]:
    """Commits where the scoped rule must match in src/, not in src/generated/ or lib/src/, with
    several versions of one file (an audit scans those under `_gitmon_v<n>/`)."""
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/scoped.yaml", SCOPED)
    shas = [repo.commit("policy")]
    for i in range(3):
        repo.write("src/retry/a.py", "".join(f'k{j} = "TOKEN{j}"\n' for j in range(i + 1)))
        repo.write("src/generated/retry/a.py", f'k = "TOKEN{i}"\n')
        repo.write("lib/src/retry/a.py", f'k = "TOKEN{i}"\n')
        shas.append(repo.commit(f"version {i}"))
    return shas


def findings(record: dict[str, object]) -> list[tuple[str, str, int]]:
    found = record["findings"]
    assert isinstance(found, list)
    return sorted((f["rule"], f["path"], f["line"]) for f in found)


def test_audit_applies_paths_like_check_commit_in_one_run(repo: GitRepo, tmp_path: Path) -> None:
    from test_audit import counting_semgrep, runs

    shas = scoped_history(repo)
    fake, counter = counting_semgrep(tmp_path)
    env = dict(os.environ, GITMON_SEMGREP=fake)
    audit = subprocess.run([sys.executable, "-m", "gitmon", "audit"], cwd=repo.path, env=env,
                           capture_output=True, text=True, check=False)
    assert audit.returncode == 0, audit.stderr
    assert runs(counter) == 1                    # three versions of a.py, one run
    ledger = [json.loads(line) for line in
              (repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()]
    audited = {e["head"]: findings(json.loads((repo.path / ".gitmon" / e["record"]).read_text()))
               for e in ledger}
    for sha in shas:
        check = subprocess.run([sys.executable, "-m", "gitmon", "check", "--commit", sha,
                                "--no-record", "--no-cache", "--format", "json"],
                               cwd=repo.path, capture_output=True, text=True, check=False)
        assert check.returncode in (0, 1), check.stderr
        assert audited[sha] == findings(json.loads(check.stdout)), sha
    last = audited[shas[-1]]
    assert ("token-in-source", "src/retry/a.py", 3) in last
    assert {p for r, p, _ in last if r == "token-in-source"} == {"src/retry/a.py"}
    assert {p for r, p, _ in last if r == "token-anywhere"} == {
        "src/retry/a.py", "src/generated/retry/a.py", "lib/src/retry/a.py"}
