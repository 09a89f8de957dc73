"""Findings -> reviewer statuses -> the verdict and the exit code."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from gitmon.errors import EXIT_BLOCK, EXIT_FAILURE, EXIT_PASS
from gitmon.findings import Finding
from gitmon.policy import Policy, Reviewer, Settings
from gitmon.policy_schema import BLOCK_LEVELS
from gitmon.severity import Severity

UNREVIEWED = "not fully reviewed:"   # a reason naming files it could not read (reports look)


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"
    SKIPPED = "skipped"


class Verdict(str, enum.Enum):
    PASS = "pass"
    BLOCK = "block"
    PENDING = "pending"

    @property
    def exit_code(self) -> int:
        return {Verdict.PASS: EXIT_PASS, Verdict.BLOCK: EXIT_BLOCK,
                Verdict.PENDING: EXIT_FAILURE}[self]


@dataclass(frozen=True)
class ReviewerResult:
    status: Status
    files: tuple[str, ...]
    findings: int
    reason: str


def threshold(reviewer: Reviewer, fail_on: str | None) -> Severity | None:
    return BLOCK_LEVELS[fail_on] if fail_on else reviewer.block_on


def judge(policy: Policy, reviewer_files: Mapping[str, tuple[str, ...]],
          findings: list[Finding], pending: Mapping[str, str], fail_on: str | None,
          unreviewed: Mapping[str, str] | None = None,
          ) -> tuple[dict[str, ReviewerResult], Verdict]:
    """Each reviewer's status. `pending`: reviewers the engine failed; `unreviewed`: reviewers
    with files they could not read (`unreviewed.by_reviewer`), judged by on_unreviewable."""
    results: dict[str, ReviewerResult] = {}
    for name, reviewer in policy.reviewers.items():
        files = reviewer_files.get(name, ())
        mine = [f for f in findings if f.reviewer == name and f.counts]
        level = threshold(reviewer, fail_on)
        blocking = [f for f in mine if level is not None and f.severity >= level]
        missed = (unreviewed or {}).get(name)
        if not files:
            results[name] = ReviewerResult(Status.SKIPPED, (), 0, "no routed files")
            continue
        status, reason = _status(blocking, pending.get(name), missed, policy.settings)
        if status is Status.PASSED:
            reason = (f"{len(mine)} non-blocking finding(s)" if mine else "no findings") + reason
        results[name] = ReviewerResult(status, files, len(mine), reason)
    statuses = {r.status for r in results.values()}
    if Status.FAILED in statuses:
        return results, Verdict.BLOCK
    if Status.PENDING in statuses:
        return results, Verdict.PENDING
    return results, Verdict.PASS


def _status(blocking: list[Finding], failure: str | None, missed: str | None,
            settings: Settings) -> tuple[Status, str]:
    """Blocking findings first; then the engine's failure; then files it could not read."""
    also = f"; {UNREVIEWED} {missed}" if missed else ""
    if blocking:
        worst = max(blocking, key=lambda f: f.severity)
        return Status.FAILED, (f"{len(blocking)} blocking finding(s), first: {worst.rule} at "
                               f"{worst.path}:{worst.line}{also}")
    if failure is not None:
        return Status.PENDING, failure + also
    if missed is None:
        return Status.PASSED, ""
    if settings.on_unreviewable == "block":
        return Status.FAILED, f"{UNREVIEWED} {missed} (settings.on_unreviewable: block)"
    if settings.on_unreviewable == "pass":
        return Status.PASSED, (f"; {UNREVIEWED} {missed} - accepted by "
                               "settings.on_unreviewable: pass")
    return Status.PENDING, f"{UNREVIEWED} {missed}"
