"""The policy: what is watched (areas), who reviews it (reviewers), and settings.

The policy file is validated as data while it is walked as YAML nodes (`policy_walk`,
by the tables of `policy_schema`), so every error names the file, the line and the key,
like a breadcrumb.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
import yaml

from gitmon import installed, policyfile, signals, yamlio
from gitmon.engines.check_ids import MODULES as CHECK_IDS
from gitmon.errors import PolicyError
from gitmon.policy_schema import AREA, BLOCK_LEVELS, REVIEWER, SETTINGS, TOP, Key, defaults
from gitmon.policy_walk import Walker, kind_of
from gitmon.policyfile import BUILTIN_ORIGIN as BUILTIN_ORIGIN  # the names importers know
from gitmon.policyfile import POLICY_FILE as POLICY_FILE
from gitmon.severity import Severity

BUILTIN_PACKS = ("security", "reliability", "production", "deployment")


@dataclass(frozen=True)
class CheckSpec:
    id: str
    options: Mapping[str, Any] = field(default_factory=dict)


# Reviewer, Area and Settings are built only from a walked policy file: their keys and
# defaults are policy_schema's REVIEWER, AREA and SETTINGS, never repeated here.


@dataclass(frozen=True)
class Reviewer:
    name: str
    title: str
    rules: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    block_on: Severity | None
    review_tests: bool     # gate test code with these rules too (off: findings dropped)

    def blocks(self, severity: Severity) -> bool:
        return self.block_on is not None and severity >= self.block_on


@dataclass(frozen=True)
class Area:
    name: str
    paths: tuple[str, ...]
    reviewers: tuple[str, ...]
    spec: pathspec.PathSpec[Any] = field(compare=False, repr=False)
    content: tuple[signals.Signal, ...]    # files this area claims by what they say

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
    return Path(installed.DEFAULT_POLICY).read_text(encoding="utf-8")


def read_policy(root: Path, explicit: str | None = None) -> Policy:
    """The repo's policy file, the one named with --policy, or the built-in default.

    The policy file alone: a review loads it with `rulecheck.load_policy`, which also
    checks the custom rule files it names; the hook's idle fast path reads it alone."""
    found = policyfile.locate(str(root), explicit)
    if found is None and explicit is not None:
        raise PolicyError(f"policy file not found: {explicit}",
                          hint="pass an existing file to --policy, or run `gitmon init`")
    if found is None:     # not silently the default: the repo meant one
        raise PolicyError(f"{POLICY_FILE} is not a file",
                          hint=f"make {POLICY_FILE} a policy file, or remove it for the default")
    origin, path = found
    text = default_policy_text() if origin == BUILTIN_ORIGIN else _read_text(Path(path), origin)
    policy = parse_policy(text, origin)
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


class _Validator(Walker):
    """The walk of a whole policy file: builds the Policy from the checked values."""

    def value(self, key: Key, node: yaml.Node, trail: str) -> Any:
        if key.kind == "checks":
            return tuple(self.checks(node, trail))
        if key.kind == "signals":
            return signals.parse(self, node, trail)
        return super().value(key, node, trail)

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
            raise self.fail(node, trail, f"expected a list, got {kind_of(node)}",
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
