"""The policy file's schema, declared once as data: each section's keys with their kind,
default and checks.

`gitmon.policy` walks the YAML nodes by these tables (which keys are allowed, and in this
order the hint lists them; which are required; what each value must be) and builds
`Settings` from SETTINGS, defaults included. Adding a setting is one `Key` in SETTINGS,
one typed field on `policy.Settings`, and its use: tests/test_policy.py fails while the
table and the fields disagree, or while the README's example leaves a key out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from gitmon.severity import Severity

# How a value is read: a scalar of that type (`number`: int or float, stored as float),
# a list of strings, a mapping walked by its own section, or a list the policy parses
# itself (`checks`: ids with options; `signals`: see `gitmon.signals.parse`).
Kind = Literal["str", "int", "number", "bool", "strings", "mapping", "checks", "signals"]
# Checks on a value (on each item, for `strings`), applied in order by `policy.CHECKS`.
Check = Literal["version", "positive", "nonempty", "inside", "glob", "reviewer"]

BLOCK_LEVELS: Mapping[str, Severity | None] = {
    "error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "never": None}
FILTERS = ("added", "hunk", "file")
ON_UNREVIEWABLE = ("pending", "pass", "block")   # a watched file no rule could read


class Key(NamedTuple):
    kind: Kind
    default: Any = None            # the value when the key is absent
    required: bool = False
    choices: tuple[str, ...] = ()  # the only strings allowed (a `str` kind)
    checks: tuple[Check, ...] = ()
    nullable: bool = False         # `key: null` means the default


TOP: Mapping[str, Key] = {
    "version": Key("int", 1, checks=("version",)),
    "areas": Key("mapping", required=True),
    "reviewers": Key("mapping", required=True),
    "settings": Key("mapping"),
}

AREA: Mapping[str, Key] = {
    "paths": Key("strings", required=True, checks=("glob",)),
    "reviewers": Key("strings", required=True, checks=("reviewer",)),
    "description": Key("str"),
    "content": Key("signals", ()),
}

REVIEWER: Mapping[str, Key] = {
    "title": Key("str"),                      # absent: the reviewer's name
    "rules": Key("strings", ()),
    "checks": Key("checks", ()),
    "block_on": Key("str", "error", choices=tuple(BLOCK_LEVELS)),
    "review_tests": Key("bool", False),       # gate test code with these rules too
}

SETTINGS: Mapping[str, Key] = {
    "filter": Key("str", "added", choices=FILTERS),
    "records": Key("str", ".gitmon", checks=("nonempty", "inside")),
    "max_file_size": Key("int", 1024 * 1024, checks=("positive",)),
    "semgrep_timeout": Key("number", 300.0, checks=("positive",)),
    "semgrep": Key("str", None, checks=("nonempty",), nullable=True),
    "baseline": Key("str", ".gitmon-baseline.json", checks=("nonempty", "inside")),
    "on_unreviewable": Key("str", "pending", choices=ON_UNREVIEWABLE),
}


def defaults(section: Mapping[str, Key]) -> dict[str, Any]:
    return {name: key.default for name, key in section.items()}
