"""Verdicts on commits under refs/notes/gitmon, on real repositories, real hooks and clones."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from conftest import TOKEN_LOG, GitRepo, make_repo
from test_ci import run_ci

CLEAN_RETRY = "def call(attempts):\n    return min(attempts, 3)\n"


def note(repo: GitRepo, rev: str = "HEAD") -> list[dict[str, Any]]:
    text = repo.git("notes", "--ref=gitmon", "show", rev, check=False)
    return [json.loads(line) for line in text.splitlines()]


def commit(repo: GitRepo, message: str = "change") -> tuple[int, str]:
    proc = subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo.path,
                          capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_check_commit_notes_counted_findings_without_code(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    head = repo.commit("bad")
    assert repo.gitmon("check", "--commit", "HEAD").code == 1
    [line] = note(repo)
    assert (line["v"], line["commit"], line["source"], line["kind"]) == (1, head, "check", "commit")
    assert line["verdict"] == "block" and line["reviewers"]["security"]["status"] == "failed"
    assert line["areas"]["retry"] and line["tool"]
    [found] = [f for f in line["findings"] if f["rule"] == "security-secret-logged-python"]
    assert found["count"] == 1 and len(found["fingerprint"]) == 32
    raw = repo.git("notes", "--ref=gitmon", "show", "HEAD")
    assert "api_token" not in raw and "retrying" not in raw and "client.py" not in raw
    # git shows them itself, and a second review of the same commit is added beside the first
    assert '"source":"check"' in repo.git("log", "--notes=gitmon", "-1")
    repo.gitmon("check", "--range", "HEAD~1..HEAD")
    assert sorted(n["kind"] for n in note(repo)) == ["commit", "range"]


def test_a_failing_note_write_is_a_warning_never_the_review(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.commit("clean")
    # refs/notes/gitmon cannot be created: a folder holds a file where git needs the ref
    (repo.path / ".git/refs/notes/gitmon").mkdir(parents=True)
    (repo.path / ".git/refs/notes/gitmon/x").write_text("junk\n")
    result = repo.gitmon("check", "--commit", "HEAD")
    assert result.code == 0, result.err
    assert "gitmon: warning: could not write the note on the commit" in result.err


def test_hook_only_user_sees_the_hooks_verdict_on_head(repo: GitRepo) -> None:
    assert repo.gitmon("hook", "install").code == 0
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.git("add", "-A")
    code, out = commit(repo)
    assert code == 0, out
    head = repo.head()
    assert note(repo) == []                  # the pre-commit hook alone writes no note...
    text = repo.gitmon("status").out
    assert "HEAD: pass by pre-commit (the index it was made from)" in text, text
    assert "HEAD: not reviewed yet" not in text
    [line] = note(repo)                      # ...status tied it, and noted HEAD once
    assert (line["commit"], line["tied"], line["kind"]) == (head, True, "staged")
    repo.gitmon("status")
    assert len(note(repo)) == 1


def test_post_commit_hook_notes_the_commit_right_away(repo: GitRepo) -> None:
    assert repo.gitmon("hook", "install", "--type", "pre-commit", "--type", "post-commit").code == 0
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.git("add", "-A")
    assert commit(repo)[0] == 0
    [line] = note(repo)
    assert line["source"] == "pre-commit" and line["verdict"] == "pass" and line["tied"]
    # an unwatched file goes through the hook's fast path (no tree id): tied by its paths
    repo.write("docs/guide.md", "hello\n")
    repo.git("add", "-A")
    assert commit(repo, "docs")[0] == 0
    [line] = note(repo)
    assert line["verdict"] == "pass" and line["areas"] == {}


def test_a_review_of_another_index_is_not_tied(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "-A")
    assert repo.gitmon("check", "--staged").code == 1     # the hook blocked this index...
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.commit("fixed, committed without the hook")       # ...a different tree was committed
    assert "HEAD: not reviewed yet" in repo.gitmon("status").out
    assert note(repo) == []


def test_status_rev_shows_one_commits_board(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    bad = repo.commit("bad")
    repo.gitmon("check", "--commit", "HEAD")
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.commit("fix")
    board = json.loads(repo.gitmon("status", "HEAD~1", "--json").out)
    assert board["head"] == bad and board["head_record"]["verdict"] == "block"
    assert board["notes"]["check"]["verdict"] == "block"
    cells = {(r["area"], r["reviewer"]): r["notes"]["check"] for r in board["board"]}
    assert cells[("retry", "security")] == "failed"
    text = repo.gitmon("status", "HEAD~1").out
    assert text.startswith(f"HEAD~1 {bad[:12]}") and "note check: block" in text
    assert "working tree" not in text
    result = repo.gitmon("status", "nosuchrev")
    assert result.code == 2 and "nosuchrev" in result.err and "Traceback" not in result.err


def push_event(before: str, after: str) -> dict[str, Any]:
    return {"ref": "refs/heads/main", "before": before, "after": after,
            "repository": {"full_name": "acme/shop", "default_branch": "main"}}


def clone(origin: Path, path: Path) -> GitRepo:
    subprocess.run(["git", "clone", "-q", str(origin), str(path)], check=True)
    repo = GitRepo(path)
    repo.git("config", "commit.gpgsign", "false")
    return repo


def test_two_clones_and_ci_exchange_verdicts_through_notes(tmp_path: Path) -> None:
    seed = make_repo(tmp_path / "seed")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(seed.path), str(origin)], check=True)
    alice, bob = clone(origin, tmp_path / "alice"), clone(origin, tmp_path / "bob")
    before = alice.head()
    alice.write("src/retry/client.py", TOKEN_LOG)
    head = alice.commit("bad")
    alice.git("push", "-q", "origin", "main")
    assert alice.gitmon("check", "--commit", "HEAD").code == 1        # alice's local review
    # CI reviews the pushed commit in its own clone, at the same time, and pushes its note
    ci = clone(origin, tmp_path / "ci")
    run = run_ci(ci, "push", push_event(before, head))
    assert run.code == 1, run.err
    assert [n["source"] for n in note(ci)] == ["ci"]
    assert ci.gitmon("notes", "push").code == 0
    # alice pushes second: her push merges CI's note in first (cat_sort_uniq), losing nothing
    assert alice.gitmon("notes", "push").code == 0, "alice"
    assert sorted(n["source"] for n in note(alice)) == ["check", "ci"]
    # bob fetches and sees CI's verdict beside alice's, on the commit he pulled
    bob.git("pull", "-q", "origin", "main")
    text = bob.gitmon("status", "--fetch").out
    assert "note ci: block" in text and "note check: block" in text, text
    assert "note:ci" in text
    board = json.loads(bob.gitmon("status", "--json").out)
    assert board["notes"]["ci"]["verdict"] == "block"
    row = next(r for r in board["board"] if (r["area"], r["reviewer"]) == ("retry", "security"))
    assert row["notes"] == {"check": "failed", "ci": "failed"}
    # a second fetch is a no-op: the merged note holds each line once
    bob.gitmon("status", "--fetch")
    assert len(note(bob)) == 2


def test_concurrent_writers_on_one_commit_merge_with_cat_sort_uniq(tmp_path: Path) -> None:
    seed = make_repo(tmp_path / "seed")
    seed.write("src/retry/client.py", CLEAN_RETRY)
    seed.commit("clean")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(seed.path), str(origin)], check=True)
    one, two = clone(origin, tmp_path / "one"), clone(origin, tmp_path / "two")
    one.gitmon("check", "--commit", "HEAD")
    two.gitmon("check", "--range", "HEAD~1..HEAD")
    assert one.gitmon("notes", "push").code == 0
    assert two.gitmon("notes", "push").code == 0      # non-fast-forward: fetched, merged, pushed
    one.gitmon("notes", "fetch")
    assert sorted(n["kind"] for n in note(one)) == ["commit", "range"]
    assert note(one) == note(two)


def test_fetch_errors_are_clear(repo: GitRepo) -> None:
    result = repo.gitmon("status", "--fetch", "--remote", "nowhere")
    assert result.code == 2 and "no remote named 'nowhere'" in result.err and "hint:" in result.err
    result = repo.gitmon("notes", "push", "--remote", "nowhere")
    assert result.code == 2 and "Traceback" not in result.err


def test_notes_without_env_leak(repo: GitRepo) -> None:
    """A note is written with the user's git identity, never a tool-made one."""
    repo.write("src/retry/client.py", CLEAN_RETRY)
    repo.commit("clean")
    repo.gitmon("check", "--commit", "HEAD")
    author = repo.git("log", "-1", "--format=%an", "refs/notes/gitmon").strip()
    assert author == os.environ["GIT_AUTHOR_NAME"]


def test_audit_notes_each_routed_commit(repo: GitRepo) -> None:
    repo.write("docs/a.md", "a\n")
    unrouted = repo.commit("docs")
    repo.write("src/retry/client.py", TOKEN_LOG)
    bad = repo.commit("bad")
    repo.gitmon("audit", "HEAD~2..HEAD")
    assert note(repo, unrouted) == []               # nothing routed: no note, no git process
    [line] = note(repo, bad)
    assert (line["source"], line["verdict"]) == ("audit", "block")


def test_the_action_pushes_notes_only_when_asked() -> None:
    import yaml

    action = yaml.safe_load((Path(__file__).resolve().parent.parent / "action.yml").read_text())
    push = action["inputs"]["push-notes"]
    assert push["default"] == "false" and "contents: write" in push["description"]
    [step] = [s for s in action["runs"]["steps"] if "notes push" in s.get("run", "")]
    assert "inputs.push-notes == 'true'" in step["if"]


def test_a_refused_notes_push_says_what_access_it_needs(tmp_path: Path) -> None:
    seed = make_repo(tmp_path / "seed")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(seed.path), str(origin)], check=True)
    work = clone(origin, tmp_path / "work")
    work.gitmon("check", "--commit", "HEAD")
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'read-only' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = work.gitmon("notes", "push")
    assert result.code == 3, result.err
    assert "could not push refs/notes/gitmon to origin" in result.err
    assert "contents: write" in result.err and "Traceback" not in result.err
