"""Old policy vs new policy: every way the new one lets more through.

Strictness, from weakest to strictest:
- block_on: never < error < warning < info (a lower severity threshold blocks on more);
- settings.filter: added < hunk < file (a wider filter counts more findings);
- a check's `severity` option: info < warning < error.
Moving toward the strict end is never reported; only the opposite is. Path
patterns are judged by what they match (see `sample`), not by their text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from gitmon.policy import Area, Policy, Reviewer
from gitmon.severity import Severity

BLOCK_STRICTNESS = {None: 0, Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}
FILTER_STRICTNESS = {"added": 0, "hunk": 1, "file": 2}
UNREVIEWABLE_STRICTNESS = {"pass": 0, "pending": 1, "block": 2}


@dataclass(frozen=True)
class Weakening:
    key: tuple[str, ...]       # where it shows in the new file (deleted keys: their old path)
    severity: Severity
    message: str


def weakenings(old: Policy, new: Policy) -> list[Weakening]:
    return [*_reviewers(old, new), *_areas(old, new), *_settings(old, new)]


def _block_label(level: Severity | None) -> str:
    return "never" if level is None else level.label


def _reviewers(old: Policy, new: Policy) -> Iterator[Weakening]:
    yield from _entries("reviewers", old.reviewers, new.reviewers, _reviewer,
                        "reviewer `{}` was removed: the areas it owned lose its rules and "
                        "checks; restore it under `reviewers:`")


_E = TypeVar("_E")


def _entries(section: str, old: Mapping[str, _E], new: Mapping[str, _E],
             compare: Callable[[_E, _E, tuple[str, ...]], Iterator[Weakening]],
             removed: str) -> Iterator[Weakening]:
    """Each entry of `section` the new policy dropped, or kept in a weaker form."""
    for name, before in old.items():
        after = new.get(name)
        if after is None:
            yield Weakening((section, name), Severity.ERROR, removed.format(name))
        else:
            yield from compare(before, after, (section, name))


def _reviewer(before: Reviewer, after: Reviewer, key: tuple[str, ...]) -> Iterator[Weakening]:
    name = before.name
    if BLOCK_STRICTNESS[after.block_on] < BLOCK_STRICTNESS[before.block_on]:
        old, new = _block_label(before.block_on), _block_label(after.block_on)
        yield Weakening((*key, "block_on"), Severity.ERROR,
                        f"reviewer `{name}` block_on lowered from {old} to {new}: findings it used "
                        f"to block on now pass; restore `block_on: {old}`")
    for rule in before.rules:
        if rule not in after.rules:
            yield Weakening((*key, "rules"), Severity.ERROR,
                            f"rules `{rule}` removed from reviewer `{name}`: its findings are no "
                            f"longer looked for; restore `{rule}` in `rules:`")
    checks = {c.id: c for c in after.checks}
    for check in before.checks:
        if check.id not in checks:
            yield Weakening((*key, "checks"), Severity.ERROR,
                            f"check `{check.id}` removed from reviewer `{name}`; restore it in "
                            "`checks:`")
        elif _check_severity(checks[check.id].options) < _check_severity(check.options):
            yield Weakening((*key, "checks", check.id), Severity.ERROR,
                            f"check `{check.id}` of reviewer `{name}` reports at a lower severity "
                            "now, so its findings may no longer block; remove the `severity` "
                            "override")


def _check_severity(options: Mapping[str, Any]) -> int:
    # A check without an override keeps its own (highest possible) severity.
    value = options.get("severity")
    try:
        return int(Severity.parse(str(value))) if value is not None else int(Severity.ERROR) + 1
    except KeyError:
        return int(Severity.ERROR) + 1


def _areas(old: Policy, new: Policy) -> Iterator[Weakening]:
    yield from _entries("areas", old.areas, new.areas, _area,
                        "area `{}` was removed: its files are no longer routed to any reviewer; "
                        "restore it under `areas:`")


def _area(before: Area, after: Area, key: tuple[str, ...]) -> Iterator[Weakening]:
    name = before.name
    for reviewer in before.reviewers:
        if reviewer not in after.reviewers:
            yield Weakening((*key, "reviewers"), Severity.ERROR,
                            f"reviewer `{reviewer}` removed from area `{name}`: it no longer reviews "
                            "these files; add it back to the area's `reviewers:`")
    for pattern in before.paths:
        if pattern not in after.paths and not pattern.startswith("!") \
                and not after.matches(sample(pattern)):
            yield Weakening((*key, "paths"), Severity.ERROR,
                            f"path pattern `{pattern}` removed from area `{name}`: files it matched "
                            "are no longer reviewed; restore it")
    for signal in before.content:
        if signal not in after.content:
            yield Weakening((*key, "content"), Severity.ERROR,
                            f"content signal `{signal.name}` removed or changed in area `{name}`: "
                            "files it claimed may no longer be reviewed; restore it")
    for pattern in after.paths:
        if pattern.startswith("!") and pattern not in before.paths \
                and before.matches(sample(pattern)):
            yield Weakening((*key, "paths", pattern), Severity.ERROR,
                            f"exclusion `{pattern}` added to area `{name}`: files it matches are no "
                            "longer reviewed; remove it, or suppress single findings with a reason")


def sample(pattern: str) -> str:
    """A path the pattern matches: `!**/retry/legacy/**` -> `x/retry/legacy/x`.

    Glob containment is hard in general; one concrete path decides well enough
    whether an exclusion cuts into what the area matched before, or whether a
    removed pattern is still covered (e.g. by a broader one that replaced it).
    """
    body = pattern.lstrip("!").lstrip("/")
    body = re.sub(r"\[([^\]!^])[^\]]*\]", r"\1", body)
    body = re.sub(r"\[[^\]]*\]", "x", body).replace("**", "x").replace("*", "x").replace("?", "x")
    return body + "x" if body.endswith("/") else body


def _settings(old: Policy, new: Policy) -> Iterator[Weakening]:
    before, after = old.settings, new.settings
    if FILTER_STRICTNESS[after.filter] < FILTER_STRICTNESS[before.filter]:
        yield Weakening(("settings", "filter"), Severity.ERROR,
                        f"settings.filter narrowed from {before.filter} to {after.filter}: fewer "
                        f"findings count; restore `filter: {before.filter}`")
    if UNREVIEWABLE_STRICTNESS[after.on_unreviewable] < \
            UNREVIEWABLE_STRICTNESS[before.on_unreviewable]:
        yield Weakening(("settings", "on_unreviewable"),
                        Severity.ERROR if after.on_unreviewable == "pass" else Severity.WARNING,
                        f"settings.on_unreviewable relaxed from {before.on_unreviewable} to "
                        f"{after.on_unreviewable}: a watched file no reviewer could read "
                        f"(binary, huge, unparsable) now gates less; restore "
                        f"`on_unreviewable: {before.on_unreviewable}`")
    if after.max_file_size < before.max_file_size:
        yield Weakening(("settings", "max_file_size"), Severity.WARNING,
                        f"settings.max_file_size lowered from {before.max_file_size} to "
                        f"{after.max_file_size} bytes: files in between are no longer scanned; "
                        "keep the old limit unless scans were too slow")
    if after.semgrep != before.semgrep:
        yield Weakening(("settings", "semgrep"), Severity.WARNING,
                        f"settings.semgrep now runs `{after.semgrep or 'semgrep from PATH'}` "
                        f"instead of `{before.semgrep or 'semgrep from PATH'}`: a different "
                        "engine decides what is found; make sure it is a real semgrep")
    if after.baseline != before.baseline:
        yield Weakening(("settings", "baseline"), Severity.WARNING,
                        f"settings.baseline moved from {before.baseline} to {after.baseline}: the "
                        "findings that file accepts are no longer reviewed as a change to the "
                        "baseline; keep the old path")
