"""The format of `git diff-tree --stdin` output: one stream, cut into each commit's diff.

`gitio.commit_diffs` runs git; this module only reads what it printed (`change.parse_diff`
then reads each commit's part).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from gitmon.errors import GitError

_HEADER = re.compile(rb"\n([0-9a-f]{40,64})\0")


def split_commits(blocks: Iterable[bytes], pairs: Sequence[tuple[str, str | None]],
                   ) -> Iterator[tuple[str, str | None, bytes]]:
    """Cut diff-tree's stream at each commit header (`<sha>\\0` at the start of a line).

    The raw entries are walked field by field (a path may look like a sha); in the patch a
    header can only follow a newline, since every patch line starts with a marker.
    """
    buf = bytearray()
    index, done = 0, False
    it = iter(blocks)
    while index < len(pairs):
        cut = _next_commit(buf, pairs[index][0], done)
        if cut is None:
            if done:
                raise GitError("git diff-tree ended early",
                               hint="check that the repository is healthy (`git fsck`)")
            # Read until the buffer doubles: a huge patch is searched O(n) times, not O(n^2).
            want = max(2 * len(buf), 1 << 16)
            while len(buf) < want and not done:
                block = next(it, None)
                done = block is None
                buf += block or b""
            continue
        start, end = cut
        sha, parent = pairs[index]
        yield sha, parent, bytes(buf[start:end])
        del buf[:end]
        index += 1


def _next_commit(buf: bytearray, sha: str, eof: bool) -> tuple[int, int] | None:
    """(start, end) of the diff of `sha` at the head of buf, or None when more is needed."""
    head = sha.encode() + b"\0"
    if len(buf) < len(head):
        return None
    if not buf.startswith(head):
        raise GitError(f"unexpected output from git diff-tree near {sha[:12]}",
                       hint="this is a bug in gitmon; please report it")
    pos = _skip_raw(buf, len(head))
    if pos is None:
        return None if not eof else (len(head), len(buf))
    if pos < len(buf) and buf[pos] == 0:           # the patch follows the raw entries
        m = _HEADER.search(buf, pos)
        if m is None:
            return (len(head), len(buf)) if eof else None
        return len(head), m.start() + 1
    if pos == len(buf) and not eof:
        return None
    return len(head), pos


def _skip_raw(buf: bytearray, pos: int) -> int | None:
    """Position after the raw entries starting at pos, or None if they are cut short."""
    while pos < len(buf) and buf[pos] == ord(":"):
        end = buf.find(b"\0", pos)
        if end < 0:
            return None
        status = bytes(buf[pos:end]).split()[-1:]
        names = 2 if status and status[0][:1] in (b"R", b"C") else 1
        pos = end + 1
        for _ in range(names):
            end = buf.find(b"\0", pos)
            if end < 0:
                return None
            pos = end + 1
    return pos
