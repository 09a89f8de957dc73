"""Recall: real mistakes mined from the corpus histories must still be caught.

`recall/<group>.json` lists cases ``{"project", "repo", "fix_commit", "path",
"rule", "reviewer", "note"}``. The file as it was before the fix
(`fix_commit^:path`) is committed at its real path in a fresh repository and
reviewed with the default policy; the case is caught when `reviewer` reports
`rule` on it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from corpus import HERE, CorpusError, mirror
from scan import commit_files, every_file_policy, gitmon, scratch


def load_cases(group: str) -> list[dict[str, Any]]:
    path = HERE / "recall" / f"{group}.json"
    if not path.exists():
        return []
    cases: list[dict[str, Any]] = json.loads(path.read_text())
    for case in cases:
        missing = {"project", "fix_commit", "path", "rule", "reviewer"} - set(case)
        if missing or "repo" not in case:
            raise CorpusError(f"{path}: a case lacks {sorted(missing) or ['repo']}: {case}")
    return cases


def before_fix(case: dict[str, Any]) -> bytes:
    spec = f"{case['fix_commit']}^:{case['path']}"
    proc = subprocess.run(["git", "show", spec], cwd=mirror(case["repo"]), capture_output=True)
    if proc.returncode != 0:
        raise CorpusError(f"{case['repo']}: cannot read {spec}: "
                          f"{proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def review(case: dict[str, Any]) -> dict[str, Any]:
    """The case with what gitmon said: caught or not (the default policy at the real path),
    `rule_caught` (the rule, once the file is routed to its reviewer: every file to every
    reviewer) and which rules the default policy did report."""
    with scratch("recall") as tmp:
        repo = tmp / "repo"
        commit_files(repo, {case["path"]: before_fix(case)})
        record = gitmon("check", "--commit", "HEAD", "--no-record", cwd=repo)
        wide = gitmon("check", "--commit", "HEAD", "--no-record", cwd=repo,
                      policy=every_file_policy(tmp))
    found = _reported(record)
    want = (case["rule"], case["reviewer"])
    status = record.get("reviewers", {}).get(case["reviewer"], {}).get("status", "skipped")
    return {**case, "caught": want in found, "rule_caught": want in _reported(wide),
            "reviewer_status": status, "reported": sorted({rule for rule, _ in found})}


def _reported(record: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["rule"], f["reviewer"]) for f in record.get("findings", [])
            if not f.get("suppressed")}


def run_group(group: str) -> list[dict[str, Any]]:
    return [review(case) for case in load_cases(group)]


def relative(path: Path) -> str:
    return str(path.relative_to(HERE))
