"""CLI smoke tests: help, version, every module imports, the rule listing and fixtures."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

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


def test_rules_test_runs_the_fixtures(repo: GitRepo) -> None:
    result = repo.gitmon("rules", "test")
    assert result.code == 0, result.out + result.err
    assert "semgrep --test" in result.out
