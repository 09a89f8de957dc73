"""Policy loading: the built-in default, `gitmon init`, errors naming file, line and key, and
the schema those errors come from (`gitmon.policy_schema`)."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest
import yaml
from conftest import GitRepo

from gitmon.errors import PolicyError
from gitmon.policy import BUILTIN_ORIGIN, Settings, default_policy_text, parse_policy, read_policy
from gitmon.policy_schema import AREA, BLOCK_LEVELS, REVIEWER, SETTINGS, TOP, Check, defaults
from gitmon.policy_walk import CHECKS
from gitmon.routing import route_paths
from gitmon.rulecheck import load_policy

DEFAULT = parse_policy(default_policy_text(), BUILTIN_ORIGIN)


@pytest.mark.parametrize(("path", "area"), [
    ("src/retry/client.py", "retry"),
    ("internal/retry/retry.go", "retry"),
    ("lib/http_backoff.ts", "retry"),
    ("pkg/ratelimit/limiter.go", "rate-limit"),
    ("app/middleware/rate_limit.py", "rate-limit"),
    ("src/main/java/com/acme/RateLimitFilter.java", "rate-limit"),
    ("app/services/billing.py", "services"),
    ("internal/service/orders.go", "services"),
    ("src/payments_service.rs", "services"),
    ("deploy/k8s/api.yaml", "deployment"),
    ("charts/api/templates/deployment.yaml", "deployment"),
    ("app/payment_circuit_breaker.py", "reliability"),
    ("src/health/routes.py", "health"),
    ("api/healthz.go", "health"),
    ("ops/monitoring/alerts.yml", "monitoring"),
    ("gitmon.yml", "policy"),
    ("rules/security/custom.yaml", "policy"),
])
def test_default_globs_catch_real_layouts(path: str, area: str) -> None:
    assert area in route_paths(DEFAULT, [path]).areas_of(path)


@pytest.mark.parametrize("path", ["README.md", "src/utils/strings.py", "docs/guide.md",
                                  "rules/security/custom.test.yaml"])
def test_default_globs_leave_other_code_alone(path: str) -> None:
    assert route_paths(DEFAULT, [path]).unrouted == (path,)


def test_a_file_in_several_areas_is_reviewed_once_per_reviewer() -> None:
    plan = route_paths(DEFAULT, ["src/retry/ratelimit_backoff.py"])
    assert set(plan.areas_of("src/retry/ratelimit_backoff.py")) >= {"retry", "rate-limit"}
    assert plan.reviewer_files["security"] == ("src/retry/ratelimit_backoff.py",)


def test_init_writes_the_default_policy_that_check_then_uses(repo: GitRepo) -> None:
    result = repo.gitmon("init")
    assert result.code == 0, result.err
    assert (repo.path / "gitmon.yml").read_text() == default_policy_text()
    again = repo.gitmon("init")
    assert again.code == 2
    assert "already exists" in again.err and "--force" in again.err
    assert repo.gitmon("route").out.startswith("policy: gitmon.yml\n")


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "gitmon.yml")
    return str(info.value)


MINIMAL = "version: 1\nareas:\n  retry:\n    paths: ['**/retry/**']\n    reviewers: [security]\n" \
          "reviewers:\n  security:\n    rules: [security]\n"


def test_minimal_policy_loads_with_defaults() -> None:
    policy = parse_policy(MINIMAL, "gitmon.yml")
    assert policy.settings.filter == "added"
    assert policy.reviewers["security"].title == "security"


@pytest.mark.parametrize(("text", "expected"), [
    ("areas: [\n", "gitmon.yml:2: invalid YAML: did not find expected node content\n"
                   "  hint: fix the YAML syntax (indentation, quotes, colons)"),
    (MINIMAL + "setings:\n  filter: added\n",
     "gitmon.yml:9 ==> at key: setings ==> unknown key `setings`\n  hint: did you mean `settings`?"),
    (MINIMAL.replace("reviewers: [security]", "reviewers: [securty]"),
     "gitmon.yml:5 ==> at key: areas.retry.reviewers[0] ==> unknown reviewer `securty`\n"
     "  hint: did you mean `security`?"),
    (MINIMAL.replace("'**/retry/**'", "'retry\\'"),
     "gitmon.yml:4 ==> at key: areas.retry.paths[0] ==> bad glob `retry\\`: "
     "Invalid git pattern: 'retry\\\\'\n"
     "  hint: write a gitignore-style pattern such as `**/retry/**`"),
    (MINIMAL + "    block_on: 3\n",
     "gitmon.yml:9 ==> at key: reviewers.security.block_on ==> expected a string, got an "
     "integer ('3')\n  hint: write a string here"),
    (MINIMAL + "    block_on: critical\n",
     "gitmon.yml:9 ==> at key: reviewers.security.block_on ==> `critical` is not allowed\n"
     "  hint: use one of: error, warning, info, never"),
    (MINIMAL.replace("paths: ['**/retry/**']", "paths: '**/retry/**'"),
     "gitmon.yml:4 ==> at key: areas.retry.paths ==> expected a list, got a string "
     "('**/retry/**')\n  hint: write a list, e.g. [a, b]"),
    (MINIMAL + "    checks: [unsafe-confg]\n",
     "gitmon.yml:9 ==> at key: reviewers.security.checks[0] ==> unknown check `unsafe-confg`\n"
     "  hint: did you mean `unsafe-config`?"),
    (MINIMAL + "settings:\n  max_file_size: -1\n",
     "gitmon.yml:10 ==> at key: settings.max_file_size ==> must be greater than 0, got -1\n"
     "  hint: write a positive number"),
    ("version: 2\n" + MINIMAL[len("version: 1\n"):],
     "gitmon.yml:1 ==> at key: version ==> unsupported version 2\n"
     "  hint: this gitmon reads `version: 1`; upgrade gitmon for newer files"),
    ("", "gitmon.yml ==> the policy file is empty\n  hint: run `gitmon init` for a start"),
])
def test_bad_policy_errors_name_file_line_and_key(text: str, expected: str) -> None:
    assert _error(text) == expected


def test_bad_policy_is_exit_2_with_no_traceback(repo: GitRepo) -> None:
    repo.write("gitmon.yml", MINIMAL + "setings: {}\n")
    result = repo.gitmon("check")
    assert result.code == 2
    assert result.err == ("gitmon: error: gitmon.yml:9 ==> at key: setings ==> unknown key "
                          "`setings`\n  hint: did you mean `settings`?\n")


def test_missing_explicit_policy_file_is_exit_2(repo: GitRepo) -> None:
    result = repo.gitmon("check", "--policy", "nope.yml")
    assert result.code == 2
    assert "policy file not found: nope.yml" in result.err


def test_custom_rule_folder_that_does_not_exist_is_a_policy_error(repo: GitRepo) -> None:
    repo.write("gitmon.yml", MINIMAL.replace("rules: [security]", "rules: [ci/rules]"))
    repo.write("src/retry/a.py", "x = 1\n")
    result = repo.gitmon("check")
    assert result.code == 2
    assert "no rule file found at `ci/rules`" in result.err


def test_every_settings_field_is_in_the_schema_and_back() -> None:
    """A new setting is one `Key` in policy_schema.SETTINGS plus its typed field: both or neither."""
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert list(fields) == list(SETTINGS)
    hints = typing.get_type_hints(Settings)
    for name, key in SETTINGS.items():
        assert fields[name].default is dataclasses.MISSING, f"{name}: its default is the table's"
        allowed = typing.get_args(hints[name]) or (hints[name],)
        assert isinstance(key.default, allowed), (name, key.default, hints[name])
    assert parse_policy(MINIMAL, "gitmon.yml").settings == Settings(**defaults(SETTINGS))


def test_every_check_the_schema_names_is_implemented() -> None:
    named = {c for table in (TOP, AREA, REVIEWER, SETTINGS) for key in table.values()
             for c in key.checks}
    assert named <= set(CHECKS) == set(typing.get_args(Check))


def test_unknown_key_hints_list_the_schemas_keys() -> None:
    assert _error(MINIMAL + "settings:\n  zzzzzz: 1\n").endswith(
        "hint: use one of: " + ", ".join(SETTINGS))
    assert _error(MINIMAL + "    zzzzzz: 1\n").endswith("hint: use one of: " + ", ".join(REVIEWER))


def test_semgrep_null_means_the_default_executable() -> None:
    policy = parse_policy(MINIMAL + "settings:\n  semgrep: null\n", "gitmon.yml")
    assert policy.settings.semgrep is None
    assert "settings.records ==> expected a string, got nothing" in \
        _error(MINIMAL + "settings:\n  records: null\n")


def _readme_example() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The policy file"):]
    return section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml"))]


def test_the_readme_example_lists_every_key_of_the_schema_and_loads() -> None:
    example = yaml.safe_load(_readme_example())
    assert list(example) == list(TOP)
    assert set(example["settings"]) == set(SETTINGS)
    assert set(next(iter(example["reviewers"].values()))) == set(REVIEWER)
    assert set(next(iter(example["areas"].values()))) <= set(AREA)
    settings = yaml.safe_dump({"settings": example["settings"]})   # `semgrep: null` too
    assert parse_policy(MINIMAL + settings, "README.md").settings == Settings(**defaults(SETTINGS))


def test_rule_files_are_checked_by_the_review_loader_not_by_reading_the_policy(
        repo: GitRepo) -> None:
    repo.write("gitmon.yml", MINIMAL.replace("rules: [security]", "rules: [ci/rules]"))
    assert read_policy(repo.path).reviewers["security"].rules == ("ci/rules",)
    with pytest.raises(PolicyError, match="no rule file found at `ci/rules`"):
        load_policy(repo.path)


def test_policy_weakened_ranks_every_choice_the_schema_allows() -> None:
    from gitmon.engines.builtin import policydiff

    assert set(policydiff.FILTER_STRICTNESS) == set(SETTINGS["filter"].choices)
    assert set(policydiff.UNREVIEWABLE_STRICTNESS) == set(SETTINGS["on_unreviewable"].choices)
    assert set(policydiff.BLOCK_STRICTNESS) == set(BLOCK_LEVELS.values())
