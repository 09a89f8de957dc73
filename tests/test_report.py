"""`gitmon report` in every format, and its HTML page rendered by a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo
from test_ci import run_ci
from test_notes import CLEAN_RETRY, push_event

ROOT = Path(__file__).resolve().parent.parent
SECRET_RULE = "security-secret-logged-python"
SUPPRESSED = TOKEN_LOG.replace(
    "    log.debug(", "    # gitmon: ignore[security-secret-logged-python] test fixture token\n"
    "    log.debug(")


def history(repo: GitRepo) -> dict[str, str]:
    """A period: a block later fixed, a block later baselined, a suppression, a CI note."""
    start = repo.head()
    repo.write("src/retry/client.py", TOKEN_LOG)
    shas = {"bad": repo.commit("bad")}
    assert repo.gitmon("check", "--commit", "HEAD").code == 1
    repo.write("src/retry/client.py", CLEAN_RETRY)
    shas["fix"] = repo.commit("fix")
    assert repo.gitmon("check", "--commit", "HEAD").code == 0
    repo.write("src/ratelimit/limiter.py", TOKEN_LOG)
    shas["old"] = repo.commit("old code")
    assert repo.gitmon("check", "--commit", "HEAD").code == 1
    assert repo.gitmon("baseline").code == 0
    assert repo.gitmon("check", "--commit", "HEAD").code == 0       # accepted by the baseline
    repo.write("src/retry/other.py", SUPPRESSED)
    shas["suppressed"] = repo.commit("suppressed")
    assert repo.gitmon("check", "--commit", "HEAD").code == 0
    run = run_ci(repo, "push", push_event(start, repo.head()))       # CI: a note, no ledger line
    assert run.code == 1, run.err
    return shas


def report(repo: GitRepo, *args: str) -> str:
    result = repo.gitmon("report", *args)
    assert result.code == 0, result.err
    return result.out


def test_report_json_counts_the_period(repo: GitRepo) -> None:
    shas = history(repo)
    data: dict[str, Any] = json.loads(report(repo, "--format", "json"))
    assert data["schema"] == "gitmon.report/1" and data["head"] == shas["suppressed"]
    assert data["commits"] == 4 and data["reviews"] == 6
    assert data["verdicts"] == {"pass": 3, "block": 3, "pending": 0}
    assert data["sources"] == {"check": 5, "ci": 1}
    assert data["reviewers"]["security"]["failed"] == 3
    outcomes = {b["commit"]: b["outcome"] for b in data["blocks"] if b["source"] == "check"}
    assert outcomes == {shas["bad"]: "fixed", shas["old"]: "baselined"}
    assert {"area": "rate-limit", "rule": SECRET_RULE, "count": 2} in data["findings"]  # check, ci
    [sup] = data["suppressions"]
    assert (sup["rule"], sup["reason"], sup["area"]) == (SECRET_RULE, "test fixture token", "retry")
    assert sum(d["block"] for d in data["trend"]) == 3
    # --since after the period: nothing in it
    empty = json.loads(report(repo, "--format", "json", "--since", "2999-01-01"))
    assert (empty["reviews"], empty["commits"], empty["blocks"]) == (0, 0, [])


def test_report_text_and_markdown(repo: GitRepo, tmp_path: Path) -> None:
    history(repo)
    text = report(repo, "--since", "7d")
    assert "commits monitored: 4  reviews: 6 (pass 3, block 3, pending 0)" in text
    assert "by source: check 5, ci 1" in text
    assert re.search(r"check commit [0-9a-f]{12}: fixed - retry/security", text), text
    assert "baselined - rate-limit/security" in text
    assert f"retry: {SECRET_RULE} - test fixture token" in text
    out = tmp_path / "report.md"
    report(repo, "--format", "markdown", "--output", str(out))
    md = out.read_text()
    assert md.startswith("# gitmon report") and "| 4 | 6 | 3 | 3 | 0 |" in md
    assert f"| retry | `{SECRET_RULE}` | test fixture token |" in md
    assert "| retry | security | passed | failed |" in md     # HEAD: CI's note beside


def test_report_rejects_a_bad_date(repo: GitRepo) -> None:
    result = repo.gitmon("report", "--since", "last tuesday")
    assert result.code == 2 and "not a date" in result.err and "hint:" in result.err


def test_html_is_self_contained_and_escaped(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG.replace(
        "    log.debug(", "    # gitmon: ignore[security-secret-logged-python] <b>bold</b>\n"
        "    log.debug("))
    repo.commit("odd reason")
    repo.gitmon("check", "--commit", "HEAD")
    page = tmp_path / "board.html"
    report(repo, "--format", "html", "--output", str(page))
    html = page.read_text()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert not re.search(r"(src|href)=\"?(https?:)?//", html)       # nothing to fetch
    assert "<script" not in html and "<svg" in html and "<style>" in html


def browser() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("no chromium on this CI runner: .ci/run installs Debian's chromium")
    return found


def chromium(exe: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=1200,900", *args],
        capture_output=True, text=True, timeout=120, check=False)


def test_html_board_renders_in_headless_chromium(repo: GitRepo, tmp_path: Path) -> None:
    exe = browser()
    if exe is None:
        pytest.skip("no chromium installed (apt-get install chromium)")
    history(repo)
    page = tmp_path / "board.html"
    report(repo, "--format", "html", "--output", str(page))
    dom = chromium(exe, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    cards = dict(re.findall(r'<div class="card[^"]*" id="(\w+)"><b>(\d+)</b>', dom.stdout))
    assert cards == {"commits": "4", "reviews": "6", "passed": "3", "blocked": "3",
                     "pending": "0"}
    assert dom.stdout.count("<rect") >= 4 and "baselined" in dom.stdout
    assert "test fixture token" in dom.stdout
    shot = tmp_path / "board.png"
    done = chromium(exe, tmp_path, f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", done.stderr
    if os.environ.get("GITMON_UPDATE_SCREENSHOT") == "1":     # the README's picture
        shutil.copy(shot, ROOT / "docs" / "board.png")
