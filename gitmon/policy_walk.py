"""Walks a policy file's YAML nodes by its schema (`gitmon.policy_schema`).

Every error names the file, the line and the key path, like a breadcrumb, and says what
to write instead: `gitmon.yml:9 ==> at key: settings.filter ==> ...` then `hint: ...`.
The walker knows the schema's generic kinds and checks; the policy's own kinds (`checks`,
`signals`) and the objects built from the values are `gitmon.policy`'s.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from gitmon import globs, yamlio
from gitmon.errors import PolicyError
from gitmon.policy_schema import Check, Key


class Walker:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.reviewers: Mapping[str, object] = {}   # the names `reviewer` accepts, once read

    def fail(self, node: yaml.Node | None, trail: str, message: str, hint: str) -> PolicyError:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        at = f" ==> at key: {trail}" if trail else ""
        return PolicyError(f"{self.origin}{line}{at} ==> {message}", hint=hint)

    def mapping(self, node: yaml.Node | None, trail: str, allowed: tuple[str, ...] | None,
                ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, trail, f"expected a mapping, got {kind_of(node)}",
                            "write `key: value` pairs here")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or not str(key.value).strip():
                raise self.fail(key, trail, f"a key must be a name, got {kind_of(key)}",
                                "write a plain name before the colon")
            name = str(key.value)
            sub = f"{trail}.{name}" if trail else name
            if allowed is not None and name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(allowed)}"
                raise self.fail(key, sub, f"unknown key `{name}`", hint)
            if name in out:
                raise self.fail(key, sub, f"duplicate key `{name}`", "keep one of them")
            out[name] = (key, value)
        return out

    def scalar(self, node: yaml.Node, trail: str, kind: type | tuple[type, ...]) -> Any:
        value = self.construct(node, trail) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(node, yaml.ScalarNode) or not isinstance(value, kind) or (
                isinstance(value, bool) and kind in (int, float, (int, float))):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(node, trail, f"expected {_article(names)}, got {kind_of(node)}",
                            f"write {_article(names)} here")
        return value

    def construct(self, node: yaml.Node, trail: str) -> Any:
        try:
            return yamlio.construct(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise self.fail(node, trail, f"cannot read the value: {exc}",
                            "write a plain string, number, list or mapping") from exc

    def strings(self, node: yaml.Node, trail: str) -> list[tuple[yaml.Node, str]]:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, trail, f"expected a list, got {kind_of(node)}",
                            "write a list, e.g. [a, b]")
        return [(item, self.scalar(item, f"{trail}[{i}]", str)) for i, item in enumerate(node.value)]

    def choice(self, node: yaml.Node, trail: str, choices: tuple[str, ...]) -> str:
        value = str(self.scalar(node, trail, str))
        if value not in choices:
            raise self.fail(node, trail, f"`{value}` is not allowed",
                            f"use one of: {', '.join(choices)}")
        return value

    def section(self, node: yaml.Node | None, trail: str, table: Mapping[str, Key],
                missing: str) -> dict[str, Any]:
        """Each key of the section's table, in table order: its value checked, or its default."""
        keys = self.mapping(node, trail, tuple(table))
        values: dict[str, Any] = {}
        for name, key in table.items():
            sub = f"{trail}.{name}" if trail else name
            if name in keys:
                values[name] = self.value(key, keys[name][1], sub)
            elif key.required:
                raise self.fail(node, trail, f"missing key `{name}`", missing.format(key=name))
            else:
                values[name] = key.default
        return values

    def value(self, key: Key, node: yaml.Node, trail: str) -> Any:
        """The value of one key, checked by its kind, choices and checks."""
        if key.kind == "mapping":
            return node                     # walked by its own section
        if key.kind == "strings":
            items = self.strings(node, trail)
            for i, (item, text) in enumerate(items):
                for check in key.checks:
                    CHECKS[check](self, item, f"{trail}[{i}]", text)
            return tuple(text for _, text in items)
        if key.nullable and isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return key.default
        value = self.choice(node, trail, key.choices) if key.choices \
            else self.scalar(node, trail, _TYPES[key.kind])
        for check in key.checks:
            CHECKS[check](self, node, trail, value)
        return float(value) if key.kind == "number" else value


_TYPES: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "number": (int, float),
                                              "bool": bool}


def _version(v: Walker, node: yaml.Node, trail: str, value: int) -> None:
    if value != 1:
        raise v.fail(node, trail, f"unsupported version {value}",
                     "this gitmon reads `version: 1`; upgrade gitmon for newer files")


def _positive(v: Walker, node: yaml.Node, trail: str, value: float) -> None:
    if not math.isfinite(value):   # .nan compares false with everything: test it first
        raise v.fail(node, trail, f"must be a finite number, got {value}",
                     "write a positive number")
    if value <= 0:
        raise v.fail(node, trail, f"must be greater than 0, got {value}", "write a positive number")


def _nonempty(v: Walker, node: yaml.Node, trail: str, value: str) -> None:
    if not value.strip() or "\0" in value:
        raise v.fail(node, trail, "must be a non-empty name without NUL characters",
                     "write a path or command name, or remove the key for the default")


def _inside(v: Walker, node: yaml.Node, trail: str, value: str) -> None:
    """gitmon writes (records) or reads (baseline) there: it must stay in the repository."""
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() \
            or ".." in PurePosixPath(value.replace("\\", "/")).parts:
        raise v.fail(node, trail, f"`{value}` leads outside the repository",
                     "write a path relative to the repository root, without `..`")


def _glob(v: Walker, node: yaml.Node, trail: str, pattern: str) -> None:
    problem = globs.problem(pattern)
    if problem is not None:
        raise v.fail(node, trail, f"bad glob `{pattern}`: {problem}",
                     "write a gitignore-style pattern such as `**/retry/**`")


def _reviewer(v: Walker, node: yaml.Node, trail: str, owner: str) -> None:
    if owner not in v.reviewers:
        close = difflib.get_close_matches(owner, list(v.reviewers), n=1)
        hint = (f"did you mean `{close[0]}`?" if close
                else f"define it under `reviewers:` (known: {', '.join(v.reviewers)})")
        raise v.fail(node, trail, f"unknown reviewer `{owner}`", hint)


# What each check the schema names does; raises with the breadcrumb when the value fails it.
CHECKS: Mapping[Check, Callable[[Walker, yaml.Node, str, Any], None]] = {
    "version": _version, "positive": _positive, "nonempty": _nonempty, "inside": _inside,
    "glob": _glob, "reviewer": _reviewer}


def kind_of(node: yaml.Node | None) -> str:
    if node is None:
        return "nothing"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    return {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean",
            "null": "nothing"}.get(tag, tag) + f" ({node.value!r})" * (tag != "null")


def _article(names: str) -> str:
    words = {"str": "a string", "int": "an integer", "float": "a number",
             "int or float": "a number", "bool": "a boolean"}
    return words.get(names, names)
