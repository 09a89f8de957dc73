"""Every file gitmon writes: never through a link a change committed, IO failures as exit 3
with the path and the OS reason, the record and its ledger line together or neither."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TOKEN_LOG, GitRepo, make_repo
from test_ci import feature, pull_request, run_ci

PRECIOUS = "precious\n"


@pytest.fixture(autouse=True)
def _off_a_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("RUNNER_TEMP", "GITHUB_EVENT_NAME", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(key, raising=False)


def victims(tmp_path: Path) -> tuple[Path, Path]:
    """A file and a folder outside the repository that no run may touch."""
    folder = tmp_path / "victim-dir"
    folder.mkdir(exist_ok=True)
    file = tmp_path / "victim.txt"
    file.write_text(PRECIOUS)
    return file, folder


def untouched(file: Path, folder: Path) -> bool:
    return file.read_text() == PRECIOUS and list(folder.iterdir()) == []


def pr_with_links(repo: GitRepo, links: dict[str, str]) -> tuple[str, str]:
    """A pull request that adds a leaked token and commits these symbolic links."""
    base = repo.head()
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/retry/client.py", TOKEN_LOG)
    for name, target in links.items():
        (repo.path / name).parent.mkdir(parents=True, exist_ok=True)
        (repo.path / name).symlink_to(target)
    repo.git("add", "-f", "-A")
    repo.git("commit", "-q", "-m", "links")
    return base, repo.head()


def test_on_a_runner_committed_links_are_never_used(repo: GitRepo, tmp_path: Path) -> None:
    file, folder = victims(tmp_path)
    base, head = pr_with_links(repo, {
        ".gitmon/ledger.jsonl": "/dev/full", ".gitmon/.gitignore": str(file),
        ".gitmon/records": str(folder), ".gitmon/cache": str(folder), ".gitmon/tmp": str(folder),
        "gitmon.sarif": str(file)})
    run = run_ci(repo, "pull_request", pull_request(base, head))
    assert run.code == 1, run.err                     # the token blocks; nothing else happened
    assert untouched(file, folder)
    assert Path(run.outputs["sarif"]).parent == repo.path.parent / "runner"
    assert repo.git("status", "--porcelain") == ""


LINK_CASES = {
    "gitmon-dir": ({".gitmon": "{folder}"}, [], ".gitmon"),
    "ledger": ({".gitmon/ledger.jsonl": "{file}"}, [], ".gitmon/ledger.jsonl"),
    "ledger-dev-full": ({".gitmon/ledger.jsonl": "/dev/full"}, [], ".gitmon/ledger.jsonl"),
    "gitignore": ({".gitmon/.gitignore": "{file}"}, [], ".gitmon/.gitignore"),
    "records": ({".gitmon/records": "{folder}"}, [], ".gitmon/records"),
    "tmp": ({".gitmon/tmp": "{folder}"}, [], ".gitmon/tmp"),
    "sarif": ({"gitmon.sarif": "{file}"}, ["--sarif-output", "gitmon.sarif"], "gitmon.sarif"),
    "sarif-old-name": ({"out.sarif": "{file}"}, ["--sarif-file", "out.sarif"], "out.sarif"),
    "markdown": ({"summary.md": "{file}"}, ["--markdown-output", "summary.md"], "summary.md"),
    "json-in-linked-dir": ({"out": "{folder}"}, ["--json-output", "out/r.json"], "out"),
}


@pytest.mark.parametrize("case", LINK_CASES)
def test_ci_in_the_checkout_refuses_each_committed_link(tmp_path: Path, case: str) -> None:
    links, args, shown = LINK_CASES[case]
    repo = make_repo(tmp_path / "repo")
    file, folder = victims(tmp_path)
    pr_with_links(repo, {k: v.format(file=file, folder=folder) for k, v in links.items()})
    result = repo.gitmon("ci", "--base", "main", "--head", "feature", *args)
    assert result.code == 3, result.out + result.err
    assert f"{repo.path / shown} is a symbolic link: gitmon never writes through a link" in \
        result.err
    assert "hint: remove the link" in result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert untouched(file, folder)


def test_a_committed_cache_link_is_not_written_through(repo: GitRepo, tmp_path: Path) -> None:
    file, folder = victims(tmp_path)
    pr_with_links(repo, {".gitmon/cache": str(folder)})
    result = repo.gitmon("check", "--commit", "HEAD")
    assert result.code == 1, result.err
    assert untouched(file, folder)


def test_records_folder_that_is_a_file(repo: GitRepo) -> None:
    repo.write(".gitmon/records", "not a folder\n")
    result = repo.gitmon("check", "--commit", "HEAD")
    assert result.code == 3
    assert result.err.startswith(f"gitmon: error: cannot write {repo.path}/.gitmon/records: "
                                 "Not a directory\n  hint: a file is in the way")


def test_ledger_that_is_a_folder_leaves_no_record_without_its_line(repo: GitRepo) -> None:
    (repo.path / ".gitmon/ledger.jsonl").mkdir(parents=True)
    result = repo.gitmon("check", "--commit", "HEAD")
    assert result.code == 3
    assert result.err.startswith(f"gitmon: error: cannot write {repo.path}/.gitmon/"
                                 "ledger.jsonl: Is a directory\n  hint: a folder is in the way")
    assert list((repo.path / ".gitmon/records").iterdir()) == []   # written, then removed


def test_file_too_large_is_exit_3_with_the_path(repo: GitRepo) -> None:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))

    proc = subprocess.run([sys.executable, "-m", "gitmon", "check", "--commit", "HEAD"],
                          cwd=repo.path, capture_output=True, text=True, preexec_fn=limit,
                          check=False)
    assert proc.returncode == 3, proc.stderr
    assert "/.gitmon/records/" in proc.stderr and ": File too large\n" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list((repo.path / ".gitmon/records").iterdir()) == []
    assert list((repo.path / ".gitmon/tmp").iterdir()) == []


@pytest.fixture
def full_disk(repo: GitRepo) -> object:
    """`.gitmon` on a 64 KiB tmpfs, filled up (root only; skipped where mount is refused)."""
    mount = repo.path / ".gitmon"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        (mount / ".gitignore").write_text("*\n")
        with open(mount / "filler", "wb") as fh, contextlib.suppress(OSError):
            fh.write(b"x" * (1 << 20))
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_disk_full_is_exit_3_with_the_path(repo: GitRepo, full_disk: Path) -> None:
    result = repo.gitmon("check", "--commit", "HEAD")
    assert result.code == 3, result.err
    assert f"{full_disk}/" in result.err and "No space left on device" in result.err
    assert "hint: free some space" in result.err
    assert not any((full_disk / "records").glob("*.json"))
    assert not (full_disk / "ledger.jsonl").exists() or \
        (full_disk / "ledger.jsonl").read_text() == ""


@pytest.mark.parametrize(("value", "message"), [
    ("out-folder", "--json-output out-folder is a folder\n  hint: name a file, e.g. "
                   "--json-output out-folder/gitmon.json"),
    ("README.md/r.json", "--json-output README.md/r.json: {root}/README.md is not a folder"),
])
def test_an_unusable_output_path_is_a_usage_error(repo: GitRepo, value: str,
                                                  message: str) -> None:
    (repo.path / "out-folder").mkdir()
    result = repo.gitmon("check", "--json-output", value)
    assert result.code == 2
    assert result.err.startswith("gitmon: error: " + message.format(root=repo.path))


def test_a_killed_writers_temp_files_are_removed_by_the_next_run(repo: GitRepo) -> None:
    tmp = repo.path / ".gitmon" / "tmp"
    tmp.mkdir(parents=True)
    # A writer that made its temp file and was SIGKILLed before the rename.
    writer = subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time; from gitmon import tempfiles\n"
        f"open(os.path.join({str(tmp)!r}, tempfiles.temp_name('.json')), 'w').write('{{')\n"
        "print('ready', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(
            sys.path)))
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    from gitmon import tempfiles

    alive = tmp / tempfiles.temp_name(".json")           # this test's own pid: a live writer
    alive.write_text("{")
    stray = [p.name for p in tmp.iterdir()]
    assert len(stray) == 2 and all(f"-{tempfiles.host()}-" in n for n in stray)
    assert repo.gitmon("check", "--commit", "HEAD").code == 0
    assert [p.name for p in tmp.iterdir()] == [alive.name]


def test_no_record_run_that_fills_the_cache_keeps_git_status_clean(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("retry")
    result = repo.gitmon("check", "--commit", "HEAD", "--no-record")
    assert result.code == 1
    assert list((repo.path / ".gitmon/cache").glob("*/*.json"))
    assert not (repo.path / ".gitmon/records").exists()
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""
    repo.git("add", "-A")
    assert repo.git("diff", "--cached", "--name-only") == ""


def test_check_ci_and_audit_share_the_output_options(repo: GitRepo, tmp_path: Path) -> None:
    base, head = feature(repo, {"src/retry/client.py": TOKEN_LOG})
    out = tmp_path / "out"
    for cmd, args in (("check", ["--range", f"{base}..{head}"]),
                      ("ci", ["--base", base, "--head", head]),
                      ("audit", [f"{base}..{head}"])):
        files = {fmt: str(out / cmd / f"r.{fmt}") for fmt in ("json", "sarif", "markdown")}
        result = repo.gitmon(cmd, *args, "--json-output", files["json"], "--sarif-output",
                             files["sarif"], "--markdown-output", files["markdown"])
        assert result.code == (0 if cmd == "audit" else 1), result.err
        sarif = json.loads(Path(files["sarif"]).read_text())
        assert sarif["runs"][0]["results"][0]["ruleId"] == "security-secret-logged-python"
        assert "security-secret-logged-python" in Path(files["markdown"]).read_text()
        data = json.loads(Path(files["json"]).read_text())
        assert data["verdicts"]["block"] == 1 if cmd == "audit" else data["verdict"] == "block"


def test_ci_keeps_sarif_file_as_an_alias_and_writes_in_the_checkout_off_a_runner(
        repo: GitRepo) -> None:
    feature(repo, {"src/retry/client.py": TOKEN_LOG})
    result = repo.gitmon("ci", "--base", "main", "--head", "feature", "--sarif-file", "a.sarif")
    assert result.code == 1, result.err
    assert json.loads((repo.path / "a.sarif").read_text())["runs"][0]["results"]
    default = repo.gitmon("ci", "--base", "main", "--head", "feature")
    assert default.code == 1 and (repo.path / "gitmon.sarif").is_file()


def test_ci_without_an_event_names_the_variables(repo: GitRepo) -> None:
    result = repo.gitmon("ci")
    assert result.code == 2
    assert result.err == (
        "gitmon: error: no --base/--head given and no GitHub event to read them from "
        "(GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set)\n"
        "  hint: outside GitHub Actions pass both revisions, e.g. `gitmon ci --base "
        "origin/main --head HEAD`; on GitHub Actions the runner sets GITHUB_EVENT_NAME and "
        "GITHUB_EVENT_PATH for you\n")


def test_a_link_between_the_root_and_a_nested_records_folder_is_refused(
        repo: GitRepo, tmp_path: Path) -> None:
    file, folder = victims(tmp_path)
    assert repo.gitmon("init").code == 0
    policy = repo.path / "gitmon.yml"
    policy.write_text(policy.read_text().replace("  records: .gitmon ", "  records: state/.gitmon "))
    (repo.path / "state").symlink_to(folder)
    result = repo.gitmon("check")
    assert result.code == 3, result.err
    assert f"{repo.path}/state is a symbolic link" in result.err
    assert untouched(file, folder)


def test_daemon_lock_and_state_files_are_not_written_through_links(
        repo: GitRepo, tmp_path: Path) -> None:
    from gitmon.daemon.heartbeat import Heartbeat
    from gitmon.daemon.lock import DaemonLock, holder
    from gitmon.errors import FatalError

    file, folder = victims(tmp_path)
    base = repo.path / ".gitmon"
    base.mkdir()
    (base / "daemon.lock").symlink_to(file)
    (base / "daemon.json").symlink_to(file)
    with pytest.raises(FatalError, match=r"daemon.lock is a symbolic link"):
        DaemonLock(base / "daemon.lock").acquire()
    assert holder(base / "daemon.lock") is None
    Heartbeat(base / "daemon.json", repo.path, dict).beat()     # a failed beat is only skipped
    assert untouched(file, folder)
    (base / "daemon.json").unlink()
    Heartbeat(base / "daemon.json", repo.path, dict).beat()
    assert json.loads((base / "daemon.json").read_text())["pid"] == os.getpid()
