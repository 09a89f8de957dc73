"""inotify watches on the work tree and on git's refs, with no watch in an ignored tree.

watchdog's recursive observers cannot leave a subtree out, and one observer watch per
folder costs a thread each. So on Linux we use watchdog's inotify reader (`InotifyFD`:
one inotify descriptor, one reader thread, blocking reads: no CPU when idle) with one
non-recursive watch per folder that git does not ignore, and add watches for folders as
they appear. Elsewhere `fallback.py` uses a recursive watchdog observer and drops the
events of ignored trees.
"""

from __future__ import annotations

import errno
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

from watchdog.observers.inotify_c import (
    CallbackId,
    InotifyEvent,
    InotifyFD,
    Mask,
    WatchDescriptor,
)
from watchdog.observers.inotify_c import InotifyConstants as C

from gitmon.daemon.ignore import IgnoreRules

Sink = Callable[[str, str | None], None]      # (kind, relative path) -> None
TREE_MASK = (C.IN_CLOSE_WRITE | C.IN_CREATE | C.IN_DELETE | C.IN_MOVED_FROM | C.IN_MOVED_TO
             | C.IN_ATTRIB | C.IN_DELETE_SELF | C.IN_ONLYDIR | C.IN_DONT_FOLLOW | C.IN_EXCL_UNLINK)
GIT_MASK = (C.IN_CLOSE_WRITE | C.IN_CREATE | C.IN_DELETE | C.IN_MOVED_FROM | C.IN_MOVED_TO
            | C.IN_ONLYDIR | C.IN_DONT_FOLLOW)
ME = CallbackId(1)   # this watcher's id on each watch (it owns its inotify descriptor)
HEAD_FILES = frozenset({"HEAD", "packed-refs", "ORIG_HEAD"})
BUSY_FILES = frozenset({"index", "index.lock", "HEAD.lock", "packed-refs.lock"})
LIMIT_HINT = ("raise it: `sudo sysctl fs.inotify.max_user_watches=524288`, and keep it with "
              "`echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/60-gitmon.conf`")


class Watcher:
    def __init__(self, root: Path, git_dir: Path, refs_dir: Path, rules: IgnoreRules,
                 sink: Sink, warn: Callable[[str], None]) -> None:
        self.root, self.git_dir, self.refs_dir = root, git_dir, refs_dir
        self.rules, self.sink, self.warn = rules, sink, warn
        self._lock = threading.RLock()
        self._by_wd: dict[WatchDescriptor, tuple[str, str]] = {}   # wd -> (kind, rel dir)
        self._by_key: dict[tuple[str, str], WatchDescriptor] = {}
        self._fd: InotifyFD | None = None
        self.limit_hit = False

    @property
    def count(self) -> int:
        return len(self._by_wd)

    def start(self) -> None:
        # watchdog warns when a watch is re-added or already gone: both are expected here.
        warnings.filterwarnings("ignore", category=RuntimeWarning,
                                module="watchdog.observers.inotify_c")
        self._fd = InotifyFD()
        self._fd.start()
        self.resync(full=True)

    def stop(self) -> None:
        if self._fd is not None:
            self._fd.close()
            self._fd.stop()
            self._fd = None

    def resync(self, full: bool = False) -> None:
        """Match the watches to the folders to watch now (after an overflow: all anew)."""
        self.rules.refresh()
        with self._lock:
            if full:
                self.limit_hit = False
                self._remove([wd for wd, (kind, _) in self._by_wd.items() if kind == "tree"])
            wanted = set(self.rules.walk())
            stale = [wd for wd, (kind, rel) in self._by_wd.items()
                     if kind == "tree" and rel not in wanted]
            self._remove(stale)
            for rel in sorted(wanted):
                self._add("tree", rel)
            self._add("git", "")
            for current, _, _ in os.walk(self.refs_dir / "heads"):
                self._add("refs", os.path.relpath(current, self.refs_dir))

    # --- inotify callbacks (watchdog's reader thread) ----------------------------------

    def on_event(self, event: InotifyEvent) -> None:
        try:
            self._on_event(event)
        except Exception as exc:   # never let the reader thread die: look at everything
            self.warn(f"watcher: {type(exc).__name__}: {exc}; rescanning")
            self.sink("rescan", None)

    def on_watch_deleted(self, wd: WatchDescriptor) -> None:
        with self._lock:
            key = self._by_wd.pop(wd, None)
            if key is not None and self._by_key.get(key) == wd:
                del self._by_key[key]

    def on_queue_overflow(self) -> None:
        self.sink("rescan", None)

    def _on_event(self, event: InotifyEvent) -> None:
        with self._lock:
            entry = self._by_wd.get(event.wd)
        if entry is None:
            return
        kind, rel = entry
        name = os.fsdecode(event.name)
        path = f"{rel}/{name}" if rel and name else (name or rel)
        if kind == "git":
            if name in HEAD_FILES:
                self.sink("git", None)
            elif name in BUSY_FILES:
                self.sink("busy", None)
            return
        if kind == "refs":
            if event.is_directory and (event.is_create or event.is_moved_to):
                self._add("refs", path)
            self.sink("git", None)
            return
        if event.is_directory:
            self._directory_event(event, path)
        elif name:
            self.sink("tree", path)

    def _directory_event(self, event: InotifyEvent, path: str) -> None:
        if event.is_create or event.is_moved_to:
            for rel in self.rules.filter_new([path]):
                for sub in self.rules.walk(rel):
                    self._add("tree", sub)
                    self._touch_files(sub)
        elif event.is_moved_from or event.is_delete:
            with self._lock:
                gone = [wd for wd, (k, r) in self._by_wd.items()
                        if k == "tree" and (r == path or r.startswith(path + "/"))]
                self._remove(gone)
            self.sink("dir", path)

    def _touch_files(self, rel: str) -> None:
        """Files already inside a folder that appeared (moved in, `mkdir -p && cp`)."""
        try:
            with os.scandir(self.root / rel) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False):
                        self.sink("tree", f"{rel}/{entry.name}")
        except OSError:
            pass

    # --- watch bookkeeping ---------------------------------------------------------------

    def _add(self, kind: str, rel: str) -> None:
        assert self._fd is not None
        base = {"tree": self.root, "git": self.git_dir, "refs": self.refs_dir}[kind]
        target = base / rel if rel else base
        mask = Mask(TREE_MASK if kind == "tree" else GIT_MASK)
        with self._lock:
            if (kind, rel) in self._by_key or self.limit_hit:
                return
            try:
                wd = self._fd.add_callback(os.fsencode(target), mask, self, ME)
            except OSError as exc:
                self._add_failed(exc, target)
                return
            self._by_wd[wd] = (kind, rel)
            self._by_key[(kind, rel)] = wd

    def _add_failed(self, exc: OSError, target: Path) -> None:
        if exc.errno != errno.ENOSPC:
            return   # the folder vanished or is unreadable: nothing to watch there
        self.limit_hit = True
        self.warn(f"inotify watch limit reached after {self.count} folder(s) "
                  f"(fs.inotify.max_user_watches = {_max_watches()}): changes under "
                  f"{target} and other unwatched folders are missed; {LIMIT_HINT}")

    def _remove(self, wds: list[WatchDescriptor]) -> None:
        if self._fd is None or not wds:
            return
        self._fd.remove_callbacks([(wd, ME) for wd in wds])
        for wd in wds:
            self.on_watch_deleted(wd)


def _max_watches() -> str:
    try:
        return Path("/proc/sys/fs/inotify/max_user_watches").read_text().strip()
    except OSError:
        return "unknown"
