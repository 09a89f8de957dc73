"""Run gitmon (this checkout, the default policy) the way a user would, on corpus code.

Two ways in: every file of a tree committed at once, as if newly added (`check
--commit HEAD --filter file`), and `audit` over a pinned slice of a history.
Each finding becomes a flat dict with a stable `key` (project, path, rule and
the matched code, no line number) that triage labels refer to.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpus import CorpusError, git

# GITMON_CORPUS_CODE: measure another checkout (e.g. a trial merge) with this corpus
ROOT = Path(os.environ.get("GITMON_CORPUS_CODE") or Path(__file__).resolve().parents[2])
POLICY = ROOT / "gitmon" / "default_policy.yml"
IDENTITY = {"GIT_AUTHOR_NAME": "corpus", "GIT_AUTHOR_EMAIL": "corpus@gitmon.invalid",
            "GIT_COMMITTER_NAME": "corpus", "GIT_COMMITTER_EMAIL": "corpus@gitmon.invalid"}
AUDIT_MAX = 200           # commits per history, whatever the slice says (2 shared cores)


def _env() -> dict[str, str]:
    env = dict(os.environ, **IDENTITY)
    env["PYTHONPATH"] = str(ROOT)           # review with THIS checkout's gitmon and rules/
    return env


def gitmon(*args: str, cwd: Path, policy: Path = POLICY) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "gitmon", *args, "--policy", str(policy), "--format", "json"]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=3600)
    if proc.returncode not in (0, 1, 3) or not proc.stdout.strip():
        raise CorpusError(f"gitmon {' '.join(args)} in {cwd}: exit {proc.returncode}: "
                          f"{proc.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix=f"gitmon-corpus-{prefix}-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def commit_files(repo: Path, files: dict[str, bytes] | Path) -> None:
    """A repo whose HEAD adds `files` (a tree, or path -> content) onto an empty root."""
    env = _env()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    git("commit", "-q", "--allow-empty", "-m", "root", cwd=repo)
    if isinstance(files, Path):
        shutil.copytree(files, repo, symlinks=True, dirs_exist_ok=True)
    else:
        for rel, data in files.items():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_bytes(data)
    git("add", "-A", "-f", cwd=repo)
    git("commit", "-q", "--no-verify", "-m", "corpus", cwd=repo)


def finding_key(project: str, f: dict[str, Any]) -> str:
    code = "\n".join(line.strip() for line in (f.get("snippet") or "").splitlines())
    raw = "\0".join((project, f["path"], f["rule"], code or str(f.get("line"))))
    return hashlib.sha1(raw.encode()).hexdigest()[:12]


# Checks about the change itself mean nothing when a whole tree is added at once.
CHANGE_CHECKS = frozenset({"missing-test-change"})


def flatten(project: str, origin: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for f in record.get("findings", []):
        if f.get("suppressed") or f.get("baselined"):
            continue
        if origin != "audit" and f["rule"] in CHANGE_CHECKS:
            continue
        out.append({"key": finding_key(project, f), "project": project, "origin": origin,
                    "commit": record.get("change", {}).get("head", ""), "path": f["path"],
                    "line": f.get("line"), "rule": f["rule"], "reviewer": f["reviewer"],
                    "severity": f["severity"], "snippet": f.get("snippet", "")})
    return out


def pending(project: str, record: dict[str, Any]) -> list[str]:
    return [f"{project}: {name} pending: {r.get('reason')}"
            for name, r in record.get("reviewers", {}).items() if r.get("status") == "pending"]


def every_file_policy(into: Path) -> Path:
    """The default policy with one more area that sends EVERY file to every reviewer:
    each rule's precision on all real code, not only on what routing picks."""
    text = POLICY.read_text().replace("areas:\n", "areas:\n  every-file:\n    paths: [\"**\"]\n"
                                      "    reviewers: [security, reliability, production, "
                                      "deployment]\n", 1)
    path = into / "every-file-policy.yml"
    path.write_text(text)
    return path


def check_tree(project: str, tree: Path, every_file: bool = False
               ) -> tuple[list[dict[str, Any]], list[str]]:
    """Every file of tree added at once, every finding anywhere in it."""
    with scratch("files") as tmp:
        repo = tmp / "repo"
        commit_files(repo, tree)
        policy = every_file_policy(tmp) if every_file else POLICY
        record = gitmon("check", "--commit", "HEAD", "--filter", "file", "--no-record",
                        cwd=repo, policy=policy)
    origin = "every-file" if every_file else "files"
    return flatten(project, origin, record), pending(project, record)


def audit_slice(project: str, mirror: Path, spec: str) -> tuple[list[dict[str, Any]], list[str]]:
    """`gitmon audit` of a history slice in a throwaway clone; findings from its records."""
    with scratch("audit") as tmp:
        repo = tmp / "repo"
        git("clone", "-q", "--shared", "--no-checkout", str(mirror), str(repo))
        head = spec.split("..")[-1]
        git("checkout", "-q", "--detach", head, cwd=repo)
        gitmon("audit", spec, "-n", str(AUDIT_MAX), cwd=repo)
        findings, notes = [], []
        for path in sorted((repo / ".gitmon" / "records").glob("*.json")):
            record = json.loads(path.read_text())
            findings += flatten(project, "audit", record)
            notes += pending(project, record)
    return findings, notes
