"""A rule's `paths:` scope, applied by gitmon to each file's real path.

semgrep filters a rule by `paths:` against the path it scans, and gitmon's temp tree holds
the real path only when it can: an odd name becomes `_gitmon_<n>/file.py`, and an audit
puts later versions of a path under `_gitmon_v<n>/` so that one run scans them all. So the
engine gets the rules without `paths:` (`rulekey.config_text`) and each match is kept here
only if its rule's scope holds the file's real path.

The semantics are semgrep's own (1.x), held against the engine by tests/test_scope.py: a
pattern is a glob tried on the path and on each folder above it; it is anchored at the
root when it starts with `/` or `./`, else it may match at any depth (`a/b` matches
`c/a/b/x.py`); a trailing `/` matches folders only; `*` and `?` stay within a folder,
`**` spans folders; a file must match an `include` (when there is one) and no `exclude`;
a pattern starting with `!` matches nothing (no negation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import pathspec

from gitmon.engines.output import Match
from gitmon.errors import PolicyError


class ScopedRule(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def body(self) -> Mapping[str, Any]: ...

    @property
    def origin(self) -> str: ...


_Spec = pathspec.PathSpec[Any] | None     # None: nothing to check (no such key)


class Scope:
    """The `paths:` of some rules, compiled once; a rule without one scopes every path."""

    def __init__(self, rules: Iterable[ScopedRule]) -> None:
        self._specs: dict[str, tuple[_Spec, _Spec]] = {}
        for rule in rules:
            paths = rule.body.get("paths")
            if paths is not None:
                self._specs[rule.id] = _compile(rule, paths)

    def __bool__(self) -> bool:
        return bool(self._specs)

    def allows(self, rule_id: str, path: str) -> bool:
        specs = self._specs.get(rule_id)
        if specs is None:
            return True
        include, exclude = specs
        if include is not None and not include.match_file(path):
            return False
        return exclude is None or not exclude.match_file(path)

    def keep(self, path: str, matches: list[Match]) -> list[Match]:
        """The matches whose rule runs on path."""
        return [m for m in matches if self.allows(m.rule, path)] if self._specs else matches


def _compile(rule: ScopedRule, paths: Any) -> tuple[_Spec, _Spec]:
    where = f"{rule.origin} ==> rule `{rule.id}` ==> `paths`"
    hint = "write `paths: {include: [glob, ...], exclude: [glob, ...]}`"
    if not isinstance(paths, Mapping) or set(paths) - {"include", "exclude"}:
        raise PolicyError(f"{where} must be a mapping with `include` and/or `exclude`",
                          hint=hint)
    specs: list[_Spec] = []
    for key in ("include", "exclude"):
        value = paths.get(key)
        if value is None:
            specs.append(None)
            continue
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            # semgrep refuses the rule too (`Expected a list for include`)
            raise PolicyError(f"{where}.{key} must be a list of globs", hint=hint)
        specs.append(_spec(value, f"{where}.{key}", hint))
    return specs[0], specs[1]


def _spec(patterns: list[str], where: str, hint: str) -> pathspec.PathSpec[Any]:
    """One spec for semgrep's reading of patterns: unanchored unless they start with `/`
    or `./`, never negated."""
    lines = []
    for p in patterns:
        if not p or p.startswith("!"):
            continue
        if p.startswith("./"):
            p = p[1:]
        lines.append(p if p.startswith(("/", "**/")) else f"**/{p}")
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (re.error, ValueError, TypeError) as exc:
        raise PolicyError(f"{where}: a glob cannot be read ({exc})", hint=hint) from exc
