"""`gitmon report`'s data: the coordination summary of a period, built as plain data."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gitmon.board import Seen
from gitmon.commands.status import note_columns

SCHEMA = "gitmon.report/1"
LATEST_BLOCKS = 10
STATUSES = ("passed", "failed", "pending", "skipped")


def summarize(reviews: list[Seen], grid: dict[str, Any], since: str | None,
              generated_at: str) -> dict[str, Any]:
    verdicts = Counter(r.verdict for r in reviews)
    return {
        "schema": SCHEMA, "since": since, "generated_at": generated_at,
        "head": grid["head"], "grid": grid["board"], "grid_sources": note_columns(grid),
        "commits": len({r.commit for r in reviews if r.commit}),
        "reviews": len(reviews),
        "verdicts": {v: verdicts.get(v, 0) for v in ("pass", "block", "pending")},
        "sources": dict(Counter(r.source for r in reviews)),
        "reviewers": _reviewers(reviews),
        "findings": _findings(reviews),
        "blocks": _blocks(reviews),
        "suppressions": [{**s, "at": r.at, "source": r.source}
                         for r in reviews for s in r.suppressions],
        "trend": _trend(reviews),
    }


def _reviewers(reviews: list[Seen]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in reviews:
        for name, status in r.reviewers.items():
            row = out.setdefault(name, dict.fromkeys(STATUSES, 0))
            row[status] = row.get(status, 0) + 1
    return dict(sorted(out.items()))


def _findings(reviews: list[Seen]) -> list[dict[str, Any]]:
    """Findings that count, per area and rule, most first."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in reviews:
        for f in r.findings:
            if not f.get("baselined"):
                counts[(str(f.get("area") or "-"), str(f.get("rule")))] += int(f.get("count", 1))
    return [{"area": a, "rule": rule, "count": n}
            for (a, rule), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def failed_pairs(r: Seen) -> list[tuple[str, str]]:
    """(area, reviewer) that failed: where a failed reviewer's findings are (a status is
    per reviewer; its findings say in which areas), else every area it reviewed."""
    failed = {n for n, status in r.reviewers.items() if status == "failed"}
    pairs = {(str(f.get("area")), str(f.get("reviewer"))) for f in r.findings
             if f.get("reviewer") in failed and f.get("area") and not f.get("baselined")}
    if not pairs:
        pairs = {(a, n) for a, names in r.areas.items() for n in names if n in failed}
    return sorted(pairs)


def _outcome(block: Seen, later: list[Seen]) -> str:
    """baselined: a later review accepted its findings; fixed: a later review of the same
    areas passed their reviewers; open otherwise."""
    prints = {f.get("fingerprint") for f in block.findings}
    if any(f.get("baselined") and f.get("fingerprint") in prints for r in later for f in r.findings):
        return "baselined"
    todo = set(failed_pairs(block))
    for r in later:
        todo -= {(a, n) for a, names in r.areas.items() for n in names
                 if r.reviewers.get(n) == "passed"}
    return "fixed" if not todo else "open"


def _blocks(reviews: list[Seen]) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(reviews):
        if r.verdict != "block":
            continue
        out.append({"id": r.id, "at": r.at, "source": r.source, "kind": r.kind,
                    "commit": r.commit, "outcome": _outcome(r, reviews[i + 1:]),
                    "failed": [{"area": a, "reviewer": n} for a, n in failed_pairs(r)],
                    "findings": [f for f in r.findings if not f.get("baselined")]})
    return out[::-1][:LATEST_BLOCKS]


def _trend(reviews: list[Seen]) -> list[dict[str, Any]]:
    """Per day: the verdicts, and per area how many reviewer verdicts failed and passed."""
    days: dict[str, dict[str, Any]] = {}
    for r in reviews:
        day = days.setdefault(r.at[:10], {"day": r.at[:10], "pass": 0, "block": 0,
                                          "pending": 0, "areas": {}})
        day[r.verdict] = day.get(r.verdict, 0) + 1
        for area, names in r.areas.items():
            cell = day["areas"].setdefault(area, {"passed": 0, "failed": 0})
            for name in names:
                status = r.reviewers.get(name)
                if status in cell:
                    cell[status] += 1
    return [days[d] for d in sorted(days)]
