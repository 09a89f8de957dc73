"""gitmon as a hook repository of the pre-commit framework, run for real.

The hook repository is a clone of this checkout's committed HEAD (CI runs in a fresh clone,
so that is the code under test), named in a config as a user's `.pre-commit-config.yaml`
names it. The framework pip-installs gitmon (semgrep included) into its own environment from
`.pre-commit-hooks.yaml`: the longest step of the suite (a minute or more), so the tests
share one PRE_COMMIT_HOME in a session temp dir and run on one xdist worker (`xdist_group`,
`--dist loadgroup`): one install. (`try-repo` would install again at every call: it keeps
its environments in a throw-away store.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TOKEN_LOG, GitRepo, make_repo

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
              pytest.mark.xdist_group("precommit-framework")]


@pytest.fixture(scope="session")
def framework(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The framework's config (naming the hook repository at its HEAD) and its home."""
    base = tmp_path_factory.mktemp("precommit")
    clone = base / "hookrepo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True,
                         text=True, check=True).stdout.strip()
    config = base / "pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n"
                      "      - id: gitmon\n      - id: gitmon-pre-push\n", encoding="utf-8")
    return config, base / "home"


@pytest.fixture
def pre_commit(framework: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    config, home = framework
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))

    def run(repo: GitRepo, hook_id: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--config", str(config),
                               hook_id, *args], cwd=repo.path, capture_output=True, text=True,
                              check=False, timeout=900)
    return run


def one_install(framework: tuple[Path, Path]) -> bool:
    """The framework installed gitmon once, in the temp home: the tests share it."""
    return len(list(framework[1].glob("repo*/py_env-*"))) == 1


def test_token_logged_in_retry_code_is_refused(pre_commit, framework, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "src/retry/client.py")
    proc = pre_commit(repo, "gitmon")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and "- hook id: gitmon" in proc.stdout
    assert "src/retry/client.py:6: error [security]" in proc.stdout
    # gitmon's record goes under .gitmon/, which ignores itself: the tree stays as it was
    assert (repo.path / ".gitmon" / "ledger.jsonl").is_file()
    assert repo.git("status", "--porcelain") == "A  src/retry/client.py\n"
    assert one_install(framework)


def test_change_outside_watched_areas_passes(pre_commit, framework, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    repo.write("docs/notes.md", "# notes\n")
    repo.git("add", "docs/notes.md")
    proc = pre_commit(repo, "gitmon")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    assert repo.git("status", "--porcelain") == "A  docs/notes.md\n"
    assert one_install(framework)


def test_pre_push_hook_reviews_the_pushed_range(pre_commit, framework, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "pushing")
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
    assert one_install(framework)
