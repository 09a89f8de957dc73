"""A review of the index tied to the commit it became.

The pre-commit hook reviews the index, not a commit: its record keeps the index's tree id
(`notes.mark_staged`). When HEAD's tree is that tree and HEAD's parent was the base of the
review, HEAD is what the hook reviewed, so HEAD gets its verdict and a note. The hook's
fast path records no tree (a git process there would cost every commit); such a record
routed nothing, and routing depends on paths only, so it ties when the paths are HEAD's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmon import gitio, notes, records

if TYPE_CHECKING:
    from gitmon.record import Record

LOOK_BACK = 20   # staged records on HEAD's parent worth opening, newest first


def staged_for_head(root: Path, base: Path, ledger: list[dict[str, Any]],
                    head: str) -> tuple[dict[str, Any], Record] | None:
    """(ledger entry, record) of the newest review of the index that became head."""
    parent = gitio.first_parent(root, head)
    found = [e for e in reversed(ledger) if e.get("kind") == "staged" and e.get("base") == parent]
    if not found:
        return None
    tree = gitio.run(root, "rev-parse", f"{head}^{{tree}}").decode().strip()
    paths: set[str] | None = None
    for entry in found[:LOOK_BACK]:
        record = records.read_record(base, entry)
        if record is None:
            continue
        change = record.get("change", {})
        if change.get("tree"):
            if change["tree"] == tree:
                return entry, record
            continue
        if record.get("areas"):
            continue        # a routed review without a tree: nothing proves what it saw
        if paths is None:
            paths = _changed(root, head, parent)
        if {f.get("path") for f in change.get("files", [])} == paths:
            return entry, record
    return None



def _changed(root: Path, head: str, parent: str | None) -> set[str]:
    args = ["diff-tree", "-r", "-z", "--name-only", "--no-commit-id"]
    args += [parent, head] if parent else ["--root", head]
    return set(gitio.zsplit(gitio.run(root, *args)))


def tie_head(root: Path, base: Path, ledger: list[dict[str, Any]],
             head: str) -> dict[str, Any] | None:
    """The tied ledger entry for head (its note written once), or None."""
    found = staged_for_head(root, base, ledger, head)
    if found is None:
        return None
    entry, record = found
    if not any(n.get("id") == record["id"] for n in notes.read(root, head)):
        notes.safely(lambda: notes.add(root, head, [notes.line(record, head, tied=True)]))
    return {**entry, "tied": True}
