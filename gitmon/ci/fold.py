"""`gitmon merge`: the records of CI's shards folded into the one record of the change.

Every shard routes the whole change (so their `change` and `areas` agree) and scans its
share of the routed files (`shard.files`); shard 1 alone runs the built-in checks. The
fold takes the plan once, the findings of all (each once), each reviewer's worst status
(failed, pending, passed, skipped) and the verdict by the usual rule. What no given shard
scanned (a missing shard) leaves its reviewers pending: a gate never passes silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from gitmon import __version__, counting, records
from gitmon.errors import UsageError
from gitmon.record import Record
from gitmon.severity import Severity

Doc = tuple[str, dict[str, Any]]       # (where it was read, the JSON document)
RANK = ("skipped", "passed", "pending", "failed")
HINT = "give the records of one run of the matrix: one per shard, each once"


def shards(docs: Sequence[Doc]) -> tuple[int, list[int]]:
    """The number of shards and the missing ones; duplicates or mixed totals are errors."""
    seen: dict[int, str] = {}
    totals = {_shard(d)["total"] for _, d in docs}
    if len(totals) > 1:
        raise UsageError(f"the records come from matrices of different sizes ({sorted(totals)} "
                         "shards)", hint=HINT)
    for origin, doc in docs:
        index = _shard(doc)["index"]
        if index in seen:
            raise UsageError(f"shard {index} is given twice: {seen[index]} and {origin}",
                             hint=HINT)
        seen[index] = origin
    [total] = totals
    return total, [i for i in range(1, total + 1) if i not in seen]


def _shard(doc: dict[str, Any]) -> dict[str, Any]:
    """A record's shard; an unsharded run is shard 1 of 1 (and scanned every routed file)."""
    found: dict[str, Any] = doc.get("shard") or {"index": 1, "total": 1, "files": None}
    return found


def fold(docs: Sequence[Doc]) -> Record:
    """The record of the whole change from its shards' records (at least one)."""
    _same_change(docs)
    total, missing = shards(docs)
    docs = sorted(docs, key=lambda d: int(_shard(d[1])["index"]))
    first = docs[0][1]
    plain = [d for _, d in docs]
    uncovered = _uncovered(plain, first)
    out: dict[str, Any] = {
        "schema": records.SCHEMA, "id": records.new_id(_earliest(plain)),
        "source": first["source"], "started_at": _earliest(plain),
        "finished_at": max(str(d["finished_at"]) for d in plain),
        "tool": {"name": "gitmon", "version": __version__},
        "change": dict(first["change"], files=_files(plain)),
        "areas": first["areas"], "reviewers": {},
        "findings": _findings(plain), "unrouted": first.get("unrouted", 0),
        "policy": first.get("policy"),
        "filter_dropped": sum(int(d.get("filter_dropped", 0)) for d in plain),
        "tests_dropped": sum(int(d.get("tests_dropped", 0)) for d in plain),
        "engine": _engine(plain),
        "degraded": _degraded(plain, missing, total),
        "shard": {"total": total, "merged": [_shard(d)["index"] for d in plain],
                  "missing": missing},
    }
    tally = counting.tally(out)["reviewer"]
    for name in first["reviewers"]:
        out["reviewers"][name] = _reviewer(name, plain, tally.get(name, 0),
                                           _lost(first, name, uncovered, missing, total))
    out["verdict"] = _verdict(out["reviewers"].values(), missing)
    # the shards' own records, read as JSON: `gitmon merge` checked they are whole records
    return cast(Record, out)


def _same_change(docs: Sequence[Doc]) -> None:
    """One change, one policy: else the shards are not of the same run."""
    def what(doc: dict[str, Any]) -> tuple[Any, ...]:
        change = doc["change"]
        return change["kind"], change["base"], change["head"], doc.get("policy")

    origin, first = docs[0]
    for other, doc in docs[1:]:
        if what(doc) != what(first):
            kind, base, head, policy = what(doc)
            raise UsageError(
                f"{other} is not a shard of the same change as {origin}: it reviewed "
                f"{kind} {base}..{head} with {policy}, the other {what(first)[1]}.."
                f"{what(first)[2]} with {what(first)[3]}", hint=HINT)


def _earliest(docs: Iterable[dict[str, Any]]) -> str:
    return min(str(d["started_at"]) for d in docs)


def _uncovered(docs: Sequence[dict[str, Any]], first: dict[str, Any]) -> set[str]:
    """Routed files no given shard scanned (a missing shard's)."""
    routed = {f["path"] for f in first["change"]["files"] if f["areas"]}
    for doc in docs:
        files = _shard(doc)["files"]
        routed -= set(routed if files is None else files)    # None: an unsharded run
    return routed


def _files(docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The change's files once, each with the note of whichever shard had one (an engine
    note only comes from the shard that scanned the file)."""
    notes: dict[str, str] = {}
    for doc in docs:
        for f in doc["change"]["files"]:
            if f.get("note"):
                notes.setdefault(f["path"], f["note"])
    return [dict(f, note=notes[f["path"]]) if f["path"] in notes else f
            for f in docs[0]["change"]["files"]]


def _findings(docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every shard's findings, each once (by fingerprint and place), in the review's order."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for doc in docs:
        for f in doc["findings"]:
            key = (f["fingerprint"], f["reviewer"], f["path"], f["line"], f.get("column"))
            seen.setdefault(key, f)
    return sorted(seen.values(), key=lambda f: (-int(Severity.parse(f["severity"])), f["path"],
                                               f["line"], f["rule"]))


def _engine(docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Files summed; rules and seconds as the slowest shard had them (they ran side by side)."""
    engines = [d.get("engine") or {} for d in docs]
    return {"shards": len(docs),
            "scanned": sum(int(e.get("scanned", 0)) for e in engines),
            "cached": sum(int(e.get("cached", 0)) for e in engines),
            "rules": max(int(e.get("rules", 0)) for e in engines),
            "seconds": max(float(e.get("seconds", 0)) for e in engines)}


def _degraded(docs: Sequence[dict[str, Any]], missing: list[int],
              total: int) -> dict[str, str] | None:
    reasons = [f"shard {i} of {total} missing" for i in missing]
    reasons += [f"shard {_shard(d)['index']} of {total}: {d['degraded']['reason']}"
                for d in docs if d.get("degraded")]
    return {"reason": "; ".join(reasons)} if reasons else None


def _lost(first: dict[str, Any], name: str, uncovered: set[str], missing: list[int],
          total: int) -> str | None:
    """Why the reviewer's part of the change was not all reviewed, if it was not."""
    files = first["reviewers"][name]["files"]
    if not files:
        return None
    gone = [p for p in files if p in uncovered]
    more = f" and {len(gone) - 3} more" if len(gone) > 3 else ""
    lost = [f"not reviewed: {', '.join(gone[:3])}{more}"] if gone else []
    if 1 in missing:
        lost.append("the built-in checks did not run")
    where = ", ".join(f"shard {i} of {total}" for i in missing) + " missing" if missing \
        else "no shard scanned them (shards of different gitmon versions?)"
    return f"{where}: {'; '.join(lost)}" if lost else None


def _reviewer(name: str, docs: Sequence[dict[str, Any]], findings: int,
              lost: str | None) -> dict[str, Any]:
    """The worst status of the shards (a part not reviewed is pending), and why."""
    parts = [(_shard(d)["index"], d["reviewers"][name]) for d in docs if name in d["reviewers"]]
    status = max((r["status"] for _, r in parts), key=RANK.index)
    if lost is not None and RANK.index(status) < RANK.index("pending"):
        status = "pending"
    if status in ("failed", "pending"):
        reasons = [f"shard {i}: {r['reason']}" for i, r in parts if r["status"] == status]
        reason = "; ".join(([lost] if lost else []) + reasons)
    elif status == "passed":   # with what on_unreviewable: pass accepted, once
        also = dict.fromkeys(r["reason"].split("; ", 1)[1] for _, r in parts
                             if r["status"] == "passed" and "; " in r["reason"])
        reason = (f"{findings} non-blocking finding(s)" if findings else "no findings") + \
            "".join(f"; {a}" for a in also)
    else:
        reason = parts[0][1]["reason"]
    return {"status": status, "files": parts[0][1]["files"], "findings": findings,
            "reason": reason, "title": parts[0][1].get("title", name)}


def _verdict(reviewers: Iterable[dict[str, Any]], missing: list[int]) -> str:
    statuses = {r["status"] for r in reviewers}
    if "failed" in statuses:
        return "block"
    return "pending" if "pending" in statuses or missing else "pass"
