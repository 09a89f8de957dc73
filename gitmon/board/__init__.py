"""The reviews of a period, from the ledger and refs/notes/gitmon, as one list.

A local review is in the ledger and its record (findings with area, rule, suppression);
a review from elsewhere (CI, a teammate) is only a note line. A review in both is taken
once, from its record, by its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmon import counting, gitio, notes, records


@dataclass
class Seen:
    """One review: what the summary needs, whichever store it came from."""

    id: str
    source: str
    kind: str
    at: str
    commit: str | None
    verdict: str
    areas: dict[str, list[str]]
    reviewers: dict[str, str]
    findings: list[dict[str, Any]] = field(default_factory=list)   # rule, area, reviewer, ...
    suppressions: list[dict[str, Any]] = field(default_factory=list)


def gather(root: Path, base: Path, since: str | None) -> list[Seen]:
    """Every review finished at or after `since` (ISO date or time), oldest first."""
    seen: dict[str, Seen] = {}
    for entry in records.read_ledger(base):
        if _in_period(entry.get("finished_at"), since):
            item = _from_ledger(base, entry)
            seen[item.id] = item
    for line in all_notes(root):
        if _in_period(line.get("at"), since) and line.get("id") not in seen:
            seen[str(line["id"])] = _from_note(line)
        elif line.get("tied") and line.get("id") in seen:
            seen[str(line["id"])].commit = line.get("commit")   # the commit the index became
    return sorted(seen.values(), key=lambda s: s.at)


def _in_period(at: Any, since: str | None) -> bool:
    return isinstance(at, str) and (since is None or at >= since)


def all_notes(root: Path) -> list[dict[str, Any]]:
    """Every line of every note under refs/notes/gitmon (one git process for the blobs)."""
    listing = gitio.run(root, "notes", f"--ref={notes.REF}", "list", check=False).decode()
    blobs = [row.split()[0] for row in listing.splitlines() if row.strip()]
    out: list[dict[str, Any]] = []
    for data in gitio.read_blobs(root, blobs).values():
        out += notes.parse(data.decode("utf-8", "replace"))
    return out


def _from_ledger(base: Path, entry: dict[str, Any]) -> Seen:
    kind = str(entry.get("kind"))
    item = Seen(str(entry["id"]), str(entry.get("source")), kind, str(entry["finished_at"]),
                entry.get("head") if kind in ("commit", "range") else None,
                str(entry.get("verdict")), dict(entry.get("areas") or {}),
                dict(entry.get("reviewers") or {}))
    record = records.read_record(base, entry)
    for f in record.get("findings", []) if record else []:
        brief = {k: f.get(k) for k in ("rule", "area", "reviewer", "severity", "fingerprint",
                                       "path", "line")}
        why = counting.state(f)
        if why == "suppressed":
            item.suppressions.append({**brief, "reason": f.get("suppression") or ""})
        else:
            item.findings.append({**brief, "baselined": why == "baselined", "count": 1})
    return item



def _from_note(line: dict[str, Any]) -> Seen:
    return Seen(str(line["id"]), str(line.get("source")), str(line.get("kind")),
                str(line.get("at")), line.get("commit"), str(line.get("verdict")),
                dict(line.get("areas") or {}),
                {r: str(v.get("status")) for r, v in (line.get("reviewers") or {}).items()},
                [{**f, "baselined": False} for f in line.get("findings", [])])
