"""`gitmon audit` at the engine's pace: it reads only the routed files' blobs (an
unreadable vendored blob cannot stop it) and says how fast it went."""

from __future__ import annotations

import json
import re
import subprocess

from conftest import TOKEN_LOG, GitRepo
from test_audit import POLICY, RULE, gitmon


def drop_object(repo: GitRepo, rev_path: str) -> str:
    """Delete a blob's loose object, as a partial clone or a broken mirror lacks it."""
    sha = repo.git("rev-parse", rev_path).strip()
    (repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return sha


def test_a_missing_blob_of_an_unrouted_file_does_not_stop_the_audit(repo: GitRepo) -> None:
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/secret.yaml", RULE)
    repo.commit("policy")
    repo.write("vendor/big.js", "var x = 1;\n" * 50)
    repo.write("src/retry/client.py", TOKEN_LOG)
    bad = repo.commit("vendor and a token log")
    repo.write("vendor/big.js", "var x = 2;\n" * 50)
    repo.write("docs/a.md", "a\n")
    repo.commit("vendor again")
    gone = [drop_object(repo, "HEAD~1:vendor/big.js"), drop_object(repo, "HEAD:vendor/big.js")]
    check = subprocess.run(["git", "cat-file", "-e", gone[0]], cwd=repo.path, check=False)
    assert check.returncode != 0                       # really missing
    result = gitmon(repo, "semgrep", "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["commits"] == 4 and summary["degraded"] is None
    assert [b["commit"] for b in summary["blocked"]] == [bad]
    assert summary["verdicts"] == {"pass": 3, "block": 1, "pending": 0}


def test_a_pipe_gets_one_final_line_with_the_pace(repo: GitRepo) -> None:
    for i in range(3):
        repo.write(f"docs/{i}.md", "x\n")
        repo.commit(f"docs {i}")
    result = gitmon(repo, "semgrep", "--no-record")
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(r"gitmon: audited 4 commits in \d+\.\d s \(\d+ commits/s\)", lines[0])
