"""Where watchdog has no inotify reader (macOS, BSD, Windows): a recursive observer.

Those backends cannot leave a subtree out, so ignored trees are watched there too; their
events are dropped here. Linux, the daemon's home, uses `watcher.Watcher` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from gitmon.daemon.ignore import IgnoreRules

Sink = Callable[[str, str | None], None]


class _Handler(FileSystemEventHandler):
    def __init__(self, fallback: FallbackWatcher) -> None:
        self.fallback = fallback

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type not in ("moved", "deleted"):
            return    # a folder's own "modified": its files' events say what changed
        kind = "dir" if event.is_directory else "tree"
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.fallback.route(os.fsdecode(raw), kind)


class FallbackWatcher:
    limit_hit = False

    def __init__(self, root: Path, git_dir: Path, refs_dir: Path, rules: IgnoreRules,
                 sink: Sink, warn: Callable[[str], None]) -> None:
        self.root, self.git_dir, self.rules, self.sink = root, git_dir, rules, sink
        self._observer = Observer()
        self.count = 0

    def start(self) -> None:
        self.rules.refresh()
        handler = _Handler(self)
        self._observer.schedule(handler, str(self.root), recursive=True)
        if not self.git_dir.is_relative_to(self.root):
            self._observer.schedule(handler, str(self.git_dir), recursive=True)
        self._observer.start()
        self.count = 2

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=2)

    def resync(self, full: bool = False) -> None:
        self.rules.refresh()

    def route(self, path: str, kind: str = "tree") -> None:
        if Path(path).is_relative_to(self.git_dir):
            rel = os.path.relpath(path, self.git_dir)
            if rel in ("HEAD", "packed-refs") or rel.startswith("refs/heads"):
                self.sink("git", None)
            elif rel in ("index", "index.lock"):
                self.sink("busy", None)
            return
        rel = os.path.relpath(path, self.root)
        parts = rel.split(os.sep)
        if rel == "." or any(self.rules.skip("/".join(parts[:i + 1])) for i in range(len(parts))):
            return
        self.sink(kind, "/".join(parts))
