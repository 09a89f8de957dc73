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

from gitmon import __version__, gitio, installed, rulekey, yamlio
from gitmon.cache import Cache
from gitmon.cache import key as cache_key
from gitmon.errors import PolicyError
from gitmon.languages import ALWAYS, EXTENSIONS, languages_of
from gitmon.policy import BUILTIN_PACKS, Policy, is_builtin_pack

__all__ = ["ALWAYS", "EXTENSIONS", "Reader", "Rule", "RuleSet", "languages_of", "load_ruleset"]


def builtin_rules_dir() -> Path:
    folder = installed.rules_dir()
    if folder is not None:
        return Path(folder)
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
        return rulekey.for_languages(self.rules, languages)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def digest(self, reviewers: frozenset[str] | None = None) -> str:
        """The rule-set hash of the cache key: the rules those reviewers run."""
        if reviewers not in self._digests:
            self._digests[reviewers] = rulekey.digest(self.rules, reviewers)
        return self._digests[reviewers]

    def config_text(self, rules: list[Rule]) -> str:
        return rulekey.config_text(rules)


Reader = Callable[[str], "list[tuple[str, bytes]]"]


def disk_reader(root: Path) -> Reader:
    def read(entry: str) -> list[tuple[str, bytes]]:
        path = root / entry
        if path.is_dir():
            return [(str(p.relative_to(root)), p.read_bytes()) for p in sorted(path.rglob("*"))
                    if p.is_file() and is_rule_file(p.name)]
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
            if is_rule_file(path):
                data = gitio.read_at(root, rev, path)
                if data is not None:
                    out.append((path, data))
        return out
    return read


def is_rule_file(name: str) -> bool:
    """A rule file of a rules folder; `x.test.yaml` is a YAML rule's test fixture."""
    return name.endswith((".yaml", ".yml")) and not name.endswith((".test.yaml", ".test.yml"))


def load_ruleset(policy: Policy, reader: Reader, reviewers: set[str] | None = None,
                 memo: Cache | None = None) -> RuleSet:
    """The reviewers' rules; `memo`, the review cache, keeps parsed rule files across runs."""
    by_id: dict[str, Rule] = {}
    for name, reviewer in policy.reviewers.items():
        if reviewers is not None and name not in reviewers:
            continue
        for entry in reviewer.rules:
            for origin, data in read_entry(policy, name, entry, reader):
                for body in parse_rules(origin, data, memo):
                    _add(by_id, body, name, origin)
    return RuleSet(tuple(by_id.values()))


def read_entry(policy: Policy, reviewer: str, entry: str, reader: Reader,
               ) -> list[tuple[str, bytes]]:
    """The rule files of one `rules:` entry: a built-in pack, or a file or folder."""
    if is_builtin_pack(entry):
        return disk_reader(builtin_rules_dir())(entry)
    files = reader(entry)
    if not files:
        raise PolicyError(
            f"{policy.origin} ==> at key: reviewers.{reviewer}.rules ==> "
            f"no rule file found at `{entry}`",
            hint=f"name a built-in pack ({', '.join(BUILTIN_PACKS)}) or an "
                 "existing semgrep rule file or folder")
    return files


_PARSED: dict[tuple[str, str], list[dict[str, Any]]] = {}


def parse_rules(origin: str, data: bytes, memo: Cache | None = None) -> list[dict[str, Any]]:
    """Parse a rule file once per process (an audit reviews many commits with one rule set)."""
    key = (origin, hashlib.sha256(data).hexdigest())
    if key not in _PARSED:
        _PARSED[key] = _remembered(origin, data, memo)
    return _PARSED[key]           # read-only: rules are never mutated


def _remembered(origin: str, data: bytes, memo: Cache | None) -> list[dict[str, Any]]:
    """The YAML of 55 rule files is a third of a cached review's time: a file parsed (and
    found valid) once is read back from the review cache, keyed by its content and this
    gitmon's version. Only a parse that JSON keeps exactly is remembered."""
    if memo is None:
        return _parse_rule_file(origin, data)
    key = cache_key(origin, data, "parsed-rules", __version__)
    found = memo.get(key)
    if found is not None and all(isinstance(body, dict) for body in found):
        return found
    rules = _parse_rule_file(origin, data)
    try:
        if json.loads(json.dumps(rules)) == rules:
            memo.put(key, rules)
    except (TypeError, ValueError):
        pass                      # a YAML date or a non-string key: parsed each time
    return rules


def _parse_rule_file(origin: str, data: bytes) -> list[dict[str, Any]]:
    try:
        root = yamlio.compose(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        raise PolicyError(f"{where} ==> invalid YAML in rule file: {reason}",
                          hint="fix the rule file's YAML (indentation, quotes, colons)") from exc
    top = dict((k.value, v) for k, v in root.value) if isinstance(root, yaml.MappingNode) else {}
    node = top.get("rules")
    if node is None:
        return []          # not a rule file (a folder may hold other YAML)
    if not isinstance(node, yaml.SequenceNode):
        raise PolicyError(f"{origin}:{node.start_mark.line + 1} ==> `rules:` must be a list",
                          hint="see https://semgrep.dev/docs/writing-rules/rule-syntax")
    return [_check_rule(origin, item, i) for i, item in enumerate(node.value)]


# What every semgrep rule needs; the patterns themselves are checked by semgrep (rulecheck).
_REQUIRED = (("id", str), ("message", str), ("severity", str), ("languages", list))


def _check_rule(origin: str, node: yaml.Node, index: int) -> dict[str, Any]:
    where = f"{origin}:{node.start_mark.line + 1}"
    try:
        body = yamlio.construct(node)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise PolicyError(f"{where} ==> rule {index + 1}: {exc}",
                          hint="write the rule as plain YAML") from exc
    if not isinstance(body, dict):
        raise PolicyError(f"{where} ==> rule {index + 1} is not a mapping",
                          hint="each rule is a mapping with id, message, severity, languages")
    name = f"`{body['id']}`" if isinstance(body.get("id"), str) and body["id"] else index + 1
    for key, kind in _REQUIRED:
        value = body.get(key)
        if not isinstance(value, kind) or not value:
            kind_name = "string" if kind is str else "list"
            problem = "missing" if key not in body else f"must be a non-empty {kind_name}"
            raise PolicyError(f"{where} ==> rule {name} ==> `{key}` {problem}",
                              hint="see https://semgrep.dev/docs/writing-rules/rule-syntax")
    return body


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
