"""Review cache: (content hash, rule-set hash) -> semgrep matches, shared by every command.

One small JSON file per key under `.gitmon/cache/`, written atomically, so several
processes (the daemon, the hook, CI) can share it. Bounded: the oldest entries are
pruned when it grows past MAX_ENTRIES.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

from gitmon.errors import FatalError
from gitmon.records import save

MAX_ENTRIES = 20_000
VERSION = 2   # 2: matches are kept redacted (entries of 1 may hold secrets in messages)


def key(path: str, content: bytes, ruleset: str, entry: str = "") -> str:
    digest = hashlib.sha256(content).hexdigest()
    text = f"{VERSION}\0{path}\0{digest}\0{ruleset}\0{entry}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


class Cache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        if folder is not None and (folder.is_symlink() or folder.parent.is_symlink()
                                   or _tracked(folder)):
            # Entries that came with a checkout (or a link a change committed) could be the
            # change's own, hiding its findings.
            self.folder = None


    def _file(self, k: str) -> Path:
        assert self.folder is not None
        return self.folder / k[:2] / f"{k[2:]}.json"

    def get(self, k: str) -> list[dict[str, Any]] | None:
        if self.folder is None:
            return None
        try:
            data = json.loads(self._file(k).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, list) else None

    def put(self, k: str, matches: list[dict[str, Any]]) -> None:
        if self.folder is None:
            return
        try:
            # The state folder's .gitignore comes first: a --no-record run that only fills
            # the cache must not leave `.gitmon/` showing in `git status`. Not synced: an
            # entry a crash empties does not parse, so it is a miss (an fsync per scanned
            # file cost a cold review of 60 files ~0.25 s after semgrep had finished).
            save(self.folder.parent, str(self._file(k).relative_to(self.folder.parent)),
                 json.dumps(matches), durable=False)
        except (OSError, FatalError):
            # A cache is optional: a full disk or a link in the way only turns it off.
            self.folder = None
            return
        if random.random() < 0.02:
            self.prune()

    def prune(self, keep: int = MAX_ENTRIES) -> int:
        """Drop the oldest entries beyond keep; return how many were dropped."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        entries = []
        for path in _entries(self.folder):
            try:
                entries.append((path.stat(follow_symlinks=False).st_mtime, path))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, path in entries[keep:]:
            path.unlink(missing_ok=True)
        return max(len(entries) - keep, 0)


def _entries(folder: Path) -> list[Path]:
    """The entry files, never through a linked subfolder (prune must not delete elsewhere)."""
    out = []
    for sub in os.scandir(folder):
        if sub.is_dir(follow_symlinks=False):
            out += [Path(e.path) for e in os.scandir(sub.path)
                    if e.name.endswith(".json") and e.is_file(follow_symlinks=False)]
    return out


def _tracked(folder: Path) -> bool:
    """Does git track anything under folder? (A cache is local state, never committed.)"""
    if not folder.is_dir():
        return False
    from gitmon import gitio

    return bool(gitio.run(folder, "ls-files", "-z", "--", ".", check=False))
