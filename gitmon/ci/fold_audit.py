"""`gitmon merge` of audit shards: their summaries (`gitmon audit --shard I/N
--json-output`) folded into the summary of the whole range.

Counts add up; the top rules come from each shard's full rule counts (`shard.rules`), not
from its top ten; blocked and pending commits are listed shard by shard. A missing shard,
or shards that did not audit every commit of the range, make the audit degraded (exit 3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from gitmon.audit.summary import Summary
from gitmon.ci.fold import HINT, Doc, shards
from gitmon.errors import UsageError

NEEDED = ("range", "commits", "routed", "verdicts", "reviewers", "blocked", "pending")


def fold(docs: Sequence[Doc]) -> tuple[Summary, dict[str, Any]]:
    """The summary of the range, and the `shard` entry saying what was merged."""
    total, missing = shards(docs)
    spec, in_range = _same_range(docs)
    out = Summary(spec=spec)
    for _, doc in sorted(docs, key=lambda d: int(d[1].get("shard", {}).get("index", 1))):
        _add(out, doc)
    lost = [f"shard {i} of {total} missing" for i in missing]
    if in_range is not None and out.commits != in_range:
        lost.append(f"the shards audited {out.commits} of the range's {in_range} commit(s)")
    if lost:
        out.degraded = "; ".join(lost + ([out.degraded] if out.degraded else []))
    merged = sorted(int(d.get("shard", {}).get("index", 1)) for _, d in docs)
    return out, {"total": total, "merged": merged, "missing": missing}


def _same_range(docs: Sequence[Doc]) -> tuple[str, int | None]:
    """The range all shards audited, and how many commits it has (None: not sharded)."""
    found = {(d["range"], d.get("shard", {}).get("range_commits")) for _, d in docs}
    if len(found) > 1:
        said = ", ".join(f"{o}: {d['range']}" for o, d in docs)
        raise UsageError(f"the audit summaries are not shards of one range ({said})", hint=HINT)
    [(spec, in_range)] = found
    return str(spec), in_range


def _add(out: Summary, doc: dict[str, Any]) -> None:
    out.shallow = out.shallow or bool(doc.get("shallow"))
    out.commits += int(doc["commits"])
    out.routed += int(doc["routed"])
    out.verdicts.update({k: int(v) for k, v in doc["verdicts"].items()})
    for name, statuses in doc["reviewers"].items():
        out.reviewers.setdefault(name, Counter()).update(statuses)
    rules = doc.get("shard", {}).get("rules")
    if rules is None:     # an unsharded summary: its top rules are all it has
        rules = {r["rule"]: r["findings"] for r in doc.get("top_rules", [])}
    out.rules.update(rules)
    out.blocked += doc["blocked"]
    out.pending += doc["pending"]
    if doc.get("degraded") and out.degraded is None:
        out.degraded = str(doc["degraded"]["reason"])
    engine = doc.get("engine") or {}
    out.engine(int(engine.get("semgrep_runs", 0)), int(engine.get("files_scanned", 0)))
    out.seconds = max(out.seconds, float(doc.get("seconds", 0)))   # the jobs ran side by side
