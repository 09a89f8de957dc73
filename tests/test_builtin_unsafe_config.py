"""unsafe-config: real reviews of real commits; every finding on the bad key's own line."""

from __future__ import annotations

import json
from typing import Any

from conftest import GitRepo, Result

RULE = "unsafe-config"


def _review(repo: GitRepo, run_in: Any) -> tuple[Result, list[tuple[str, int, str]]]:
    result: Result = run_in(repo, "check", "--commit", "HEAD", "--format", "json", "--no-record")
    assert result.code in (0, 1), result.err
    record = json.loads(result.out)
    hits = sorted((f["path"], f["line"], f["severity"]) for f in record["findings"]
                  if f["rule"] == RULE)
    assert all(f["reviewer"] == "reliability" for f in record["findings"] if f["rule"] == RULE)
    # A near miss must be a real change to a routed file, not an empty commit.
    assert any(f["areas"] for f in record["change"]["files"]), record["change"]
    return result, hits


def _messages(result: Result) -> list[str]:
    return [f["message"] for f in json.loads(result.out)["findings"] if f["rule"] == RULE]


BREAKER_YAML = """\
# payment client breaker
circuit_breaker:
  name: payments
  failure_threshold: 0
  recovery_timeout: 0s
  failureRateThreshold: 150
  half_open_max_calls: 3
"""


def test_yaml_breaker_thresholds_block_on_their_lines(repo: GitRepo, run_in: Any) -> None:
    repo.write("config/circuit_breaker.yaml", BREAKER_YAML)
    repo.commit("breaker config")
    result, hits = _review(repo, run_in)
    assert result.code == 1
    path = "config/circuit_breaker.yaml"
    assert hits == [(path, 4, "error"), (path, 5, "error"), (path, 6, "error")]
    first = _messages(result)[0]
    assert "`failure_threshold: 0` is below 1" in first and "set it to 1 or more" in first


def test_json_retry_budget_with_tabs_and_exponents(repo: GitRepo, run_in: Any) -> None:
    text = ('{\n\t"http": {\n\t\t"retry": {\n\t\t\t"maxAttempts": -1,\n'
            '\t\t\t"max_retries": 1e4,\n\t\t\t"attempts": 0\n\t\t}\n\t}\n}\n')
    repo.write("services/payments/client.json", text)
    repo.commit("client config")
    result, hits = _review(repo, run_in)
    path = "services/payments/client.json"
    # -1 is unlimited (error); 10000 attempts is a judgment call (warning); attempts: 0 is "off".
    assert hits == [(path, 4, "error"), (path, 5, "warning")]
    assert result.code == 1


def test_toml_rate_limit_zero_and_unlimited(repo: GitRepo, run_in: Any) -> None:
    text = ('title = "edge"\n\n[server]\nport = 8080\n\n[server.rate_limit]\n'
            'requests_per_second = 0\nburst = "unlimited"\nlimit = "100/minute"\n')
    repo.write("services/edge.toml", text)
    repo.commit("edge config")
    result, hits = _review(repo, run_in)
    assert hits == [("services/edge.toml", 7, "error"), ("services/edge.toml", 8, "error")]
    assert "rejects every request" in _messages(result)[0]


def test_spring_dotted_keys_and_second_yaml_document(repo: GitRepo, run_in: Any) -> None:
    text = ("server:\n  port: 8080\n---\nresilience4j.circuitbreaker.instances.backend:\n"
            "  wait-duration-in-open-state: PT0S\n  minimum-number-of-calls: 10\n")
    repo.write("services/orders/application.yml", text)
    repo.commit("orders config")
    _, hits = _review(repo, run_in)
    assert hits == [("services/orders/application.yml", 5, "error")]


def test_ambiguous_zero_attempts_warns_and_passes(repo: GitRepo, run_in: Any) -> None:
    repo.write("services/retry.yaml", "backoff:\n  max_attempts: 0\n  initial: 100ms\n")
    repo.commit("retry config")
    result, hits = _review(repo, run_in)
    assert hits == [("services/retry.yaml", 2, "warning")]
    assert result.code == 0
    assert "retry-go, Temporal" in _messages(result)[0]


def test_safe_values_pass(repo: GitRepo, run_in: Any) -> None:
    repo.write("config/circuit_breaker.yaml",
               "circuit_breaker:\n  failure_threshold: 5\n  recovery_timeout: 30s\n"
               "  failureRateThreshold: 50\nretry:\n  max_attempts: 3\n  retries: 0\n"
               "rate_limit:\n  rps: 100\n  burst: 20\n")
    repo.commit("sane config")
    result, hits = _review(repo, run_in)
    assert hits == []
    assert result.code == 0


def test_keys_outside_a_resilience_section_pass(repo: GitRepo, run_in: Any) -> None:
    # Same key names, wrong context: a probe's failureThreshold, a page size `limit`.
    repo.write("services/api.yaml",
               "livenessProbe:\n  failureThreshold: 0\npagination:\n  limit: 0\n"
               "database:\n  max_attempts: -1\n")
    repo.commit("api config")
    _, hits = _review(repo, run_in)
    assert hits == []


def test_bad_value_on_an_unchanged_line_is_not_this_changes_fault(repo: GitRepo,
                                                                  run_in: Any) -> None:
    repo.write("config/circuit_breaker.yaml", BREAKER_YAML)
    repo.commit("old bad breaker")
    repo.write("config/circuit_breaker.yaml", BREAKER_YAML.replace("half_open_max_calls: 3",
                                                                   "half_open_max_calls: 12"))
    repo.commit("touch another key")
    _, hits = _review(repo, run_in)
    assert hits == []


def test_key_that_was_already_bad_is_skipped_but_a_newly_bad_one_counts(repo: GitRepo,
                                                                         run_in: Any) -> None:
    repo.write("config/circuit_breaker.yaml", BREAKER_YAML)
    repo.commit("old bad breaker")
    changed = BREAKER_YAML.replace("failure_threshold: 0", "failure_threshold: -1").replace(
        "half_open_max_calls: 3", "half_open_max_calls: 0")
    repo.write("config/circuit_breaker.yaml", changed)
    repo.commit("edit breaker")
    _, hits = _review(repo, run_in)
    assert hits == [("config/circuit_breaker.yaml", 7, "error")]


def test_broken_config_is_skipped_without_a_crash(repo: GitRepo, run_in: Any) -> None:
    repo.write("config/circuit_breaker.json", '{"circuit_breaker": {"failure_threshold": 0,}\n')
    repo.write("config/retry.yaml", "retry: [unclosed\n")
    repo.commit("broken configs")
    result, hits = _review(repo, run_in)
    assert hits == []
    assert result.code == 0
