"""gitmon as a hook repository of the pre-commit framework, run for real with `try-repo`.

The hook repository is a clone of this checkout's committed HEAD (CI runs in a fresh clone,
so that is the code under test). The framework pip-installs gitmon (semgrep included) into
its own environment once per HEAD (1 to 4 minutes here, depending on load); PRE_COMMIT_HOME
and the clone under `.cache/` keep it for later runs at the same HEAD.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TOKEN_LOG, GitRepo, make_repo

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture(scope="module")
def hook_repo() -> Path:
    # A fixed path: the framework keys its installed environments by (repo path, rev).
    clone = ROOT / ".cache" / "precommit-hookrepo"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    return clone


@pytest.fixture
def try_repo(hook_repo: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRE_COMMIT_HOME", str(ROOT / ".cache" / "pre-commit"))

    def run(repo: GitRepo, hook_id: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                               hook_id, *args], cwd=repo.path, capture_output=True, text=True,
                              check=False, timeout=900)
    return run


def test_token_logged_in_retry_code_is_refused(try_repo, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "src/retry/client.py")
    proc = try_repo(repo, "gitmon")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and "- hook id: gitmon" in proc.stdout
    assert "src/retry/client.py:6: error [security]" in proc.stdout
    # gitmon's record goes under .gitmon/, which ignores itself: the tree stays as it was
    assert (repo.path / ".gitmon" / "ledger.jsonl").is_file()
    assert repo.git("status", "--porcelain") == "A  src/retry/client.py\n"


def test_change_outside_watched_areas_passes(try_repo, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    repo.write("docs/notes.md", "# notes\n")
    repo.git("add", "docs/notes.md")
    proc = try_repo(repo, "gitmon")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    assert repo.git("status", "--porcelain") == "A  docs/notes.md\n"


def test_pre_push_hook_reviews_the_pushed_range(try_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "pushing")
    base = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("bad")
    repo.write("docs/notes.md", "# notes\n")
    head = repo.commit("docs")
    proc = try_repo(repo, "gitmon-pre-push", "--hook-stage", "pre-push",
                    "--from-ref", base, "--to-ref", head)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "src/retry/client.py:6: error [security]" in proc.stdout
    proc = try_repo(repo, "gitmon-pre-push", "--hook-stage", "pre-push",
                    "--from-ref", f"{head}~1", "--to-ref", head)
    assert proc.returncode == 0, proc.stdout + proc.stderr
