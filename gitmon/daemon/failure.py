"""The record of a daemon review that could not be done: verdict pending, with the reason.

A review that raises (a policy that does not load, git failing, a gitmon bug) must not
be retried on every batch, nor pass in silence: it gets a record of its own, whose
ledger line says pending and degraded, so `gitmon status` and the next start (which
re-reviews a HEAD that has no record) see it, and the daemon moves on.
"""

from __future__ import annotations

from pathlib import Path

from gitmon import __version__, gitio, records
from gitmon.change.selection import Selector
from gitmon.record import Record
from gitmon.review import now


def build(root: Path, selector: Selector, reason: str, started_at: str,
          policy_origin: str) -> Record:
    """A schema-valid record of no files, no reviewers and a pending verdict."""
    base, head = _revs(root, selector)
    return {
        "schema": records.SCHEMA,
        "id": records.new_id(started_at),
        "source": "daemon",
        "started_at": started_at,
        "finished_at": now(),
        "tool": {"name": "gitmon", "version": __version__},
        "change": {"kind": selector.kind, "base": base, "head": head,
                   "commits": [head] if selector.kind == "commit" and head else [],
                   "files": []},
        "areas": {}, "reviewers": {}, "findings": [], "unrouted": 0,
        "policy": policy_origin, "filter_dropped": 0, "engine": {},
        "degraded": {"reason": printable(reason)},
        "verdict": "pending",
    }


def printable(text: str) -> str:
    """The reason as valid UTF-8: an error about an odd name may carry its raw bytes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _revs(root: Path, selector: Selector) -> tuple[str | None, str | None]:
    """(base, head) as a review of this selector would have recorded them."""
    if selector.kind == "commit" and selector.rev:
        return gitio.first_parent(root, selector.rev), selector.rev
    if selector.kind == "range" and selector.rev and ".." in selector.rev:
        base, head = selector.rev.split("..", 1)
        return base, head
    return gitio.head(root), None
