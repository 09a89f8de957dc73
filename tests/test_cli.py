"""CLI smoke tests: help, version, every module imports, the rule listing and fixtures."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo

import gitmon


def test_python_dash_m_help() -> None:
    out = subprocess.run([sys.executable, "-m", "gitmon", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for command in ("check", "route", "status", "init", "rules"):
        assert f"  {command}" in out


def test_version() -> None:
    out = subprocess.run([sys.executable, "-m", "gitmon", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert out == f"gitmon, version {gitmon.__version__}\n"


@pytest.mark.parametrize("name", sorted(m.name for m in pkgutil.walk_packages(
    gitmon.__path__, "gitmon.") if m.name != "gitmon.__main__"))
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)


def test_usage_error_is_exit_2(repo: GitRepo) -> None:
    result = repo.gitmon("check", "--commit", "HEAD", "--range", "a..b")
    assert result.code == 2
    assert "--commit and --range exclude each other" in result.err
    assert repo.gitmon("check", "--format", "yaml").code == 2


def test_route_prints_the_plan_and_runs_nothing(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", "x = 1\n")
    repo.write("README.md", "changed\n")
    out = repo.gitmon("route").out
    assert "retry -> reliability, security, production\n    src/retry/client.py\n" in out
    assert "unrouted: 1 file(s)\n    README.md\n" in out
    assert not (repo.path / ".gitmon").exists()


def test_rules_list_shows_rules_and_checks_per_reviewer(repo: GitRepo) -> None:
    out = repo.gitmon("rules", "list").out
    assert "security (Security Manager; blocks on error)" in out
    assert "  rule  security-secret-logged-python  [error; python]" in out
    assert "  check missing-test-change  - a watched area changed with no test change" in out


OWN_POLICY = """version: 1
areas:
  svc:
    paths: ["services/**"]
    reviewers: [sec]
reviewers:
  sec:
    rules: [rules/custom]
"""
OWN_RULE = """rules:
  - id: no-eval
    languages: [python]
    severity: ERROR
    message: eval runs whatever it is given
    pattern: eval(...)
"""


def test_rules_test_runs_the_policys_own_fixtures(repo: GitRepo) -> None:
    """Real semgrep on a team's own rule folder: a passing fixture, then a broken one."""
    repo.write("gitmon.yml", OWN_POLICY)
    repo.write("rules/custom/no-eval.yaml", OWN_RULE)
    repo.write("rules/custom/no-eval.py", "# ruleid: no-eval\neval(x)\n# ok: no-eval\nprint(x)\n")
    result = repo.gitmon("rules", "test", "--no-builtin")
    assert result.code == 0, result.out + result.err
    assert result.out.startswith(f"semgrep --test {repo.path / 'rules' / 'custom'}")
    repo.write("rules/custom/no-eval.py", "# ruleid: no-eval\nprint(x)\n")
    assert repo.gitmon("rules", "test", "--no-builtin").code == 1


def test_rules_test_runs_the_shipped_packs_first(repo: GitRepo, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Which folders are tested, through a stand-in semgrep (CI runs the shipped fixtures
    themselves with `semgrep --test rules/`)."""
    from gitmon.rulesets import builtin_rules_dir

    calls = tmp_path / "calls.log"
    script = tmp_path / "semgrep"
    script.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    script.chmod(0o755)
    monkeypatch.setenv("GITMON_SEMGREP", str(script))
    assert repo.gitmon("rules", "test").code == 0
    assert calls.read_text().split() == ["--test", "--metrics=off", "--disable-version-check",
                                         str(builtin_rules_dir())]
    assert repo.gitmon("rules", "test", "--no-builtin").out.startswith("no rule files")
