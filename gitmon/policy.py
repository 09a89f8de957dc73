"""The policy: what is watched (areas), who reviews it (reviewers), and settings.

The policy file is validated as data while it is walked as YAML nodes, so every
error names the file, the line and the key, like a breadcrumb.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pathspec
import yaml

from gitmon import globs, signals, yamlio
from gitmon.engines.check_ids import MODULES as CHECK_IDS
from gitmon.errors import PolicyError
from gitmon.policy_schema import AREA, BLOCK_LEVELS, REVIEWER, SETTINGS, TOP, Check, Key, defaults
from gitmon.severity import Severity

POLICY_FILE = "gitmon.yml"
BUILTIN_ORIGIN = "<built-in default policy>"
BUILTIN_PACKS = ("security", "reliability", "production", "deployment")


@dataclass(frozen=True)
class CheckSpec:
    id: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reviewer:
    name: str
    title: str
    rules: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    block_on: Severity | None
    review_tests: bool = False     # gate test code with these rules too (off: findings dropped)

    def blocks(self, severity: Severity) -> bool:
        return self.block_on is not None and severity >= self.block_on


@dataclass(frozen=True)
class Area:
    name: str
    paths: tuple[str, ...]
    reviewers: tuple[str, ...]
    spec: pathspec.PathSpec[Any] = field(compare=False, repr=False)
    content: tuple[signals.Signal, ...] = ()    # files this area claims by what they say

    def matches(self, path: str) -> bool:
        return bool(self.spec.match_file(path))


@dataclass(frozen=True)
class Settings:
    """The `settings:` section. Keys, defaults and checks are `policy_schema.SETTINGS`;
    a new setting is an entry there plus its typed field here (a test holds them equal)."""

    filter: str
    records: str
    max_file_size: int
    semgrep_timeout: float
    semgrep: str | None
    baseline: str
    on_unreviewable: str


@dataclass(frozen=True)
class Policy:
    origin: str
    areas: Mapping[str, Area]
    reviewers: Mapping[str, Reviewer]
    settings: Settings
    text: str = field(default="", repr=False, compare=False)


def default_policy_text() -> str:
    # A plain path, not importlib.resources (10 ms of imports on every run): the policy
    # ships inside the package directory in every install.
    return Path(__file__).with_name("default_policy.yml").read_text(encoding="utf-8")


def read_policy(root: Path, explicit: str | None = None) -> Policy:
    """The repo's policy file, the one named with --policy, or the built-in default.

    The policy file alone: a review loads it with `rulecheck.load_policy`, which also
    checks the custom rule files it names; the hook's idle fast path reads it alone."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise PolicyError(f"policy file not found: {explicit}",
                              hint="pass an existing file to --policy, or run `gitmon init`")
        policy = parse_policy(_read_text(path, str(path)), str(path))
    elif (root / POLICY_FILE).is_file():
        policy = parse_policy(_read_text(root / POLICY_FILE, POLICY_FILE), POLICY_FILE)
    elif (root / POLICY_FILE).exists():   # not silently the default: the repo meant one
        raise PolicyError(f"{POLICY_FILE} is not a file",
                          hint=f"make {POLICY_FILE} a policy file, or remove it for the default")
    else:
        policy = parse_policy(default_policy_text(), BUILTIN_ORIGIN)
    _check_records_folder(root, policy)
    return policy


def is_builtin_pack(entry: str) -> bool:
    """A `rules:` entry that names a built-in pack rather than a file or folder."""
    return "/" not in entry and entry in BUILTIN_PACKS


def _read_text(path: Path, origin: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{origin}: cannot read the policy file: {exc.strerror or exc}",
                          hint="check that the file is readable") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PolicyError(f"{origin}:{line} ==> the policy file is not UTF-8 text "
                          f"(byte 0x{data[exc.start]:02x})",
                          hint="save the file as UTF-8") from exc


def _check_records_folder(root: Path, policy: Policy) -> None:
    folder = root / policy.settings.records
    if folder.exists() and not folder.is_dir():
        raise PolicyError(f"{policy.origin} ==> at key: settings.records ==> "
                          f"`{policy.settings.records}` is a file, not a folder",
                          hint="name a folder for the records (the default is `.gitmon`)")


def parse_policy(text: str, origin: str) -> Policy:
    try:
        problem = yamlio.check_structure(text)
        root = yamlio.compose(text) if problem is None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        reason = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"{where}: invalid YAML: {reason}",
                          hint="fix the YAML syntax (indentation, quotes, colons)") from exc
    if problem is not None:
        raise PolicyError(f"{origin}:{problem.line} ==> {problem.message}",
                          hint=problem.hint)
    return _Validator(origin).policy(root, text)


class _Validator:
    """Walks the composed YAML nodes; errors carry file:line and the key path."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.reviewers: Mapping[str, Reviewer] = {}    # known once `reviewers:` is read

    def fail(self, node: yaml.Node | None, trail: str, message: str, hint: str) -> PolicyError:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        at = f" ==> at key: {trail}" if trail else ""
        return PolicyError(f"{self.origin}{line}{at} ==> {message}", hint=hint)

    def mapping(self, node: yaml.Node | None, trail: str, allowed: tuple[str, ...] | None,
                ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, trail, f"expected a mapping, got {_kind(node)}",
                            "write `key: value` pairs here")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or not str(key.value).strip():
                raise self.fail(key, trail, f"a key must be a name, got {_kind(key)}",
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
            raise self.fail(node, trail, f"expected {_article(names)}, got {_kind(node)}",
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
            raise self.fail(node, trail, f"expected a list, got {_kind(node)}",
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
        if key.kind == "mapping":
            return node                     # walked by its own section
        if key.kind == "checks":
            return tuple(self.checks(node, trail))
        if key.kind == "signals":
            return signals.parse(self, node, trail)
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

    def policy(self, root: yaml.Node | None, text: str) -> Policy:
        if root is None:
            raise self.fail(None, "", "the policy file is empty", "run `gitmon init` for a start")
        top = self.section(root, "", TOP, "add `{key}:` (see `gitmon init` for an example)")
        # reviewers first: an area names its reviewers
        reviewers = {name: self.reviewer(name, value)
                     for name, (_, value) in self.mapping(top["reviewers"], "reviewers", None).items()}
        self.reviewers = reviewers
        areas = {name: self.area(name, value)
                 for name, (_, value) in self.mapping(top["areas"], "areas", None).items()}
        settings = defaults(SETTINGS) if top["settings"] is None \
            else self.section(top["settings"], "settings", SETTINGS, "")
        return Policy(self.origin, areas, reviewers, Settings(**settings), text)

    def area(self, name: str, node: yaml.Node) -> Area:
        values = self.section(node, f"areas.{name}", AREA, f"give area `{name}` its `{{key}}:` list")
        patterns = values["paths"]
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)   # each was checked as a glob
        return Area(name, patterns, tuple(dict.fromkeys(values["reviewers"])), spec,
                    values["content"])

    def reviewer(self, name: str, node: yaml.Node) -> Reviewer:
        values = self.section(node, f"reviewers.{name}", REVIEWER, "")
        title = name if values["title"] is None else values["title"]
        return Reviewer(name, title, values["rules"], values["checks"],
                        BLOCK_LEVELS[values["block_on"]], values["review_tests"])

    def checks(self, node: yaml.Node, trail: str) -> list[CheckSpec]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, trail, f"expected a list, got {_kind(node)}",
                            "write a list of check ids, e.g. [unsafe-config]")
        out = []
        for i, item in enumerate(node.value):
            sub = f"{trail}[{i}]"
            if isinstance(item, yaml.MappingNode):
                self.mapping(item, sub, None)   # keys are names, none twice
                options = self.construct(item, sub)
                id_node = next((v for k, v in item.value if k.value == "id"), None)
                if id_node is None:
                    raise self.fail(item, sub, "missing key `id`", "name the check with `id:`")
                check_id = str(self.scalar(id_node, f"{sub}.id", str))
                options.pop("id")
            else:
                id_node, check_id, options = item, str(self.scalar(item, sub, str)), {}
            if check_id not in CHECK_IDS:
                close = difflib.get_close_matches(check_id, list(CHECK_IDS), n=1)
                hint = f"did you mean `{close[0]}`?" if close else f"known: {', '.join(CHECK_IDS)}"
                raise self.fail(id_node, sub, f"unknown check `{check_id}`", hint)
            out.append(CheckSpec(check_id, options))
        return out


_TYPES: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "number": (int, float),
                                              "bool": bool}


def _version(v: _Validator, node: yaml.Node, trail: str, value: int) -> None:
    if value != 1:
        raise v.fail(node, trail, f"unsupported version {value}",
                     "this gitmon reads `version: 1`; upgrade gitmon for newer files")


def _positive(v: _Validator, node: yaml.Node, trail: str, value: float) -> None:
    if not math.isfinite(value):   # .nan compares false with everything: test it first
        raise v.fail(node, trail, f"must be a finite number, got {value}",
                     "write a positive number")
    if value <= 0:
        raise v.fail(node, trail, f"must be greater than 0, got {value}", "write a positive number")


def _nonempty(v: _Validator, node: yaml.Node, trail: str, value: str) -> None:
    if not value.strip() or "\0" in value:
        raise v.fail(node, trail, "must be a non-empty name without NUL characters",
                     "write a path or command name, or remove the key for the default")


def _inside(v: _Validator, node: yaml.Node, trail: str, value: str) -> None:
    """gitmon writes (records) or reads (baseline) there: it must stay in the repository."""
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() \
            or ".." in PurePosixPath(value.replace("\\", "/")).parts:
        raise v.fail(node, trail, f"`{value}` leads outside the repository",
                     "write a path relative to the repository root, without `..`")


def _glob(v: _Validator, node: yaml.Node, trail: str, pattern: str) -> None:
    problem = globs.problem(pattern)
    if problem is not None:
        raise v.fail(node, trail, f"bad glob `{pattern}`: {problem}",
                     "write a gitignore-style pattern such as `**/retry/**`")


def _reviewer(v: _Validator, node: yaml.Node, trail: str, owner: str) -> None:
    if owner not in v.reviewers:
        close = difflib.get_close_matches(owner, list(v.reviewers), n=1)
        hint = (f"did you mean `{close[0]}`?" if close
                else f"define it under `reviewers:` (known: {', '.join(v.reviewers)})")
        raise v.fail(node, trail, f"unknown reviewer `{owner}`", hint)


# What each check the schema names does; raises with the breadcrumb when the value fails it.
CHECKS: Mapping[Check, Callable[[_Validator, yaml.Node, str, Any], None]] = {
    "version": _version, "positive": _positive, "nonempty": _nonempty, "inside": _inside,
    "glob": _glob, "reviewer": _reviewer}


def _kind(node: yaml.Node | None) -> str:
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

