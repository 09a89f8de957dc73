"""Parsed rule files are kept in the review cache: the YAML is a third of a cached review.

Unit tests on the parse memo (rulesets.parse_rules with a real cache folder), then one
end-to-end check that a policy's own rule file, edited between two runs, applies at once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GitRepo

from gitmon import rulesets
from gitmon.cache import Cache
from gitmon.errors import PolicyError

RULE = b"""rules:
  - id: no-print
    message: no print in retry code
    severity: ERROR
    languages: [python]
    pattern: print(...)
"""


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json"))


def test_a_parsed_rule_file_is_remembered_and_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    rulesets._PARSED.clear()
    first = rulesets.parse_rules("rules/a.yaml", RULE, Cache(folder))
    assert [e.name for e in _entries(folder)] != []
    (entry,) = _entries(folder)
    assert json.loads(entry.read_text()) == first
    # another process (the per-process memo emptied) reads the entry, not the YAML
    rulesets._PARSED.clear()
    entry.write_text(json.dumps([{**first[0], "message": "from the memo"}]))
    again = rulesets.parse_rules("rules/a.yaml", RULE, Cache(folder))
    assert again[0]["message"] == "from the memo"


def test_new_content_or_another_file_is_parsed_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    rulesets._PARSED.clear()
    rulesets.parse_rules("rules/a.yaml", RULE, Cache(folder))
    edited = RULE.replace(b"no print", b"never print")
    rulesets._PARSED.clear()
    assert rulesets.parse_rules("rules/a.yaml", edited, Cache(folder))[0]["message"] \
        == "never print in retry code"
    assert rulesets.parse_rules("rules/b.yaml", RULE, Cache(folder))[0]["id"] == "no-print"
    assert len(_entries(folder)) == 3


def test_an_invalid_file_is_never_remembered_and_still_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    bad = RULE.replace(b"    severity: ERROR\n", b"")
    for _ in range(2):
        rulesets._PARSED.clear()
        with pytest.raises(PolicyError, match="`severity` missing"):
            rulesets.parse_rules("rules/a.yaml", bad, Cache(folder))
    assert _entries(folder) == []


def test_a_parse_json_would_change_is_not_remembered(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    rulesets._PARSED.clear()
    dated = RULE + b"    metadata:\n      since: 2024-01-02\n"
    parsed = rulesets.parse_rules("rules/a.yaml", dated, Cache(folder))
    assert str(parsed[0]["metadata"]["since"]) == "2024-01-02"
    assert _entries(folder) == []


def test_a_tracked_cache_folder_is_not_read(repo: GitRepo) -> None:
    """Entries that came with a checkout could be a change's own: Cache refuses them."""
    folder = repo.path / ".gitmon" / "cache"
    rulesets._PARSED.clear()
    rulesets.parse_rules("rules/a.yaml", RULE, Cache(folder))
    (entry,) = _entries(folder)
    entry.write_text(json.dumps([]))          # a forged entry: no rules at all
    repo.git("add", "-f", ".gitmon/cache")
    repo.commit("forged cache")
    rulesets._PARSED.clear()
    assert rulesets.parse_rules("rules/a.yaml", RULE, Cache(folder))[0]["id"] == "no-print"


def test_an_edited_rule_file_applies_at_the_next_review(repo: GitRepo) -> None:
    repo.write("gitmon.yml", (
        "reviewers:\n  reliability:\n    rules: [rules/]\n"
        "areas:\n  retry:\n    paths: ['src/retry/**']\n    reviewers: [reliability]\n"))
    repo.write("rules/retry.yaml", RULE.decode())
    repo.write("src/retry/a.py", "def f():\n    print('x')\n    log('y')\n")
    repo.git("add", "-A")
    first = repo.gitmon("check", "--staged", "--no-record")
    assert first.code == 1 and "no-print" in first.out
    repo.write("rules/retry.yaml", RULE.decode().replace("print(...)", "log(...)")
               .replace("no-print", "no-log"))
    second = repo.gitmon("check", "--staged", "--no-record")
    assert second.code == 1 and "no-log" in second.out and "no-print" not in second.out
