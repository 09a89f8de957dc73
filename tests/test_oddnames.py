"""File names in every encoding end in a normal review whose record keeps them exactly.

git hands names over as bytes; a name that is not UTF-8 used to stop every run (the hook
included) while writing the record. The record now shows it as git quotes it and keeps
its bytes in base64 (`path_bytes`).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
from conftest import GitRepo, Result
from test_records import validate

# A policy whose reviewer runs only a built-in check: routed files, but no semgrep run.
POLICY = """version: 1
areas:
  svc:
    paths: ["services/**"]
    reviewers: [prod]
reviewers:
  prod:
    checks: [missing-test-change]
    block_on: never
"""
ODD = [b"caf\xe9.py", b"bad\xff\xfe\xc3\x28.py", b"new\nline.py", b"tab\there.py",
       b'quo"te\'s.py', b"-leading-dash.py", b"back\\slash.py", b"\xe2\x82\xac-utf8.py"]


def _write(repo: GitRepo, folder: bytes, name: bytes) -> bytes:
    rel = folder + name
    path = os.fsencode(repo.path) + b"/" + rel
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"x = 1\n")
    return rel


def _clean(result: Result) -> None:
    assert result.code == 0, (result.code, result.err)
    assert "internal error" not in result.err and "Traceback" not in result.err


def _names(record: dict[str, Any]) -> set[bytes]:
    out = set()
    for entry in record["change"]["files"]:
        raw = base64.b64decode(entry["path_bytes"]) if "path_bytes" in entry else \
            entry["path"].encode("utf-8")
        out.add(raw)
    return out


def _latest_record(repo: GitRepo) -> dict[str, Any]:
    records = sorted((repo.path / ".gitmon" / "records").glob("*.json"),
                     key=lambda p: p.stat().st_mtime_ns)
    data: dict[str, Any] = json.loads(records[-1].read_text(encoding="utf-8"))
    return data


def test_odd_names_in_unwatched_areas_on_the_hooks_fast_path(repo: GitRepo) -> None:
    repo.write("gitmon.yml", POLICY)
    repo.commit("policy")
    expected = {_write(repo, b"docs/", name) for name in ODD}
    repo.git("add", "-A")
    result = repo.gitmon("check", "--staged", "--source", "pre-commit")     # the hook's argv
    _clean(result)
    assert "no staged file in a watched area" in result.out      # the fast path answered
    record = _latest_record(repo)
    validate(record)
    assert _names(record) == expected


def test_odd_names_in_every_mode_and_command(repo: GitRepo) -> None:
    repo.write("gitmon.yml", POLICY)
    base = repo.commit("policy")
    expected = {_write(repo, folder, name) for name in ODD for folder in (b"services/", b"docs/")}
    repo.git("add", "-A")
    for args in (("check", "--staged"), ("check", "--worktree"), ("route", "--staged")):
        _clean(repo.gitmon(*args))
    record = json.loads(repo.gitmon("check", "--staged", "--format", "json").out)
    validate(record)
    assert _names(record) == expected
    assert '"services/caf\\351.py"' in record["areas"]["svc"]["files"]
    repo.commit("odd names")
    for args in (("check", "--commit", "HEAD"), ("check", "--range", f"{base}..HEAD"),
                 ("route", "--commit", "HEAD"), ("route", "--json", "--range", f"{base}..HEAD"),
                 ("audit", f"{base}..HEAD"), ("check", "--commit", "HEAD", "--format", "sarif"),
                 ("check", "--commit", "HEAD", "--format", "markdown")):
        _clean(repo.gitmon(*args))
    record = _latest_record(repo)
    jsonschema.validate(record, json.loads(
        (Path(__file__).parents[1] / "gitmon/schemas/record-1.schema.json").read_text()))
    assert _names(record) == expected
