"""Rule packs: resolve a reviewer's `rules:` entries to semgrep rules, from disk or a commit.

Built-in packs are named by reviewer (`security`, ...). Other entries are rule files or
folders relative to the repo root; in CI they are read from the base commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitmon import gitio, yamlio
from gitmon.errors import PolicyError
from gitmon.languages import ALWAYS, EXTENSIONS, languages_of
from gitmon.policy import BUILTIN_PACKS, Policy

__all__ = ["ALWAYS", "EXTENSIONS", "Reader", "Rule", "RuleSet", "languages_of", "load_ruleset"]


def builtin_rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise PolicyError("the built-in rule packs are missing from this installation",
                      hint="reinstall gitmon (`pip install --force-reinstall gitmon`)")


@dataclass(frozen=True)
class Rule:
    id: str
    reviewers: tuple[str, ...]
    languages: frozenset[str]
    body: Mapping[str, Any]
    origin: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    _digests: dict[frozenset[str] | None, str] = field(default_factory=dict, compare=False,
                                                       repr=False)

    def for_languages(self, languages: set[str]) -> list[Rule]:
        return [r for r in self.rules if r.languages & (languages | ALWAYS)]

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def digest(self, reviewers: frozenset[str] | None = None) -> str:
        """The rule-set hash of the cache key: the rules those reviewers run."""
        if reviewers not in self._digests:
            chosen = [r for r in self.rules if reviewers is None or set(r.reviewers) & reviewers]
            text = json.dumps([[r.id, r.body] for r in chosen], sort_keys=True, default=str)
            self._digests[reviewers] = hashlib.sha256(text.encode()).hexdigest()[:32]
        return self._digests[reviewers]

    def config_text(self, rules: list[Rule]) -> str:
        # JSON is YAML, and far quicker to write than YAML.
        return json.dumps({"rules": [dict(r.body, id=r.id) for r in rules]}, default=str)


Reader = Callable[[str], "list[tuple[str, bytes]]"]


def disk_reader(root: Path) -> Reader:
    def read(entry: str) -> list[tuple[str, bytes]]:
        path = root / entry
        if path.is_dir():
            return [(str(p.relative_to(root)), p.read_bytes()) for p in sorted(path.rglob("*"))
                    if p.is_file() and _is_rule_file(p.name)]
        return [(entry, path.read_bytes())] if path.is_file() else []
    return read


def commit_reader(root: Path, rev: str) -> Reader:
    """Read rule files as they are at rev (CI: the base commit), never from the work tree."""
    def read(entry: str) -> list[tuple[str, bytes]]:
        single = gitio.read_at(root, rev, entry)
        if single is not None:
            return [(entry, single)]
        out = []
        for path in gitio.list_tree(root, rev, entry):
            if _is_rule_file(path):
                data = gitio.read_at(root, rev, path)
                if data is not None:
                    out.append((path, data))
        return out
    return read


def _is_rule_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) and ".test." not in name


def load_ruleset(policy: Policy, reader: Reader, reviewers: set[str] | None = None) -> RuleSet:
    builtin = builtin_rules_dir()
    by_id: dict[str, Rule] = {}
    for name, reviewer in policy.reviewers.items():
        if reviewers is not None and name not in reviewers:
            continue
        for entry in reviewer.rules:
            if "/" not in entry and entry in BUILTIN_PACKS:
                files = disk_reader(builtin)(entry)
            else:
                files = reader(entry)
                if not files:
                    raise PolicyError(
                        f"{policy.origin} ==> at key: reviewers.{name}.rules ==> "
                        f"no rule file found at `{entry}`",
                        hint=f"name a built-in pack ({', '.join(BUILTIN_PACKS)}) or an "
                             "existing semgrep rule file or folder")
            for origin, data in files:
                for body in _parse_rules(origin, data):
                    _add(by_id, body, name, origin)
    return RuleSet(tuple(by_id.values()))


_PARSED: dict[tuple[str, str], list[dict[str, Any]]] = {}


def _parse_rules(origin: str, data: bytes) -> list[dict[str, Any]]:
    """Parse a rule file once per process (an audit reviews many commits with one rule set)."""
    key = (origin, hashlib.sha256(data).hexdigest())
    if key not in _PARSED:
        _PARSED[key] = _parse_rule_file(origin, data)
    return _PARSED[key]           # read-only: rules are never mutated


def _parse_rule_file(origin: str, data: bytes) -> list[dict[str, Any]]:
    try:
        doc = yamlio.load(data)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{origin}: invalid YAML in rule file: {exc}",
                          hint="fix the rule file; `semgrep --validate --config FILE` helps") from exc
    if not isinstance(doc, dict) or "rules" not in doc:
        return []
    rules = doc["rules"]
    if not isinstance(rules, list) or not all(isinstance(r, dict) and "id" in r for r in rules):
        raise PolicyError(f"{origin}: `rules:` must be a list of rules, each with an `id`",
                          hint="see https://semgrep.dev/docs/writing-rules/rule-syntax")
    return rules


def _add(by_id: dict[str, Rule], body: dict[str, Any], reviewer: str, origin: str) -> None:
    rule_id = str(body["id"])
    old = by_id.get(rule_id)
    if old is not None and old.body == body:
        if reviewer not in old.reviewers:
            by_id[rule_id] = Rule(rule_id, (*old.reviewers, reviewer), old.languages, body, origin)
        return
    if old is not None:
        rule_id = f"{reviewer}.{rule_id}"
    languages = frozenset(str(x).lower() for x in body.get("languages", []) or [])
    by_id[rule_id] = Rule(rule_id, (reviewer,), languages, body, origin)
