"""Status records (SPEC §5): schema, atomic files, the ledger, and the status board."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from conftest import TOKEN_LOG, GitRepo

SCHEMA = json.loads(resources.files("gitmon").joinpath("schemas/record-1.schema.json").read_text())


def validate(record: dict[str, Any]) -> None:
    jsonschema.validate(record, SCHEMA, format_checker=jsonschema.FormatChecker())


def test_record_on_disk_equals_json_output_and_validates(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.write("notes.txt", "x\n")
    repo.commit("bad retry")
    result = repo.gitmon("check", "--commit", "HEAD", "--format", "json")
    assert result.code == 1
    printed = json.loads(result.out)
    stored = json.loads(Path(printed.pop("record_path")).read_text())
    assert stored == printed
    validate(stored)
    assert stored["source"] == "check" and stored["unrouted"] == 1
    assert stored["areas"] == {"retry": {"files": ["src/retry/client.py"],
                                         "reviewers": ["reliability", "security", "production"]}}


def test_every_kind_of_change_writes_a_valid_record(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "-A")
    for args in (["--staged"], ["--worktree"]):
        validate(json.loads(repo.gitmon("check", "--format", "json", *args).out))
    repo.commit("c")
    for args in (["--commit", "HEAD"], ["--range", "HEAD~1..HEAD"]):
        validate(json.loads(repo.gitmon("check", "--format", "json", *args).out))
    ledger = (repo.path / ".gitmon/ledger.jsonl").read_text().splitlines()
    assert [json.loads(line)["kind"] for line in ledger] == ["staged", "worktree", "commit",
                                                            "range"]
    assert len(list((repo.path / ".gitmon/records").glob("*.json"))) == 4


def test_records_never_dirty_git_status(repo: GitRepo) -> None:
    repo.gitmon("check")
    assert (repo.path / ".gitmon/.gitignore").read_text().splitlines()[-1] == "*"
    assert repo.git("status", "--porcelain") == ""


def test_no_record_writes_nothing(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    result = repo.gitmon("check", "--no-record", "--format", "json")
    assert result.code == 1 and "record_path" not in json.loads(result.out)
    assert not (repo.path / ".gitmon/records").exists()


def test_status_board_shows_head_and_working_tree(repo: GitRepo) -> None:
    assert "HEAD: not reviewed yet" in repo.gitmon("status").out
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("bad")
    repo.gitmon("check", "--commit", "HEAD")
    # (valid Python: a file semgrep can only partly parse leaves its reviewers pending)
    repo.write("src/retry/client.py", TOKEN_LOG.replace(", api_token)", ", len(api_token))"))
    repo.gitmon("check")
    board = json.loads(repo.gitmon("status", "--json").out)
    assert board["head_record"]["verdict"] == "block"
    assert board["worktree_record"]["verdict"] == "pass"
    cells = {(r["area"], r["reviewer"]): (r["head"], r["worktree"]) for r in board["board"]}
    assert cells[("retry", "security")] == ("failed", "passed")
    assert cells[("deployment", "deployment")] == ("unchanged", "unchanged")
    text = repo.gitmon("status").out
    assert "HEAD: block by check" in text and "working tree: pass by check" in text
    assert any(line.split() == ["retry", "security", "failed", "passed"]
               for line in text.splitlines())


def test_output_files_in_every_format_at_once(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    out = tmp_path / "out"
    result = repo.gitmon("check", "--json-output", str(out / "r.json"), "--sarif-output",
                         str(out / "r.sarif"), "--markdown-output", str(out / "r.md"))
    assert result.code == 1
    assert "src/retry/client.py:6: error [security] security-secret-logged-python" in result.out
    assert json.loads((out / "r.json").read_text())["verdict"] == "block"
    sarif = json.loads((out / "r.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] == 6
    assert "## gitmon: ❌ BLOCK" in (out / "r.md").read_text()


def test_a_records_folder_that_is_a_link_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.path / ".gitmon").symlink_to(elsewhere)
    repo.write("src/retry/client.py", TOKEN_LOG)
    result = repo.gitmon("check")
    assert result.code == 3
    assert "is a symbolic link" in result.err and "hint:" in result.err
    assert list(elsewhere.iterdir()) == []


def _object_schemas() -> list[tuple[type, dict[str, Any]]]:
    from gitmon import record as types

    top = SCHEMA["properties"]
    change = top["change"]
    return [
        (types.Record, SCHEMA), (types.Tool, top["tool"]), (types.ChangeEntry, change),
        (types.FileEntry, change["properties"]["files"]["items"]),
        (types.AreaEntry, top["areas"]["additionalProperties"]),
        (types.ReviewerEntry, top["reviewers"]["additionalProperties"]),
        (types.FindingEntry, top["findings"]["items"]),
        (types.Degraded, top["degraded"]["oneOf"][1]),
    ]


def test_the_record_types_and_the_json_schema_name_the_same_keys() -> None:
    """gitmon.record's TypedDicts are what mypy checks every reader against; the JSON
    schema is what users validate against: a key added to one must be added to both."""
    for typed, schema in _object_schemas():
        required = set(typed.__required_keys__)             # type: ignore[attr-defined]
        optional = set(typed.__optional_keys__) - {"record_path"}   # type: ignore[attr-defined]
        assert required == set(schema.get("required", ())), typed.__name__
        assert required | optional == set(schema["properties"]), typed.__name__


def test_a_real_record_fills_every_key_the_schema_declares(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.git("add", "-A")
    record = json.loads(repo.gitmon("check", "--staged", "--format", "json").out)
    jsonschema.validate(record, SCHEMA, format_checker=jsonschema.FormatChecker())
    finding = record["findings"][0]
    assert set(finding) == set(SCHEMA["properties"]["findings"]["items"]["properties"]) - {
        "suppression", "suppression_problem"}      # only a finding with a marker has them
    assert set(record) >= set(SCHEMA["properties"])
