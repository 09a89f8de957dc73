"""Which findings of a record count, and how many: decided here once.

A finding counts unless a comment marker suppressed it or the baseline accepted it.
`Finding.counts` (the dataclass) and `counts` (a finding of a record, as JSON) both ask
`decides`; every renderer, the ledger, CI outputs, notes and notify read `counted` or
`tally`, so no two of them can disagree. Import-light: the hook's fast path writes
records (and their ledger line) through here.
"""

from __future__ import annotations

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from gitmon.record import FindingEntry, Record


def decides(suppressed: bool, baselined: bool) -> bool:
    """The rule itself: a suppressed or baselined finding is shown, never counted."""
    return not (suppressed or baselined)


def counts(finding: Mapping[str, Any]) -> bool:
    """Whether a record's finding counts; a record written before `counts` existed is
    judged by its `suppressed` and `baselined` flags."""
    if "counts" in finding:
        return bool(finding["counts"])
    return decides(bool(finding.get("suppressed")), bool(finding.get("baselined")))


def counted(record: Record) -> list[FindingEntry]:
    """The record's findings that count, in the record's order."""
    return [f for f in record["findings"] if counts(f)]


def state(finding: Mapping[str, Any]) -> str | None:
    """Why a finding does not count ("suppressed" or "baselined"), None when it counts."""
    if counts(finding):
        return None
    return "suppressed" if finding.get("suppressed") else "baselined"


def tally(record: Mapping[str, Any]) -> dict[str, Any]:
    """How many findings count (`findings`), how many were suppressed or baselined, and
    the counted ones by severity and by reviewer."""
    out: dict[str, Any] = {"findings": 0, "suppressed": 0, "baselined": 0,
                           "severity": {}, "reviewer": {}}
    for f in record.get("findings", ()):
        why = state(f)
        if why is not None:
            out[why] += 1
            continue
        out["findings"] += 1
        for key in ("severity", "reviewer"):
            out[key][f[key]] = out[key].get(f[key], 0) + 1
    return out
