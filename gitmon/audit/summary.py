"""The summary of an audit: verdicts, reviewer statuses and top rules over many commits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gitmon.review import Review

SCHEMA = "gitmon.audit/1"
TOP_RULES = 10


@dataclass
class Summary:
    spec: str
    shallow: bool = False
    commits: int = 0
    routed: int = 0                                   # commits touching a watched area
    verdicts: Counter[str] = field(default_factory=Counter)
    reviewers: dict[str, Counter[str]] = field(default_factory=dict)
    rules: Counter[str] = field(default_factory=Counter)
    blocked: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    degraded: str | None = None
    semgrep_runs: int = 0
    scanned: int = 0
    seconds: float = 0.0

    def add(self, review: Review, record: str | None) -> None:
        self.commits += 1
        self.routed += bool(review.routing.file_areas)
        self.verdicts[review.verdict.value] += 1
        for name, result in review.reviewers.items():
            if result.status.value != "skipped":
                self.reviewers.setdefault(name, Counter())[result.status.value] += 1
        counting = [f for f in review.findings if f.counts]
        self.rules.update(f.rule for f in counting)
        entry = {"commit": review.change.head, "record": record,
                 "reasons": {n: r.reason for n, r in review.reviewers.items()
                             if r.status.value in ("failed", "pending")}}
        if review.verdict.value == "block":
            self.blocked.append(entry)
        elif review.verdict.value == "pending":
            self.pending.append(entry)
        if review.degraded and self.degraded is None:
            self.degraded = review.degraded

    def engine(self, runs: int, scanned: int) -> None:
        self.semgrep_runs += runs
        self.scanned += scanned

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA, "range": self.spec, "shallow": self.shallow,
            "commits": self.commits, "routed": self.routed,
            "verdicts": {v: self.verdicts.get(v, 0) for v in ("pass", "block", "pending")},
            "reviewers": {name: dict(sorted(c.items())) for name, c in sorted(self.reviewers.items())},
            "top_rules": [{"rule": r, "findings": n} for r, n in self._top()],
            "blocked": self.blocked, "pending": self.pending,
            "degraded": {"reason": self.degraded} if self.degraded else None,
            "engine": {"semgrep_runs": self.semgrep_runs, "files_scanned": self.scanned},
            "seconds": self.seconds,
        }

    def _top(self) -> list[tuple[str, int]]:
        return sorted(self.rules.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]

    def text(self) -> str:
        v = self.verdicts
        lines = [f"gitmon audit {self.spec}: {self.commits} commit(s) reviewed, {self.routed} "
                 f"touched a watched area ({self.seconds:g}s)",
                 f"  verdicts: {v['pass']} pass, {v['block']} block, {v['pending']} pending"]
        if self.shallow:
            lines.append("  note: shallow clone: the oldest commit is diffed against nothing; "
                         "`git fetch --unshallow` for the full history")
        if self.reviewers:
            lines.append(f"  {'reviewer':<14}{'passed':>8}{'failed':>8}{'pending':>8}")
            for name, c in sorted(self.reviewers.items()):
                lines.append(f"  {name:<14}{c['passed']:>8}{c['failed']:>8}{c['pending']:>8}")
        if self.rules:
            lines.append("  top rules:")
            lines += [f"  {n:>6}  {rule}" for rule, n in self._top()]
        for title, entries in (("blocked", self.blocked), ("pending", self.pending)):
            if entries:
                lines.append(f"  {title} commits:")
                for e in entries:
                    first = next(iter(e["reasons"].items()), ("", ""))
                    reason = str(first[1]).strip().splitlines()[0] if first[1] else ""
                    lines.append(f"    {str(e['commit'])[:12]}  {first[0]}: {reason}")
        if self.degraded:
            lines.append(f"  degraded: {self.degraded.strip().splitlines()[0]}")
        lines.append(f"  engine: {self.semgrep_runs} semgrep run(s) over {self.scanned} file(s)")
        return "\n".join(lines) + "\n"
