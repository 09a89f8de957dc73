"""The real-world corpus runner (bench/realworld): manifests validate, finding keys are
stable across line moves, untriaged findings never count as true. Nothing is downloaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "realworld"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import report  # noqa: E402
import scan  # noqa: E402


def _finding(key: str, rule: str, severity: str = "error", reviewer: str = "security") -> dict:
    return {"key": key, "rule": rule, "severity": severity, "reviewer": reviewer,
            "project": "p", "path": "a.py", "line": 1, "origin": "files", "commit": ""}


def test_every_committed_manifest_loads() -> None:
    for group in corpus.groups(BENCH / "projects"):
        projects = corpus.load_projects(group)
        assert projects, group
        for p in projects:
            assert (p.package and p.version) if p.kind != "git" else (p.repo and p.commit)


def test_a_manifest_with_an_unknown_kind_is_refused(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "bad.json").write_text(json.dumps(
        [{"name": "x", "lang": "python", "kind": "cvs"}]))
    monkeypatch.setattr(corpus, "HERE", tmp_path)
    with pytest.raises(corpus.CorpusError, match="kind must be one of"):
        corpus.load_projects("bad")


def test_finding_key_ignores_the_line_but_not_the_code() -> None:
    base = {"path": "a.py", "rule": "r", "snippet": "while True:\n    x()", "line": 3}
    moved = dict(base, line=40, snippet="  while True:\n        x()")
    changed = dict(base, snippet="while True:\n    y()")
    assert scan.finding_key("p", base) == scan.finding_key("p", moved)
    assert scan.finding_key("p", base) != scan.finding_key("p", changed)


def test_untriaged_findings_are_not_counted_as_true() -> None:
    findings = {"k1": _finding("k1", "r"), "k2": _finding("k2", "r")}
    rows = report.rule_table(findings, {"k1": {"verdict": "true", "reason": "x"}})
    assert rows[2] == "| r | error | 2 | 1 | 0 | 1 | 100% | met |"
    rows = report.rule_table(findings, {"k1": {"verdict": "false", "reason": "x"}})
    assert rows[2] == "| r | error | 2 | 0 | 1 | 1 | 0% | MISSED |"


def test_a_mirror_that_is_missing_names_the_fetch_to_run(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(corpus, "MIRRORS", tmp_path)
    with pytest.raises(corpus.CorpusError, match="fetch github:acme/widget"):
        corpus.mirror("acme/widget")
