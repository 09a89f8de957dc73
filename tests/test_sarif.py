"""SARIF 2.1.0 from real reviews: schema-valid, within code scanning's limits, stable identity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import TOKEN_LOG, GitRepo

SCHEMA = json.loads((Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.json").read_text())
ODD_PATH = "src/retry dir/clíent ñ.py"
SUPPRESSED = ('\n\ndef probe(api_token):\n'
              '    # gitmon: ignore[security-secret-logged-python] fake token in a demo\n'
              '    log.info("probe with %s", api_token)\n')


def validate(doc: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)


def sarif_of(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.gitmon("check", "--commit", "HEAD", "--format", "sarif", "--no-record", *args)
    assert result.code in (0, 1, 3), result.err
    return result.code, json.loads(result.out)


def test_review_with_findings_suppression_and_odd_path_is_valid_sarif(repo: GitRepo) -> None:
    repo.write(ODD_PATH, TOKEN_LOG + SUPPRESSED)
    repo.commit("retry client")
    code, doc = sarif_of(repo)
    validate(doc)
    assert code == 1
    (run,) = doc["runs"]
    results = [r for r in run["results"] if r["ruleId"] == "security-secret-logged-python"]
    assert [(r["locations"][0]["physicalLocation"]["region"]["startLine"], "suppressions" in r)
            for r in results] == [(6, False), (11, True)]
    assert results[1]["suppressions"] == [{"kind": "inSource",
                                           "justification": "fake token in a demo"}]
    location = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "src/retry%20dir/cl%C3%ADent%20%C3%B1.py", "uriBaseId": "%SRCROOT%"}
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert len(r["locations"]) <= 1000
    assert all(len(rule["properties"]["tags"]) <= 10 for rule in rules)
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_degraded_run_says_so_in_the_invocation(repo: GitRepo,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITMON_SEMGREP", str(repo.path / "no-such-semgrep"))
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("retry client")
    code, doc = sarif_of(repo)
    validate(doc)
    assert code == 3
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"].startswith("degraded: ")
    assert doc["runs"][0]["properties"]["verdict"] == "pending"


def test_fingerprint_is_stable_when_the_code_moves(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("retry client")
    _, before = sarif_of(repo, "--filter", "file")
    moved = TOKEN_LOG.replace("\n\n\ndef call", "\n\nTIMEOUT = 3\nRETRIES = 5\n\n\ndef call")
    repo.write("src/retry/client.py", moved)
    repo.commit("constants above")
    _, after = sarif_of(repo, "--filter", "file")

    def secret(doc: dict[str, Any]) -> tuple[int, dict[str, str]]:
        (r,) = [r for r in doc["runs"][0]["results"] if r["ruleId"].startswith("security-")]
        return r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"]

    (line_before, print_before), (line_after, print_after) = secret(before), secret(after)
    assert (line_before, line_after) == (6, 9)
    assert print_before == print_after


def test_results_and_rules_are_cut_to_code_scanning_limits(repo: GitRepo,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from gitmon.reports import sarif

    repo.write("src/retry/a.py", TOKEN_LOG)
    repo.write("src/retry/b.py", TOKEN_LOG)
    repo.commit("two clients")
    record = json.loads(repo.gitmon("check", "--commit", "HEAD", "--format", "json",
                                    "--no-record").out)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 1)
    doc = sarif.build(record)
    validate(doc)
    assert len(doc["runs"]) == 1
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == [record["findings"][0]["rule"]]
    (note,) = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    left_out = len(record["findings"]) - 1
    assert note["message"]["text"].startswith(f"{left_out} of {len(record['findings'])} findings")
