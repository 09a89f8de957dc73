"""The status record's shape (`gitmon/schemas/record-1.schema.json`) as types.

`records.build` returns a `Record`; every renderer, CI's outputs, the ledger, notes and
notify take one, so mypy holds each key they read to the schema. `tests/test_records.py`
holds these types and the JSON schema to the same keys, required and optional.
Which findings count is not a field to re-derive: ask `gitmon.counting`.

Only type checking imports this module on the hook's path (the fast path writes records
too, and `typing` alone costs it ~7 ms). No `from __future__ import annotations` here:
TypedDict must see `NotRequired` itself to tell required keys from optional ones.
"""

from typing import Any, NotRequired, TypedDict


class Tool(TypedDict):
    name: str
    version: str


class FileEntry(TypedDict):
    path: str                    # git's quoted form when the name is not UTF-8
    status: str
    areas: list[str]
    old_path: NotRequired[str]
    path_bytes: NotRequired[str]        # base64 of the exact bytes
    old_path_bytes: NotRequired[str]
    note: NotRequired[str]       # why the file was not (fully) read


class ChangeEntry(TypedDict):
    kind: str                    # staged | worktree | commit | range
    base: str | None
    head: str | None
    commits: list[str]
    files: list[FileEntry]
    tree: NotRequired[str]       # the index's tree, for a staged review (notes.tie)


class AreaEntry(TypedDict):
    files: list[str]
    reviewers: list[str]


class ReviewerEntry(TypedDict):
    status: str                  # passed | failed | pending | skipped
    files: list[str]
    findings: int
    reason: str
    title: NotRequired[str]


class FindingEntry(TypedDict):
    reviewer: str
    rule: str
    severity: str                # error | warning | info
    path: str
    line: int
    end_line: int
    message: str
    area: str | None
    fingerprint: str
    suppressed: bool
    column: NotRequired[int]
    end_column: NotRequired[int]
    engine: NotRequired[str]
    snippet: NotRequired[str]
    suppression: NotRequired[str]
    suppression_problem: NotRequired[str]
    baselined: NotRequired[bool]
    counts: NotRequired[bool]


class Degraded(TypedDict):
    reason: str


class Findings(TypedDict):
    """What a report of findings needs: one record, or an audit's findings over a range."""

    id: str
    source: str
    reviewers: dict[str, ReviewerEntry]
    findings: list[FindingEntry]
    degraded: Degraded | None
    verdict: str                 # pass | block | pending


class ShardEntry(TypedDict):
    """One shard of CI's matrix (index, total, the routed files it scanned), or the
    record `gitmon merge` folded from shards (total, merged, missing)."""

    total: int
    index: NotRequired[int]
    files: NotRequired[list[str]]
    merged: NotRequired[list[int]]
    missing: NotRequired[list[int]]


class Record(Findings):
    schema: str
    started_at: str
    finished_at: str
    tool: Tool
    change: ChangeEntry
    areas: dict[str, AreaEntry]
    unrouted: NotRequired[int]
    policy: NotRequired[str]
    filter_dropped: NotRequired[int]
    tests_dropped: NotRequired[int]
    engine: NotRequired[dict[str, Any]]
    shard: NotRequired[ShardEntry]
    record_path: NotRequired[str]     # where it was written; not part of the file itself
