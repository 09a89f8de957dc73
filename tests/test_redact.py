"""The redaction detector: each shape that leaked, what it must leave alone, and its cost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from gitmon.redact import MASK, redact, redact_code, redact_message

RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.mark.parametrize(("text", "expected"), [
    ('passphrase = "hunter2x-Secret99"', f'passphrase = "{MASK}"'),
    ('password: str = "Hunter2xyz"', f'password: str = "{MASK}"'),
    ('token = b"abcd1234efgh"', f'token = b"{MASK}"'),
    ('connect("admin", "hunter2x")', f'connect("admin", "{MASK}")'),
    ('log.info("password is hunter2x")', f'log.info("password is {MASK}")'),
    ('logger.info("password=hunter2x9")', f'logger.info("password={MASK}")'),
    ('password = (\n    "multi2line9pass"\n)', f'password = (\n    "{MASK}"\n)'),
    ('var password string = "gohunter22"', f'var password string = "{MASK}"'),
    ("let apiKey: string = 'tsSecret99';", f"let apiKey: string = '{MASK}';"),
    ("- name: DB_PASSWORD\n  value: hunter2", f"- name: DB_PASSWORD\n  value: {MASK}"),
    ("- value: 'plainwords'\n  name: API_TOKEN", f"- value: {MASK}\n  name: API_TOKEN"),
    ("export SECRET_KEY=abcdefg", f"export SECRET_KEY={MASK}"),
    ('x = "sk-proj-abcdefghijklmnopqrstuvwxyz012345"', f'x = "{MASK}"'),
    ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", MASK),
    ("glpat-abcdefghij0123456789", MASK),
    ("npm_abcdefghijklmnopqrstuvwxyz0123456789", MASK),
    ("SK0123456789abcdef0123456789abcdef", MASK),
    ("SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789abcdefg", MASK),
    ("dop_v1_" + "0123456789abcdef" * 4, MASK),
    ("pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0NTY3ODk", MASK),
    ("HRKU-abcdefghijklmnopqrstuvwxyz0123456789", MASK),
    ("AccountKey=abcdEFGH0123456789abcdEFGH0123456789abcd==", MASK),
    ('"Authorization": "Bearer abcd1234"', f'"Authorization": "Bearer {MASK}"'),
    # left alone: short values, prose, code without a value
    ('password="x"', 'password="x"'),
    ("log the token length", "log the token length"),
    ("password = os.environ['DB_PASSWORD']", "password = os.environ['DB_PASSWORD']"),
    ('log.info("retrying in %s seconds", delay)', 'log.info("retrying in %s seconds", delay)'),
])
def test_shapes(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_credential_rule_loses_every_literal_of_its_snippet() -> None:
    code = 'connect("admin", "hunter")'
    assert redact_code(code, "security-hardcoded-credential-python") == (
        f'connect("{MASK}", "{MASK}")')
    assert redact_code(code, "reliability-unbounded-retry-loop-python") == code


def test_a_message_loses_what_semgrep_interpolated_from_the_code() -> None:
    code = "- name: DB_PASSWORD\n  value: correcthorse"
    assert redact_message("env holds correcthorse", "custom-rule", code) == f"env holds {MASK}"
    assert redact_message("hard-coded abc12345xyz", "security-hardcoded-credential-go") == (
        f"hard-coded {MASK}")


def test_built_in_rule_messages_are_left_whole() -> None:
    for path in RULES.glob("*/*.yaml"):
        if ".test." in path.name:
            continue
        for rule in yaml.safe_load(path.read_text())["rules"]:
            assert redact_message(rule["message"], rule["id"]) == rule["message"], rule["id"]


@pytest.mark.parametrize("text", ["a" * 2000, "password" * 250, "a.b-" * 500, "password " * 220,
                                  'password = "' * 160, '"' + "x" * 1998 + '"'])
def test_redaction_stays_linear_on_long_runs(text: str) -> None:
    start = time.perf_counter()
    redact_message(text, "security-secret-logged-python", text)
    assert time.perf_counter() - start < 1.0
