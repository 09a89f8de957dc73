"""Watched files a reviewer could not read (binary, huge, unparsable, engine error).

A skipped file counts against a reviewer only when that reviewer has something that
reads it: a semgrep rule for its language, or a built-in check for its config format.
A JavaScript file with a NUL byte in a comment is a blind spot of every reviewer with
JavaScript rules; a PNG in a watched folder is nobody's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from gitmon.engines.builtin.confignodes import config_format
from gitmon.languages import languages_of
from gitmon.policy import BUILTIN_PACKS, POLICY_FILE, Policy
from gitmon.routing import Routing
from gitmon.rulesets import RuleSet
from gitmon.testcode import is_test_path

SHOWN = 3     # files named in a reviewer's reason; every file's note is in the record


def by_reviewer(policy: Policy, routing: Routing, ruleset: RuleSet,
                skipped: Mapping[str, str]) -> dict[str, str]:
    """Reviewer -> which of its files it could not review and why, for the reason line."""
    out: dict[str, str] = {}
    for name, files in routing.reviewer_files.items():
        missed = [(path, skipped[path]) for path in files
                  if path in skipped and reads(policy, ruleset, name, path)]
        if missed:
            out[name] = describe(missed)
    return out


def engine_failed(routing: Routing, ruleset: RuleSet, scanned: Collection[str],
                  failure: str | None) -> dict[str, str]:
    """Reviewer -> `degraded: why`, for each reviewer with rules for a file the failed
    engine was to scan."""
    if failure is None:
        return {}
    pending = {}
    for name, files in routing.reviewer_files.items():
        langs = languages_of([p for p in files if p in scanned])
        if any(name in r.reviewers for r in ruleset.for_languages(langs)):
            pending[name] = f"degraded: {failure}"
    return pending


def reads(policy: Policy, ruleset: RuleSet, reviewer: str, path: str) -> bool:
    """Would the reviewer have looked into this file's content?"""
    # its rules do not gate test code unless it opts in, so an unread test file hides nothing
    gates = policy.reviewers[reviewer].review_tests or not is_test_path(path)
    if gates and any(reviewer in r.reviewers for r in ruleset.for_languages(languages_of([path]))):
        return True
    checks = {c.id for c in policy.reviewers[reviewer].checks}
    if "unsafe-config" in checks and config_format(path) is not None:
        return True
    return "policy-weakened" in checks and is_gate_file(policy, path)


def is_gate_file(policy: Policy, path: str) -> bool:
    """The files policy-weakened reads: the policy, the baseline and custom rule files."""
    if path in (POLICY_FILE, policy.settings.baseline):
        return True
    entries = {e.rstrip("/") for r in policy.reviewers.values() for e in r.rules
               if e not in BUILTIN_PACKS}
    return any(path == e or path.startswith(e + "/") for e in entries)


def describe(missed: list[tuple[str, str]]) -> str:
    shown = ", ".join(f"{path} ({why})" for path, why in missed[:SHOWN])
    more = len(missed) - SHOWN
    return shown + (f" and {more} more file(s) (see their notes)" if more > 0 else "")
