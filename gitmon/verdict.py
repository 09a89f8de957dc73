"""Findings -> reviewer statuses -> the verdict and the exit code."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from gitmon.errors import EXIT_BLOCK, EXIT_FAILURE, EXIT_PASS
from gitmon.findings import Finding
from gitmon.policy import BLOCK_LEVELS, Policy, Reviewer, Severity


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
          ) -> tuple[dict[str, ReviewerResult], Verdict]:
    results: dict[str, ReviewerResult] = {}
    for name, reviewer in policy.reviewers.items():
        files = reviewer_files.get(name, ())
        mine = [f for f in findings if f.reviewer == name and f.counts]
        level = threshold(reviewer, fail_on)
        blocking = [f for f in mine if level is not None and f.severity >= level]
        if not files:
            results[name] = ReviewerResult(Status.SKIPPED, (), 0, "no routed files")
        elif blocking:
            worst = max(blocking, key=lambda f: f.severity)
            reason = (f"{len(blocking)} blocking finding(s), first: {worst.rule} at "
                      f"{worst.path}:{worst.line}")
            results[name] = ReviewerResult(Status.FAILED, files, len(mine), reason)
        elif name in pending:
            results[name] = ReviewerResult(Status.PENDING, files, len(mine), pending[name])
        else:
            reason = f"{len(mine)} non-blocking finding(s)" if mine else "no findings"
            results[name] = ReviewerResult(Status.PASSED, files, len(mine), reason)
    statuses = {r.status for r in results.values()}
    if Status.FAILED in statuses:
        return results, Verdict.BLOCK
    if Status.PENDING in statuses:
        return results, Verdict.PENDING
    return results, Verdict.PASS
