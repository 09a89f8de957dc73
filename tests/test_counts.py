"""One record, every reader: the same findings count everywhere (issue 10).

A pull request with three token-logged findings of real semgrep: one that counts, one
the baseline accepted (`gitmon baseline` on main), one suppressed by a marker with a
reason. Every format, the ledger, CI's outputs and summary, the commit note and the
daemon's notify line must say 1, and show the other two as what they are.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo
from test_audit import POLICY as AUDIT_POLICY
from test_audit import RULE
from test_ci import feature, pull_request, run_ci

from gitmon import notes
from gitmon.daemon import notify
from gitmon.reports import renderer

POLICY = AUDIT_POLICY + "settings:\n  filter: file\n"
QUIET = TOKEN_LOG.replace("    log.debug(", "    # gitmon: ignore[token-logged] a fake token in a fixture\n"
                          "    log.debug(")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The CI run of the pull request: its outputs, summary, record and ledger line."""
    from conftest import make_repo

    repo: GitRepo = make_repo(tmp_path_factory.mktemp("counts"))
    repo.write("gitmon.yml", POLICY)
    repo.write("checks/secret.yaml", RULE)
    repo.write("src/retry/old.py", TOKEN_LOG)
    repo.commit("old code")
    assert repo.gitmon("baseline").code == 0
    repo.commit("baseline")
    base, head = feature(repo, {"src/retry/old.py": "import os\n\n" + TOKEN_LOG,
                                "src/retry/new.py": TOKEN_LOG, "src/retry/quiet.py": QUIET})
    ci = run_ci(repo, "pull_request", pull_request(base, head))
    assert ci.code == 1, ci.err
    record = ci.record()
    [ledger] = (Path(ci.outputs["record"]).parent.parent / "ledger.jsonl").read_text().splitlines()
    return {"ci": ci, "record": record, "ledger": json.loads(ledger), "head": head}


def by_path(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in record["findings"]}


def test_the_record_marks_each_finding(run: dict[str, Any]) -> None:
    found = by_path(run["record"])
    assert set(found) == {"src/retry/old.py", "src/retry/new.py", "src/retry/quiet.py"}
    assert [found[p]["counts"] for p in sorted(found)] == [True, False, False]  # new old quiet
    assert found["src/retry/old.py"]["baselined"] and found["src/retry/quiet.py"]["suppressed"]
    assert run["record"]["reviewers"]["security"]["findings"] == 1


def test_text_and_markdown_count_one_and_show_the_others(run: dict[str, Any]) -> None:
    text = renderer("text")(run["record"])
    [verdict] = [line for line in text.splitlines() if line.startswith("gitmon: ")]
    assert re.search(r", 1 finding\(s\)$", verdict), text
    assert "src/retry/old.py:" in text and "(baselined: in baseline)" in text
    assert "(suppressed: a fake token in a fixture)" in text
    for markdown in (renderer("markdown")(run["record"]), run["ci"].summary):
        assert ", 1 finding(s)." in markdown, markdown
        assert "| error (baselined) | `src/retry/old.py:" in markdown
        assert "| error (suppressed) | `src/retry/quiet.py:" in markdown
        assert "| error | `src/retry/new.py:6`" in markdown


def test_sarif_github_json_ledger_and_ci_outputs_agree(run: dict[str, Any]) -> None:
    record = run["record"]
    results = json.loads(renderer("sarif")(record))["runs"][0]["results"]
    kinds = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
             [s["kind"] for s in r.get("suppressions", [])] for r in results}
    assert kinds == {"src/retry/new.py": [], "src/retry/old.py": ["external"],
                     "src/retry/quiet.py": ["inSource"]}
    github = [line for line in renderer("github")(record).splitlines() if "file=" in line]
    assert [line.split(",", 1)[0] for line in github] == ["::error file=src/retry/new.py"]
    as_json = json.loads(renderer("json")(record))
    assert sum(f["counts"] for f in as_json["findings"]) == 1
    assert run["ledger"]["findings"] == 1
    assert run["ci"].outputs["findings"] == "1"


def test_the_commit_note_and_the_notify_line_count_one(run: dict[str, Any]) -> None:
    note = notes.line(run["record"], run["head"])
    assert [f["count"] for f in note["findings"]] == [1]
    assert (note["suppressed"], note["baselined"]) == (1, 1)
    [line] = notify.lines(run["record"], "pr")
    assert "✗ 1 error src/retry/new.py:6" in line, line
