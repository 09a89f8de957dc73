"""The policy: what is watched (areas), who reviews it (reviewers), and settings.

The policy file is validated as data while it is walked as YAML nodes, so every
error names the file, the line and the key, like a breadcrumb.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pathspec
import yaml

from gitmon import globs, signals, yamlio
from gitmon.engines.check_ids import MODULES as CHECK_IDS
from gitmon.errors import PolicyError
from gitmon.severity import Severity

POLICY_FILE = "gitmon.yml"
BUILTIN_ORIGIN = "<built-in default policy>"
BUILTIN_PACKS = ("security", "reliability", "production", "deployment")


BLOCK_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
                "never": None}
FILTERS = ("added", "hunk", "file")
ON_UNREVIEWABLE = ("pending", "pass", "block")   # a watched file no rule could read


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
    filter: str = "added"
    records: str = ".gitmon"
    max_file_size: int = 1024 * 1024
    semgrep_timeout: float = 300.0
    semgrep: str | None = None
    baseline: str = ".gitmon-baseline.json"
    on_unreviewable: str = "pending"


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

    def policy(self, root: yaml.Node | None, text: str) -> Policy:
        if root is None:
            raise self.fail(None, "", "the policy file is empty", "run `gitmon init` for a start")
        top = self.mapping(root, "", ("version", "areas", "reviewers", "settings"))
        if "version" in top:
            version = self.scalar(top["version"][1], "version", int)
            if version != 1:
                raise self.fail(top["version"][1], "version", f"unsupported version {version}",
                                "this gitmon reads `version: 1`; upgrade gitmon for newer files")
        for required in ("areas", "reviewers"):
            if required not in top:
                raise self.fail(root, "", f"missing key `{required}`",
                                f"add `{required}:` (see `gitmon init` for an example)")
        reviewers = {name: self.reviewer(name, value)
                     for name, (_, value) in self.mapping(top["reviewers"][1], "reviewers",
                                                          None).items()}
        areas = {name: self.area(name, value, reviewers)
                 for name, (_, value) in self.mapping(top["areas"][1], "areas", None).items()}
        settings = self.settings(top["settings"][1]) if "settings" in top else Settings()
        return Policy(self.origin, areas, reviewers, settings, text)

    def area(self, name: str, node: yaml.Node, reviewers: Mapping[str, Reviewer]) -> Area:
        trail = f"areas.{name}"
        keys = self.mapping(node, trail, ("paths", "reviewers", "description", "content"))
        for required in ("paths", "reviewers"):
            if required not in keys:
                raise self.fail(node, trail, f"missing key `{required}`",
                                f"give area `{name}` its `{required}:` list")
        if "description" in keys:
            self.scalar(keys["description"][1], f"{trail}.description", str)
        paths = self.strings(keys["paths"][1], f"{trail}.paths")
        for i, (item, pattern) in enumerate(paths):
            _check_glob(self, item, f"{trail}.paths[{i}]", pattern)
        owners = self.strings(keys["reviewers"][1], f"{trail}.reviewers")
        for i, (item, owner) in enumerate(owners):
            if owner not in reviewers:
                close = difflib.get_close_matches(owner, list(reviewers), n=1)
                hint = (f"did you mean `{close[0]}`?" if close
                        else f"define it under `reviewers:` (known: {', '.join(reviewers)})")
                raise self.fail(item, f"{trail}.reviewers[{i}]", f"unknown reviewer `{owner}`", hint)
        patterns = tuple(p for _, p in paths)
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)   # each was checked above
        content = signals.parse(self, keys["content"][1], f"{trail}.content") if "content" in keys else ()
        return Area(name, patterns, tuple(dict.fromkeys(o for _, o in owners)), spec, content)

    def reviewer(self, name: str, node: yaml.Node) -> Reviewer:
        trail = f"reviewers.{name}"
        keys = self.mapping(node, trail, ("title", "rules", "checks", "block_on", "review_tests"))
        title = self.scalar(keys["title"][1], f"{trail}.title", str) if "title" in keys else name
        rules = [r for _, r in self.strings(keys["rules"][1], f"{trail}.rules")] if "rules" in keys else []
        checks = self.checks(keys["checks"][1], f"{trail}.checks") if "checks" in keys else []
        block_on = "error"
        if "block_on" in keys:
            block_on = self.choice(keys["block_on"][1], f"{trail}.block_on", tuple(BLOCK_LEVELS))
        tests = self.scalar(keys["review_tests"][1], f"{trail}.review_tests", bool) \
            if "review_tests" in keys else False
        return Reviewer(name, title, tuple(rules), tuple(checks), BLOCK_LEVELS[block_on], tests)

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

    def settings(self, node: yaml.Node) -> Settings:
        keys = self.mapping(node, "settings", ("filter", "records", "max_file_size",
                                                "semgrep_timeout", "semgrep", "baseline",
                                                "on_unreviewable"))
        values: dict[str, Any] = {}
        if "filter" in keys:
            values["filter"] = self.choice(keys["filter"][1], "settings.filter", FILTERS)
        if "on_unreviewable" in keys:
            values["on_unreviewable"] = self.choice(keys["on_unreviewable"][1],
                                                    "settings.on_unreviewable", ON_UNREVIEWABLE)
        for key in ("records", "semgrep", "baseline"):
            if key in keys:
                values[key] = _nonempty(self, keys[key][1], f"settings.{key}")
        for key in ("records", "baseline"):
            if key in keys:
                _inside(self, keys[key][1], f"settings.{key}", values[key])
        if "max_file_size" in keys:
            values["max_file_size"] = _positive(self, keys["max_file_size"][1],
                                                "settings.max_file_size", int)
        if "semgrep_timeout" in keys:
            values["semgrep_timeout"] = float(_positive(self, keys["semgrep_timeout"][1],
                                                        "settings.semgrep_timeout", (int, float)))
        return Settings(**values)


def _positive(v: _Validator, node: yaml.Node, trail: str, kind: Any) -> Any:
    value = v.scalar(node, trail, kind)
    if not math.isfinite(value):   # .nan compares false with everything: test it first
        raise v.fail(node, trail, f"must be a finite number, got {value}",
                     "write a positive number")
    if value <= 0:
        raise v.fail(node, trail, f"must be greater than 0, got {value}", "write a positive number")
    return value


def _nonempty(v: _Validator, node: yaml.Node, trail: str) -> str:
    value = str(v.scalar(node, trail, str))
    if not value.strip() or "\0" in value:
        raise v.fail(node, trail, "must be a non-empty name without NUL characters",
                     "write a path or command name, or remove the key for the default")
    return value


def _inside(v: _Validator, node: yaml.Node, trail: str, value: str) -> None:
    """gitmon writes (records) or reads (baseline) there: it must stay in the repository."""
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() \
            or ".." in PurePosixPath(value.replace("\\", "/")).parts:
        raise v.fail(node, trail, f"`{value}` leads outside the repository",
                     "write a path relative to the repository root, without `..`")


def _check_glob(v: _Validator, node: yaml.Node, trail: str, pattern: str) -> None:
    problem = globs.problem(pattern)
    if problem is not None:
        raise v.fail(node, trail, f"bad glob `{pattern}`: {problem}",
                     "write a gitignore-style pattern such as `**/retry/**`")


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

