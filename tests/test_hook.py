"""`gitmon hook install|uninstall`, driven through git's own hook runner (git commit / git push)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import TOKEN_LOG, GitRepo, make_repo

CLEAN_RETRY = "def call(attempts):\n    return min(attempts, 3)\n"


def commit(repo: GitRepo, message: str = "change", env: dict[str, str] | None = None,
           ) -> tuple[int, str]:
    proc = subprocess.run(["git", "commit", "-m", message], cwd=repo.path, capture_output=True,
                          text=True, check=False, env=env)
    return proc.returncode, proc.stdout + proc.stderr


def hooks_dir(repo: GitRepo) -> Path:
    return repo.path / ".git" / "hooks"


def install(repo: GitRepo, *args: str) -> str:
    result = repo.gitmon("hook", "install", *args)
    assert result.code == 0, result.err
    return result.out


def test_bad_commit_refused_with_path_line_then_clean_commit_accepted(repo: GitRepo) -> None:
    install(repo)
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "src/retry/client.py")
    code, out = commit(repo)
    assert code == 1, out
    assert "src/retry/client.py:6: error [security]" in out
    assert "gitmon: BLOCK" in out and "--no-verify" in out
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"   # nothing was committed
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.git("add", "src/retry/client.py")
    code, out = commit(repo)
    assert code == 0, out
    assert "gitmon: PASS" in out


def test_commit_outside_watched_areas_passes_on_the_fast_path(repo: GitRepo) -> None:
    install(repo)
    repo.write("src/misc/client.py", TOKEN_LOG)
    repo.git("add", "src/misc/client.py")
    code, out = commit(repo)
    assert code == 0, out
    assert "gitmon: PASS - no staged file in a watched area (1 unrouted)" in out
    [line] = (repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()
    assert json.loads(line)["source"] == "pre-commit"
    assert "nothing to commit" in repo.git("status")   # .gitmon/ ignores itself


def test_partly_staged_file_is_reviewed_as_staged(repo: GitRepo) -> None:
    install(repo)
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "src/retry/client.py")
    repo.write("src/retry/client.py", CLEAN_RETRY)     # the fix is only in the work tree
    code, out = commit(repo)
    assert code == 1 and "src/retry/client.py:6" in out, out
    repo.git("add", "src/retry/client.py")
    repo.write("src/retry/client.py", TOKEN_LOG)       # the bad line is only in the work tree
    code, out = commit(repo)
    assert code == 0, out


def test_core_hooks_path_is_honoured(repo: GitRepo) -> None:
    repo.git("config", "core.hooksPath", "githooks")
    assert "installed at githooks/pre-commit" in install(repo)
    assert not (hooks_dir(repo) / "pre-commit").exists()
    repo.write("notes.txt", "hello\n")
    repo.git("add", "notes.txt")
    code, out = commit(repo)
    assert code == 0 and "gitmon: PASS" in out, out


def test_foreign_hook_is_kept_as_legacy_still_run_and_restored(repo: GitRepo) -> None:
    foreign = hooks_dir(repo) / "pre-commit"
    foreign.write_text("#!/bin/sh\necho foreign hook ran\nexit 3\n")
    foreign.chmod(0o755)
    assert "kept as pre-commit.legacy" in install(repo)
    repo.write("notes.txt", "hello\n")
    repo.git("add", "notes.txt")
    code, out = commit(repo)
    assert code == 1 and "foreign hook ran" in out and "gitmon:" not in out, out
    foreign_text = (hooks_dir(repo) / "pre-commit.legacy").read_text()
    (hooks_dir(repo) / "pre-commit.legacy").write_text(foreign_text.replace("exit 3", "exit 0"))
    code, out = commit(repo)
    assert code == 0 and "foreign hook ran" in out and "gitmon: PASS" in out, out
    result = repo.gitmon("hook", "uninstall")
    assert result.code == 0 and "previous hook is restored" in result.out
    assert "foreign hook ran" in foreign.read_text()
    assert not (hooks_dir(repo) / "pre-commit.legacy").exists()


def test_force_replaces_a_foreign_hook_without_keeping_it(repo: GitRepo) -> None:
    foreign = hooks_dir(repo) / "pre-commit"
    foreign.write_text("#!/bin/sh\nexit 1\n")
    (hooks_dir(repo) / "pre-commit.legacy").write_text("#!/bin/sh\nexit 0\n")
    refused = repo.gitmon("hook", "install")
    assert refused.code == 2 and "--force" in refused.err
    assert foreign.read_text() == "#!/bin/sh\nexit 1\n"   # never clobbered silently
    assert "replaced, not kept" in install(repo, "--force")
    assert "gitmon-hook-id" in foreign.read_text()


def test_reinstall_is_idempotent_and_uninstall_removes_only_ours(repo: GitRepo) -> None:
    install(repo)
    first = (hooks_dir(repo) / "pre-commit").read_text()
    assert "up to date" in install(repo)
    assert (hooks_dir(repo) / "pre-commit").read_text() == first
    assert not (hooks_dir(repo) / "pre-commit.legacy").exists()
    assert "removed" in repo.gitmon("hook", "uninstall").out
    assert not (hooks_dir(repo) / "pre-commit").exists()
    assert "nothing to do" in repo.gitmon("hook", "uninstall").out


def test_missing_gitmon_fails_the_commit_with_the_fix(repo: GitRepo) -> None:
    install(repo)
    hook = hooks_dir(repo) / "pre-commit"
    hook.write_text(hook.read_text().replace("GITMON_PYTHON='", "GITMON_PYTHON='/gone"))
    repo.write("notes.txt", "hello\n")
    repo.git("add", "notes.txt")
    git_bin = os.path.dirname(subprocess.check_output(["sh", "-c", "command -v git"], text=True))
    code, out = commit(repo, env=dict(os.environ, PATH=f"{git_bin}:/bin"))
    assert code == 1, out
    assert "cannot find gitmon" in out and "gitmon hook install" in out


def test_linked_worktree_installs_into_the_shared_hooks(repo: GitRepo, tmp_path: Path) -> None:
    repo.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    linked = GitRepo(tmp_path / "wt")
    install(linked)
    assert (hooks_dir(repo) / "pre-commit").is_file()
    linked.write("notes.txt", "hello\n")
    linked.git("add", "notes.txt")
    code, out = commit(linked)
    assert code == 0 and "gitmon: PASS" in out, out


def push(repo: GitRepo, *args: str) -> tuple[int, str]:
    proc = subprocess.run(["git", "push", "origin", *args], cwd=repo.path, capture_output=True,
                          text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_pre_push_reviews_the_pushed_range(repo: GitRepo, tmp_path: Path) -> None:
    """A new branch (from the commits no remote has), a deletion, an update."""
    make_repo(tmp_path / "remote.git", initial=False).git("config", "core.bare", "true")
    repo.git("remote", "add", "origin", str(tmp_path / "remote.git"))
    assert push(repo, "main")[0] == 0
    install(repo, "--type", "pre-push")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("bad")
    repo.write("docs/notes.md", "later\n")
    repo.commit("unrelated")
    code, out = push(repo, "feature")      # a new branch: reviewed from its merge-base
    assert code != 0 and "src/retry/client.py:6: error [security]" in out, out
    assert "gitmon: BLOCK" in out
    assert "feature" not in repo.git("ls-remote", "origin")
    last = json.loads((repo.path / ".gitmon" / "ledger.jsonl").read_text().splitlines()[-1])
    assert (last["source"], last["base"]) == ("pre-push", repo.git("rev-parse", "main").strip())
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.commit("fix")
    code, out = push(repo, "feature")      # the three new commits net out clean
    assert code == 0 and "gitmon: PASS" in out, out
    code, out = push(repo, ":feature")     # a deletion publishes nothing
    assert code == 0 and "nothing new" in out, out
    assert "feature" not in repo.git("ls-remote", "origin")
    repo.git("checkout", "-q", "main")
    repo.write("src/retry/other.py", TOKEN_LOG)
    repo.commit("bad on main")
    code, out = push(repo, "main")         # an update: reviewed from the remote's old tip
    assert code != 0 and "src/retry/other.py:6: error [security]" in out, out
