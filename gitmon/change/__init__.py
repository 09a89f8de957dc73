"""What a change is: the files it touches and, per file, which new lines it added."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.M)
_SECTION = re.compile(rb"^diff --git ", re.M)


@dataclass(frozen=True)
class FileChange:
    path: str
    status: str                      # A M D R T (C is reported as A)
    old_path: str | None = None
    old_blob: str | None = None
    new_blob: str | None = None      # None: read the working tree
    new_mode: str = "100644"
    added: frozenset[int] = frozenset()       # new-side line numbers added or changed
    deletions: frozenset[int] = frozenset()   # new-side line after which lines were removed
    binary: bool = False
    whole: bool = False              # every line counts as added (untracked, unparsed)

    @property
    def deleted(self) -> bool:
        return self.status == "D"

    @property
    def special(self) -> str | None:
        """Why this file has no reviewable text, if it has none."""
        if self.deleted:
            return "deleted"
        if self.new_mode == "120000":
            return "symlink"
        if self.new_mode == "160000":
            return "submodule"
        if self.binary:
            return "binary"
        return None

    def touches(self, start: int, end: int, mode: str) -> bool:
        """Does a finding on lines start..end count under the diff filter `mode`?"""
        if mode == "file" or self.whole:
            return True
        margin = 3 if mode == "hunk" else 0
        if any(start - margin <= line <= end + margin for line in self.added):
            return True
        # A removed bound inside a loop is a change to the loop.
        return any(start - margin <= point and point + 1 <= end + margin
                   for point in self.deletions)


@dataclass(frozen=True)
class Change:
    kind: str                        # staged | worktree | commit | range
    root: Path
    base: str | None
    head: str | None
    commits: tuple[str, ...]
    files: tuple[FileChange, ...]


def parse_diff(data: bytes) -> list[FileChange]:
    """Parse `git diff --raw -z -p -U0` output: raw entries pair with patch sections in order."""
    entries, pos = [], 0
    while data.startswith(b":", pos):
        end = data.index(b"\0", pos)
        meta = data[pos + 1:end].decode().split()
        pos = end + 1
        names = []
        for _ in range(2 if meta[4][0] in "RC" else 1):
            end = data.index(b"\0", pos)
            names.append(data[pos:end].decode("utf-8", "surrogateescape"))
            pos = end + 1
        entries.append((meta, names))
    if data.startswith(b"\0", pos):
        pos += 1
    sections = _SECTION.split(data[pos:])[1:]
    if len(sections) != len(entries):
        sections = []
    files = []
    for i, (meta, names) in enumerate(entries):
        section = sections[i] if sections else None
        files.append(_file_change(meta, names, section))
    return files


def _file_change(meta: list[str], names: list[str], section: bytes | None) -> FileChange:
    _, new_mode, old_sha, new_sha, status = meta
    letter = status[0]
    old_path = names[0] if letter in "RC" else None
    path = names[-1]
    if letter == "C":
        letter, old_path = "A", None
    null = set(old_sha) == {"0"}
    added: set[int] = set()
    deletions: set[int] = set()
    binary = False
    if section is None:
        whole = letter != "D"
    else:
        whole = False
        binary = b"\nBinary files " in section or section.startswith(b"Binary files ")
        for m in _HUNK.finditer(section):
            start = int(m.group(3))
            count = int(m.group(4)) if m.group(4) is not None else 1
            if count:
                added.update(range(start, start + count))
            elif int(m.group(2) if m.group(2) is not None else 1):
                deletions.add(start)
    return FileChange(
        path=path, status=letter, old_path=old_path,
        old_blob=None if null else old_sha,
        new_blob=None if set(new_sha) == {"0"} else new_sha,
        new_mode=new_mode, added=frozenset(added), deletions=frozenset(deletions),
        binary=binary, whole=whole,
    )
