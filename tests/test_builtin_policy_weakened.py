"""policy-weakened: a pull request that loosens its own gate, reviewed as CI does.

The working tree is left at the base commit, so the policy and rules in force are
the base's, and the head is reviewed as data with `check --range base..head`.
"""

from __future__ import annotations

import json
from typing import Any

from conftest import GitRepo, Result

RULE = "policy-weakened"

POLICY = """\
version: 1
areas:
  retry:
    paths:
      - "**/retry/**"
      - "**/*retry*"
    reviewers: [reliability, security]
  policy:
    paths: ["gitmon.yml", ".gitmon-baseline.json", "rules/**/*.yaml", "!rules/**/*.test.yaml"]
    reviewers: [security]
reviewers:
  security:
    rules: [security]
    checks: [policy-weakened]
    block_on: error
  reliability:
    rules: [reliability]
    checks: [unsafe-config]
    block_on: error
settings:
  filter: added
"""


def _pr(repo: GitRepo, run_in: Any, base_files: dict[str, str], head_files: dict[str, str | None],
        ) -> tuple[Result, list[tuple[str, int, str, str]]]:
    """Commit base, then head on top; review base..head with the base checked out."""
    for path, text in base_files.items():
        repo.write(path, text)
    base = repo.commit("base")
    for path, new in head_files.items():
        if new is None:
            repo.git("rm", "-q", path)
        else:
            repo.write(path, new)
    head = repo.commit("head")
    assert repo.git("diff", "--name-only", base, head).strip(), "the head must change something"
    repo.git("checkout", "-q", base)
    result: Result = run_in(repo, "check", "--range", f"{base}..{head}", "--format", "json",
                            "--no-record")
    assert result.code in (0, 1), result.err
    findings = json.loads(result.out)["findings"]
    hits = sorted((f["path"], f["line"], f["severity"], f["message"]) for f in findings
                  if f["rule"] == RULE)
    assert all(f["reviewer"] == "security" for f in findings if f["rule"] == RULE)
    return result, hits


def _where(hits: list[tuple[str, int, str, str]]) -> list[tuple[str, int, str]]:
    return [(p, line, sev) for p, line, sev, _ in hits]


def test_block_on_lowered_to_never_blocks_on_that_line(repo: GitRepo, run_in: Any) -> None:
    head = POLICY.replace("    checks: [unsafe-config]\n    block_on: error",
                          "    checks: [unsafe-config]\n    block_on: never")
    result, hits = _pr(repo, run_in, {"gitmon.yml": POLICY}, {"gitmon.yml": head})
    assert result.code == 1
    assert _where(hits) == [("gitmon.yml", 19, "error")]
    assert "reviewer `reliability` block_on lowered from error to never" in hits[0][3]
    assert "restore `block_on: error`" in hits[0][3]


def test_stricter_policy_passes(repo: GitRepo, run_in: Any) -> None:
    head = (POLICY.replace("block_on: error", "block_on: warning")
            .replace("filter: added", "filter: file")
            .replace('      - "**/*retry*"\n', '      - "**/*retry*"\n      - "**/*backoff*"\n'))
    head = head.replace("reviewers:\n  security:", "  services:\n    paths: [\"**/services/**\"]\n"
                        "    reviewers: [security]\nreviewers:\n  security:")
    result, hits = _pr(repo, run_in, {"gitmon.yml": POLICY}, {"gitmon.yml": head})
    assert hits == []
    assert result.code == 0, result.out


def test_pattern_removed_and_exclusion_added(repo: GitRepo, run_in: Any) -> None:
    head = POLICY.replace('      - "**/*retry*"\n', '      - "!**/retry/legacy/**"\n')
    _, hits = _pr(repo, run_in, {"gitmon.yml": POLICY}, {"gitmon.yml": head})
    # The removed pattern points at its list's key; the new exclusion at its own item.
    assert _where(hits) == [("gitmon.yml", 4, "error"), ("gitmon.yml", 6, "error")]
    assert "path pattern `**/*retry*` removed from area `retry`" in hits[0][3]
    assert "exclusion `!**/retry/legacy/**` added to area `retry`" in hits[1][3]


def test_reviewer_removed_everywhere(repo: GitRepo, run_in: Any) -> None:
    head = POLICY.replace("reviewers: [reliability, security]", "reviewers: [security]").replace(
        "  reliability:\n    rules: [reliability]\n    checks: [unsafe-config]\n    block_on: error\n",
        "")
    _, hits = _pr(repo, run_in, {"gitmon.yml": POLICY}, {"gitmon.yml": head})
    assert _where(hits) == [("gitmon.yml", 7, "error"), ("gitmon.yml", 11, "error")]
    assert "reviewer `reliability` removed from area `retry`" in hits[0][3]
    assert "reviewer `reliability` was removed" in hits[1][3]


def test_check_and_rules_removed_and_filter_narrowed(repo: GitRepo, run_in: Any) -> None:
    base = POLICY.replace("filter: added", "filter: hunk")
    head = base.replace("    checks: [unsafe-config]\n", "    checks: []\n").replace(
        "rules: [reliability]", "rules: []").replace("filter: hunk", "filter: added")
    _, hits = _pr(repo, run_in, {"gitmon.yml": base}, {"gitmon.yml": head})
    assert _where(hits) == [("gitmon.yml", 17, "error"), ("gitmon.yml", 18, "error"),
                            ("gitmon.yml", 21, "error")]
    assert "rules `reliability` removed from reviewer `reliability`" in hits[0][3]
    assert "check `unsafe-config` removed from reviewer `reliability`" in hits[1][3]
    assert "settings.filter narrowed from hunk to added" in hits[2][3]


def test_policy_that_no_longer_loads(repo: GitRepo, run_in: Any) -> None:
    head = POLICY.replace("    block_on: error\n  reliability:", "    blockon: error\n  reliability:")
    result, hits = _pr(repo, run_in, {"gitmon.yml": POLICY}, {"gitmon.yml": head})
    assert result.code == 1
    assert _where(hits) == [("gitmon.yml", 15, "error")]
    assert hits[0][3].startswith("the new policy does not load: gitmon.yml:15")
    assert "unknown key `blockon`" in hits[0][3]


def test_new_policy_file_is_compared_with_the_default(repo: GitRepo, run_in: Any) -> None:
    from gitmon.policy import default_policy_text

    default = default_policy_text()
    head = default.replace("    checks: [missing-test-change]\n    block_on: error",
                           "    checks: [missing-test-change]\n    block_on: never")
    line = head.splitlines().index("    block_on: never") + 1
    result, hits = _pr(repo, run_in, {}, {"gitmon.yml": head})
    assert _where(hits) == [("gitmon.yml", line, "error")]
    assert "reviewer `production` block_on lowered" in hits[0][3]
    assert result.code == 1


def test_baseline_accepting_new_fingerprints_warns(repo: GitRepo, run_in: Any) -> None:
    entries = [{"fingerprint": c * 32, "rule": "r", "path": "p"} for c in "abc"]
    old = {"version": 1, "findings": entries[:1]}
    new = {"version": 1, "findings": entries}
    result, hits = _pr(repo, run_in,
                       {"gitmon.yml": POLICY, ".gitmon-baseline.json": json.dumps(old, indent=1)},
                       {".gitmon-baseline.json": json.dumps(new, indent=1)})
    text = json.dumps(new, indent=1).splitlines()
    line = next(i for i, t in enumerate(text, 1) if "b" * 32 in t)
    assert _where(hits) == [(".gitmon-baseline.json", line, "warning")]
    assert "accepts 2 more finding(s)" in hits[0][3]
    assert result.code == 0


RULES = """\
rules:
  - id: custom-no-eval
    languages: [python]
    severity: ERROR
    message: no eval
    pattern: eval(...)
  - id: custom-no-exec
    languages: [python]
    severity: ERROR
    message: no exec
    pattern: exec(...)
"""


def test_rule_file_deleted_trimmed_or_lowered(repo: GitRepo, run_in: Any) -> None:
    base = POLICY.replace("rules: [security]", "rules: [security, rules/custom]")
    trimmed = RULES[:RULES.index("  - id: custom-no-exec")].replace("ERROR", "WARNING")
    _, hits = _pr(repo, run_in,
                  {"gitmon.yml": base, "rules/custom/eval.yaml": RULES,
                   "rules/custom/more.yaml": RULES.replace("custom-", "more-")},
                  {"rules/custom/eval.yaml": trimmed, "rules/custom/more.yaml": None})
    assert _where(hits) == [("rules/custom/eval.yaml", 1, "error"),
                            ("rules/custom/eval.yaml", 2, "error"),
                            ("rules/custom/more.yaml", 1, "error")]
    assert "rule(s) custom-no-exec removed from rules/custom/eval.yaml" in hits[0][3]
    assert "rule custom-no-eval lowered from error to warning" in hits[1][3]
    assert "rule file rules/custom/more.yaml was deleted" in hits[2][3]


def test_deleting_a_stricter_policy_falls_back_to_the_default(repo: GitRepo, run_in: Any) -> None:
    strict = POLICY.replace("    checks: [policy-weakened]\n    block_on: error",
                            "    checks: [policy-weakened]\n    block_on: warning")
    _, hits = _pr(repo, run_in, {"gitmon.yml": strict}, {"gitmon.yml": None})
    assert _where(hits) == [("gitmon.yml", 1, "error")]
    assert hits[0][3].startswith("gitmon.yml was removed, so the default applies: reviewer "
                                 "`security` block_on lowered from warning to error")


def test_renaming_the_policy_away_counts_as_deleting_it(repo: GitRepo, run_in: Any) -> None:
    strict = POLICY.replace("filter: added", "filter: file")
    for path, text in {"gitmon.yml": strict, "src/retry/client.py": "ATTEMPTS = 3\n"}.items():
        repo.write(path, text)
    base = repo.commit("base")
    repo.git("mv", "gitmon.yml", "gitmon.yml.off")
    repo.write("src/retry/client.py", "ATTEMPTS = 4\n")
    head = repo.commit("head")
    repo.git("checkout", "-q", base)
    result = run_in(repo, "check", "--range", f"{base}..{head}", "--format", "json", "--no-record")
    hits = [(f["path"], f["line"], f["message"]) for f in json.loads(result.out)["findings"]
            if f["rule"] == RULE]
    assert hits == [("gitmon.yml", 1, "gitmon.yml was removed, so the default applies: "
                     "settings.filter narrowed from file to added: fewer findings count; "
                     "restore `filter: file`")]
    assert result.code == 1


def test_pattern_replaced_by_a_broader_one_and_a_harmless_exclusion_pass(repo: GitRepo,
                                                                         run_in: Any) -> None:
    # `**/*retr*` still covers what `**/*retry*` did; the exclusion only trims the new
    # `rules/**/*.yml` pattern, never a file the old area matched.
    head = POLICY.replace('"**/*retry*"', '"**/*retr*"').replace(
        '"!rules/**/*.test.yaml"]', '"!rules/**/*.test.yaml", "rules/**/*.yml", "!rules/**/*.test.yml"]')
    result, hits = _pr(repo, run_in, {"gitmon.yml": POLICY}, {"gitmon.yml": head})
    assert hits == []
    assert result.code == 0
