"""CI's own matrix: one shard of a review (`gitmon ci --shard I/N`) or of an audit.

A change's routed files are dealt to the N shards by size, largest first, each to the
shard with the fewest bytes so far (ties: the lower shard, then path order). The deal
depends only on the change (its routed paths and their blob sizes), so every machine of
the matrix computes the same one, and the shards' semgrep runs take about equal time.
Built-in checks are Python and cheap, and some look at the whole change (a test changed
anywhere, the policy weakened): they run once, in shard 1, over the whole change.

An audit's commits are dealt by their id (the sha as a number, modulo N): a commit is in
the same shard whatever the range or the clone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from gitmon.errors import UsageError
from gitmon.record import ShardEntry

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
HINT = "give --shard I/N with 1 <= I <= N, e.g. --shard 2/3 for the second of three jobs"


@dataclass(frozen=True)
class Shard:
    index: int    # 1-based, as a matrix counts
    total: int

    @property
    def whole_change(self) -> bool:
        """Whether the checks over the whole change run here: in shard 1 only."""
        return self.index == 1

    def share(self, sizes: Mapping[str, int]) -> frozenset[str]:
        """The routed files (path -> size in bytes) this shard scans."""
        load = [0] * self.total
        mine = set()
        for path in sorted(sizes, key=lambda p: (-sizes[p], p)):
            k = min(range(self.total), key=lambda i: (load[i], i))
            load[k] += max(sizes[path], 1)     # empty files are dealt round, not all to one
            if k == self.index - 1:
                mine.add(path)
        return frozenset(mine)

    def owns_commit(self, sha: str) -> bool:
        return int(sha, 16) % self.total == self.index - 1

    def to_json(self, files: Collection[str]) -> ShardEntry:
        """The record's `shard`: which one, and the routed files it scanned."""
        return {"index": self.index, "total": self.total, "files": sorted(files)}

    def label(self) -> str:
        return f"shard {self.index} of {self.total}"


def parse(text: str) -> Shard:
    """`I/N` as given to --shard; anything else is a UsageError."""
    found = _SPEC.fullmatch(text)
    if found is None:
        raise UsageError(f"--shard {text!r} is not I/N", hint=HINT)
    index, total = int(found.group(1)), int(found.group(2))
    if total < 1 or not 1 <= index <= total:
        raise UsageError(f"--shard {text}: the shard must be between 1 and the number of "
                         f"shards ({total})", hint=HINT)
    return Shard(index, total)
