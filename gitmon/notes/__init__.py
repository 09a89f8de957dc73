"""Verdicts on commits under `refs/notes/gitmon`: shared through git, one line per review.

A note holds one compact JSON line per (source, review) of the commit, sorted: two writers
(the hook here, CI there) are merged with `git notes merge -s cat_sort_uniq`, which keeps
every line of both sides and gives the same sorted text a local write gives. A line counts
findings by rule and fingerprint; it never holds code, messages or secrets.

Writing a note never fails a review: an error is a warning on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gitmon import counting, gitio
from gitmon.errors import GitError
from gitmon.record import Record

REF = "refs/notes/gitmon"
NOTES = ("notes", f"--ref={REF}")
VERSION = 1
STRATEGY = "cat_sort_uniq"


def line(record: Record, commit: str, tied: bool = False) -> dict[str, Any]:
    """The note line of a record about `commit` (tied: a review of the index it became)."""
    counted: dict[tuple[str, str, str, str, str], int] = {}
    for f in counting.counted(record):
        key = (f["area"] or "", f["reviewer"], f["rule"], f["severity"], f["fingerprint"])
        counted[key] = counted.get(key, 0) + 1
    tally = counting.tally(record)
    out = {
        "v": VERSION, "commit": commit, "source": record["source"], "id": record["id"],
        "at": record["finished_at"], "kind": record["change"]["kind"], "tied": tied,
        "tool": record["tool"]["version"], "policy": record.get("policy"),
        "verdict": record["verdict"], "degraded": record.get("degraded") is not None,
        "areas": {a: v["reviewers"] for a, v in record.get("areas", {}).items()},
        "reviewers": {r: {"status": v["status"], "findings": v["findings"]}
                      for r, v in record.get("reviewers", {}).items()},
        "findings": [{"area": k[0], "reviewer": k[1], "rule": k[2], "severity": k[3],
                      "fingerprint": k[4], "count": n} for k, n in sorted(counted.items())],
        "suppressed": tally["suppressed"], "baselined": tally["baselined"],
    }
    return out


def encode(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def parse(text: str) -> list[dict[str, Any]]:
    """The note's lines that are ours (a line of another version or a hand edit is skipped)."""
    out = []
    for raw in text.splitlines():
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("v") == VERSION:
            out.append(entry)
    return out


def read(root: Path, rev: str, ref: str = REF) -> list[dict[str, Any]]:
    return parse(_show(root, rev, ref))


def _show(root: Path, rev: str, ref: str = REF) -> str:
    """The note's text ('' when the commit has none)."""
    data = gitio.run(root, "notes", f"--ref={ref}", "show", rev, check=False)
    return data.decode("utf-8", "replace")


def add(root: Path, commit: str, entries: list[dict[str, Any]]) -> None:
    """Add lines to the commit's note, keeping the lines already there (sorted, unique)."""
    old = _show(root, commit)
    lines = {raw for raw in old.splitlines() if raw.strip()} | {encode(e) for e in entries}
    text = "\n".join(sorted(lines)) + "\n"
    gitio.run(root, *NOTES, "add", "-f", "-F", "-", commit, stdin=text.encode())


def record_written(root: Path, record: Record) -> None:
    """After a record is written: a review of commits notes its head commit."""
    change = record["change"]
    head = change["head"]
    if change["kind"] not in ("commit", "range") or not head:
        return
    safely(lambda: add(root, head, [line(record, head)]))


def safely(action: Any) -> bool:
    """Run a note write; a failure is a warning, never the review's failure."""
    try:
        action()
    except (GitError, OSError, KeyError, TypeError, ValueError) as exc:
        sys.stderr.write(f"gitmon: warning: could not write the note on the commit "
                         f"({REF}): {exc}\n")
        return False
    return True


def index_tree(root: Path) -> str | None:
    """The tree the index would commit (None while it has conflicts)."""
    out = gitio.run(root, "write-tree", check=False).decode().strip()
    return out or None


def mark_staged(root: Path, kind: str, record: Record) -> None:
    """A review of the index keeps the index's tree: the commit it becomes has that tree.

    A review that routed nothing keeps none, like the hook's fast path (their records are
    equal): routing depends on paths only, so it is tied by its paths (`gitmon.notes.tie`)."""
    if kind == "staged" and record.get("areas"):
        tree = index_tree(root)
        if tree:
            record["change"]["tree"] = tree
