"""The real-world corpus runner (bench/realworld): manifests validate, finding keys are
stable across line moves, untriaged findings never count as true. Nothing is downloaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "realworld"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
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
    assert rows[2] == "| r | error | 2 | 1 | 0 | 1 | 100% | met | 0 |"
    rows = report.rule_table(findings, {"k1": {"verdict": "false", "reason": "x"}})
    assert rows[2] == "| r | error | 2 | 0 | 1 | 1 | 0% | MISSED | 0 |"


def test_false_findings_in_test_code_are_counted_apart_and_still_false() -> None:
    findings = {"k1": _finding("k1", "r", "warning"), "k2": _finding("k2", "r", "warning")}
    labels = {"k1": {"verdict": "false", "reason": "test code (a tower-test helper)"},
              "k2": {"verdict": "true", "reason": "x"}}
    assert report.rule_table(findings, labels)[2] == \
        "| r | warning | 2 | 1 | 1 | 0 | 50% | MISSED | 1 |"


def test_rules_that_never_fired_are_listed(tmp_path: Path) -> None:
    (tmp_path / "security").mkdir()
    (tmp_path / "security" / "a.yaml").write_text("rules:\n  - id: fired\n  - id: silent\n")
    assert report.silent_rules({"k": _finding("k", "fired")}, tmp_path) == ["silent"]


def test_the_reviewer_table_gives_recall_at_the_real_path_and_once_routed() -> None:
    cases = [{"reviewer": "security", "caught": True, "rule_caught": True},
             {"reviewer": "security", "caught": False, "rule_caught": True}]
    row = report.reviewer_table({}, {}, cases)[2]
    assert row == "| security | 0 | 0 | 0 | 0 | - | 2 | 1 | 50% | 2 (100%) |"


def test_recall_only_and_no_recall_together_are_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        run.main(["--recall-only", "--no-recall"])
    assert exc.value.code == 2
    assert "leave nothing to measure" in capsys.readouterr().err


def test_an_unknown_group_names_the_groups(capsys) -> None:
    with pytest.raises(SystemExit):
        run.main(["--only", "cobol"])
    assert "the groups are ['go', 'java', 'js', 'k8s'" in capsys.readouterr().err


def test_a_git_export_skips_blobs_the_snapshot_left_out(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "mirrors" / "acme+widget" / "repo"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "src").mkdir()
    (repo / "src" / "retry.py").write_text("DELAY = 1\n")
    (repo / "logo.png").write_bytes(b"big image")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "c"], check=True)
    blob = subprocess.run([*git, "rev-parse", "HEAD:logo.png"], capture_output=True,
                          text=True, check=True).stdout.strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    monkeypatch.setattr(corpus, "MIRRORS", tmp_path / "mirrors")
    monkeypatch.setattr(corpus, "CACHE", tmp_path / "cache")
    project = corpus.Project(group="g", name="widget", lang="python", kind="git",
                             repo="acme/widget", commit=head)
    tree = corpus.source_tree(project)
    assert (tree / "src" / "retry.py").read_text() == "DELAY = 1\n"
    assert not (tree / "logo.png").exists()


def test_a_mirror_that_is_missing_names_the_fetch_to_run(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(corpus, "MIRRORS", tmp_path)
    with pytest.raises(corpus.CorpusError, match="fetch github:acme/widget"):
        corpus.mirror("acme/widget")


def test_a_rule_relevelled_during_a_run_shows_both_and_the_lower_target() -> None:
    findings = {"k1": _finding("k1", "r", "warning"), "k2": _finding("k2", "r", "info")}
    labels = {"k1": {"verdict": "true", "reason": "x"}, "k2": {"verdict": "false", "reason": "y"}}
    assert report.rule_table(findings, labels)[2] == \
        "| r | warning/info | 2 | 1 | 1 | 0 | 50% | - | 0 |"
