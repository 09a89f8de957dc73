"""Diff-aware findings, suppression with a reason, stable fingerprints, redaction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import TOKEN_LOG, GitRepo

from gitmon.redact import MASK, redact

BOUNDED = """import time


def fetch(client, max_attempts=5):
    attempt = 0
    while True:
        try:
            return client.get()
        except Exception:
            attempt += 1
            if attempt >= max_attempts:
                raise
            time.sleep(2 ** attempt)
"""


def review(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.gitmon("check", "--format", "json", *args)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def rules(record: dict[str, Any], counted: bool = True) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for f in record["findings"]
            if f["engine"] == "semgrep" and (not counted or not f["suppressed"])]


def test_only_findings_on_changed_lines_count_by_default(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("old debt")
    repo.write("src/retry/client.py", "# header comment\n" + TOKEN_LOG)
    code, record = review(repo)
    assert code == 0 and rules(record) == []
    assert record["filter_dropped"] == 1
    assert review(repo, "--filter", "file")[0] == 1
    assert review(repo, "--filter", "hunk")[0] == 0     # line 1 is too far from line 7


def test_hunk_filter_widens_to_the_lines_around_the_change(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    repo.commit("old debt")
    repo.write("src/retry/client.py", TOKEN_LOG.replace("def call(", "def call_it("))
    assert review(repo)[0] == 0
    assert review(repo, "--filter", "hunk")[0] == 1


def test_deleting_the_bound_of_a_retry_loop_is_a_change_to_the_loop(repo: GitRepo) -> None:
    repo.write("src/retry/fetch.py", BOUNDED)
    repo.commit("bounded")
    unbounded = BOUNDED.replace("            if attempt >= max_attempts:\n                raise\n",
                                "")
    repo.write("src/retry/fetch.py", unbounded)
    code, record = review(repo)
    assert code == 1
    assert ("reliability-unbounded-retry-loop-python", 6) in rules(record)


def test_suppression_with_a_reason_is_honoured_and_recorded(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG.replace(
        '    log.debug(', '    # gitmon: ignore[security-secret-logged-python] test token only\n'
        '    log.debug('))
    code, record = review(repo)
    assert code == 0
    (finding,) = [f for f in record["findings"] if f["reviewer"] == "security"]
    assert finding["suppressed"] is True
    assert finding["suppression"] == "test token only"


def test_suppression_without_a_reason_does_not_count(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG.replace(
        'api_token)\n', 'api_token)  # gitmon: ignore[security-secret-logged-python]\n'))
    code, record = review(repo)
    assert code == 1
    (finding,) = [f for f in record["findings"] if f["reviewer"] == "security"]
    assert finding["suppressed"] is False
    assert finding["suppression"] == "(no reason given: not applied)"


def test_suppression_for_another_rule_does_not_apply(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG.replace(
        'api_token)\n', 'api_token)  # gitmon: ignore[some-other-rule] not this one\n'))
    assert review(repo)[0] == 1


def test_nosemgrep_with_a_reason_counts_as_a_suppression(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG.replace(
        'api_token)\n', 'api_token)  # nosemgrep: security-secret-logged-python -- fake token\n'))
    code, record = review(repo)
    assert code == 0
    (finding,) = [f for f in record["findings"] if f["reviewer"] == "security"]
    assert finding["suppression"] == "fake token"


def test_fingerprint_ignores_line_numbers_so_moved_code_keeps_it(repo: GitRepo) -> None:
    repo.write("src/retry/client.py", TOKEN_LOG)
    first = review(repo)[1]
    repo.write("src/retry/client.py", "\n\n# moved down\n" + TOKEN_LOG)
    second = review(repo)[1]
    (a,) = [f for f in first["findings"] if f["reviewer"] == "security"]
    (b,) = [f for f in second["findings"] if f["reviewer"] == "security"]
    assert a["line"] != b["line"] and a["fingerprint"] == b["fingerprint"]


SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def test_secrets_are_never_echoed_in_any_format(repo: GitRepo, tmp_path: Any) -> None:
    repo.write("src/retry/client.py",
               f'import logging\nlog = logging.getLogger(__name__)\nlog.info("auth token %s", '
               f'"{SECRET}")\napi_token = "{SECRET}"\nlog.debug("retrying with token %s", api_token)\n')
    outputs = {"json": tmp_path / "r.json", "sarif": tmp_path / "r.sarif",
               "markdown": tmp_path / "r.md"}
    seen = []
    for fmt in ("text", "json", "markdown", "sarif", "github"):
        result = repo.gitmon("check", "--format", fmt, "--json-output", str(outputs["json"]),
                             "--sarif-output", str(outputs["sarif"]),
                             "--markdown-output", str(outputs["markdown"]))
        assert result.code == 1, result.err
        seen += [result.out, result.err] + [p.read_text() for p in outputs.values()]
    seen += [p.read_text() for p in (repo.path / ".gitmon/records").iterdir()]
    seen.append((repo.path / ".gitmon/ledger.jsonl").read_text())
    assert all(SECRET not in text for text in seen)
    assert any(MASK in text for text in seen)


@pytest.mark.parametrize(("text", "expected"), [
    ('api_key = "sk_live_abcdefghijklmnop1234"', f'api_key = "{MASK}"'),
    ("Authorization: Bearer abc.def.ghijklmnopqrstu", f"Authorization: Bearer {MASK}"),
    ("AKIAABCDEFGHIJKLMNOP in logs", f"{MASK} in logs"),
    ("https://user:hunter22@db.example/x", f"https://{MASK}@db.example/x"),
    ('password="x"', 'password="x"'),                         # too short to be a secret
    ("log the token length", "log the token length"),
])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected
