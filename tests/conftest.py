"""Test fixtures: real git repositories in temp dirs, gitmon run in-process or as a process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "gitmon tests", "GIT_AUTHOR_EMAIL": "tests@gitmon.invalid",
    "GIT_COMMITTER_NAME": "gitmon tests", "GIT_COMMITTER_EMAIL": "tests@gitmon.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
}


# The files that take longest (summed --durations), handed out first. xdist runs each file
# on one worker (`--dist loadfile`: a module-scoped fixture that builds a repository and runs
# a review is then built once, not once per worker) in this order (--no-loadscope-reorder),
# so a long file collected last cannot keep one worker busy alone at the end.
LONG_FIRST = ("test_badinput.py", "test_precommit_framework.py", "test_shard.py",
              "test_engine.py", "test_daemon.py", "test_prelaunch.py", "test_ci.py",
              "test_report.py", "test_writes.py", "test_engine_limits.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)
    items.sort(key=rank)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than cores. A test spends part of its time waiting on git,
    semgrep and pip processes; the extra worker fills those gaps (2 cores: 5m27 with 3
    workers, 5m52 with 2). PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    import os

    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").isdigit():
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    return (os.cpu_count() or 1) + 1


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                  ) -> None:
    """Pin the git identity and keep every test away from the real $HOME."""
    home = tmp_path_factory.mktemp("home")
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("NO_COLOR", "1")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GITMON_SEMGREP",
                "GITHUB_ACTIONS", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
        monkeypatch.delenv(key, raising=False)


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class GitRepo:
    """A real repository in a temp dir, with small helpers to change it."""

    path: Path

    def git(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True,
                              check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def gitmon(self, *args: str) -> Result:
        """Run the CLI as a user does: a separate process, cwd at the repo."""
        proc = subprocess.run([sys.executable, "-m", "gitmon", *args], cwd=self.path,
                              capture_output=True, text=True, check=False)
        return Result(proc.returncode, proc.stdout, proc.stderr)


def make_repo(path: Path, initial: bool = True) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "commit.gpgsign", "false")
    if initial:
        repo.write("README.md", "# demo\n")
        repo.commit("initial")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[GitRepo]:
    yield make_repo(tmp_path / "repo")


@pytest.fixture
def run_in(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run gitmon in-process (faster than a process) from inside a repo."""
    from gitmon.main import main

    def run(repo: GitRepo, *args: str) -> Result:
        monkeypatch.chdir(repo.path)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return run


TOKEN_LOG = ('import logging\nlog = logging.getLogger(__name__)\n\n\ndef call(api_token):\n'
             '    log.debug("retrying with token %s", api_token)\n')
