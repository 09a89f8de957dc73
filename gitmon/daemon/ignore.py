"""Which folders of the work tree get a watch: every folder git does not ignore.

git answers what is ignored (.gitignore at any depth, .git/info/exclude,
core.excludesFile) in one `ls-files --ignored --directory` call at start and one
`check-ignore` call per batch of new folders; a few names are never watched whatever
the ignore files say (git's own folder, gitmon's records, dependency and cache trees).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from gitmon import gitio

ALWAYS_SKIP = frozenset({
    ".git", "node_modules", "__pycache__", ".venv", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".hg", ".svn",
})


class IgnoreRules:
    def __init__(self, root: Path, records: str) -> None:
        self.root = root
        self.records = records.strip("/")
        self.ignored: set[str] = set()

    def refresh(self) -> None:
        """Ask git again (at start, after a .gitignore changed, after an overflow)."""
        self.ignored = set(gitio.ignored_dirs(self.root))

    def skip(self, rel: str) -> bool:
        """True for a folder (relative path) that must get no watch, by name or known list."""
        name = rel.rsplit("/", 1)[-1]
        return name in ALWAYS_SKIP or rel == self.records or rel in self.ignored

    def filter_new(self, rels: list[str]) -> list[str]:
        """Of new folders, those to watch: one git call for the lot."""
        candidates = [r for r in rels if not self.skip(r)]
        if not candidates:
            return []
        ignored = gitio.check_ignored(self.root, [r + "/" for r in candidates])
        ignored = {p.rstrip("/") for p in ignored}
        self.ignored |= ignored
        return [r for r in candidates if r not in ignored]

    def walk(self, start: str = "") -> Iterator[str]:
        """Every folder to watch at or below start (relative; "" is the root), pruned early."""
        if start and self.skip(start):
            return
        yield start
        top = self.root / start if start else self.root
        for current, dirs, _ in os.walk(top):
            base = os.path.relpath(current, self.root)
            base = "" if base == "." else base
            keep = []
            for d in dirs:
                rel = f"{base}/{d}" if base else d
                if not self.skip(rel) and not os.path.islink(os.path.join(current, d)):
                    keep.append(d)
                    yield rel
            dirs[:] = keep
