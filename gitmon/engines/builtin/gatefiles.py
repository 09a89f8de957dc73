"""Reading the files that make up the gate: policy key lines, baseline, rule files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from gitmon import baseline
from gitmon.errors import PolicyError
from gitmon.severity import Severity


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Key path -> 1-based line; list items are keyed by their value (or a mapping's `id`)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                name = item.value if isinstance(item, yaml.ScalarNode) else next(
                    (v.value for k, v in item.value if k.value == "id"), None) \
                    if isinstance(item, yaml.MappingNode) else None
                if isinstance(name, str):
                    lines[(*path, name)] = item.start_mark.line + 1
    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: Mapping[tuple[str, ...], int], key: tuple[str, ...]) -> int:
    return next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), 1)


def fingerprints(data: bytes | None, origin: str) -> set[str]:
    """The fingerprints a baseline file accepts, any version; none if it does not read."""
    try:
        doc = baseline.upgrade(json.loads(data or b"{}"), Path(origin))
    except (ValueError, PolicyError):
        return set()
    return {str(e["fingerprint"]) for e in doc["findings"] if isinstance(e, dict) and "fingerprint" in e}


def rule_severities(data: bytes | None) -> dict[str, Severity]:
    """Rule id -> severity of a semgrep rule file (unknown severities count as error)."""
    try:
        doc = yaml.safe_load(data or b"")
    except yaml.YAMLError:
        return {}
    rules = doc.get("rules") if isinstance(doc, dict) else None
    out = {}
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and "id" in rule:
            try:
                out[str(rule["id"])] = Severity.parse(str(rule.get("severity", "error")))
            except KeyError:
                out[str(rule["id"])] = Severity.ERROR
    return out
