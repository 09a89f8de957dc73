"""gitmon as a hook repository of the pre-commit framework, run for real.

The hook repository is a clone of this checkout's committed HEAD (CI runs in a fresh clone,
so that is the code under test), named in a config as a user's `.pre-commit-config.yaml`
names it. The framework pip-installs gitmon (semgrep included) into its own environment from
`.pre-commit-hooks.yaml`, in a PRE_COMMIT_HOME under the test's temp dir: the longest step of
the suite (a minute or more), and the only one that needs the package index, so it runs
only when asked for (`pytest -m network`). One test runs every case against that one install: under
pytest-xdist separate tests could land on two workers and install twice (`xdist_group` with
`--dist loadgroup` does not group on pytest 9.2: pytest-xdist issue 1386), and `try-repo`
would install again at every call (it keeps its environments in a throw-away store).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TOKEN_LOG, GitRepo, make_repo

ROOT = Path(__file__).resolve().parent.parent

# pip reaches the package index for gitmon's dependencies: opt-in (`pytest -m network`)
pytestmark = [pytest.mark.network,
              pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]

Run = Callable[..., subprocess.CompletedProcess[str]]


def framework(base: Path) -> Run:
    """`pre-commit run` with a config naming the hook repository at its HEAD, and a home of
    its own (the framework keys its environments by repo and rev: one install)."""
    clone = base / "hookrepo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True,
                         text=True, check=True).stdout.strip()
    config = base / "pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n"
                      "      - id: gitmon\n      - id: gitmon-pre-push\n", encoding="utf-8")

    def run(repo: GitRepo, hook_id: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--config", str(config),
                               hook_id, *args], cwd=repo.path, capture_output=True, text=True,
                              check=False, timeout=900)
    return run


def test_both_hooks_through_the_framework(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          ) -> None:
    home = tmp_path / "pre-commit-home"
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    pre_commit = framework(tmp_path)
    token_logged_in_retry_code_is_refused(pre_commit, make_repo(tmp_path / "token"))
    change_outside_watched_areas_passes(pre_commit, make_repo(tmp_path / "docs"))
    pre_push_hook_reviews_the_pushed_range(pre_commit, make_repo(tmp_path / "pushing"))
    assert len(list(home.glob("repo*/py_env-*"))) == 1     # installed once, in the temp home


def token_logged_in_retry_code_is_refused(pre_commit: Run, repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "src/retry/client.py")
    proc = pre_commit(repo, "gitmon")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and "- hook id: gitmon" in proc.stdout
    assert "src/retry/client.py:6: error [security]" in proc.stdout
    # gitmon's record goes under .gitmon/, which ignores itself: the tree stays as it was
    assert (repo.path / ".gitmon" / "ledger.jsonl").is_file()
    assert repo.git("status", "--porcelain") == "A  src/retry/client.py\n"


def change_outside_watched_areas_passes(pre_commit: Run, repo: GitRepo) -> None:
    repo.write("docs/notes.md", "# notes\n")
    repo.git("add", "docs/notes.md")
    proc = pre_commit(repo, "gitmon")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    assert repo.git("status", "--porcelain") == "A  docs/notes.md\n"


def pre_push_hook_reviews_the_pushed_range(pre_commit: Run, repo: GitRepo) -> None:
    base = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("bad")
    repo.write("docs/notes.md", "# notes\n")
    head = repo.commit("docs")
    proc = pre_commit(repo, "gitmon-pre-push", "--hook-stage", "pre-push",
                      "--from-ref", base, "--to-ref", head)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "src/retry/client.py:6: error [security]" in proc.stdout
    proc = pre_commit(repo, "gitmon-pre-push", "--hook-stage", "pre-push",
                      "--from-ref", f"{head}~1", "--to-ref", head)
    assert proc.returncode == 0, proc.stdout + proc.stderr
