"""Routing: changed files -> areas -> reviewers. Unrouted files cost nothing.

A file falls in an area by its path (or, for a rename, its old path: moving a file out of
a watched area is a change to that area, as deleting it is), or by its content when one
of the area's signals matches (see `gitmon.signals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gitmon import gitio, signals
from gitmon.change import Change, FileChange
from gitmon.change.sources import read_contents
from gitmon.policy import Policy


@dataclass(frozen=True)
class Routing:
    file_areas: Mapping[str, tuple[str, ...]]          # routed path -> areas
    area_files: Mapping[str, tuple[str, ...]]          # area -> routed paths
    reviewer_files: Mapping[str, tuple[str, ...]]      # reviewer -> paths (each reviewed once)
    unrouted: tuple[str, ...]
    # path -> {area: signal} for the areas a file fell in by content only
    by_content: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def areas_of(self, path: str) -> tuple[str, ...]:
        return self.file_areas.get(path, ())

    def signal(self, path: str, area: str) -> str | None:
        """The content signal that put path in area (None: its path did)."""
        return self.by_content.get(path, {}).get(area)

    def owners(self, path: str, policy: Policy) -> frozenset[str]:
        """Every reviewer of the areas path falls in (part of the review cache's key)."""
        return frozenset(r for a in self.areas_of(path) for r in policy.areas[a].reviewers)

    def primary_area(self, path: str, reviewer: str, policy: Policy) -> str | None:
        """The first area of path that this reviewer owns."""
        for area in self.areas_of(path):
            if reviewer in policy.areas[area].reviewers:
                return area
        return None


def content_signals(policy: Policy) -> dict[str, tuple[signals.Signal, ...]]:
    return {name: area.content for name, area in policy.areas.items() if area.content}


def path_areas(policy: Policy, path: str, old_path: str | None = None) -> tuple[str, ...]:
    return tuple(name for name, area in policy.areas.items()
                 if area.matches(path) or (old_path is not None and area.matches(old_path)))


def needs_content(policy: Policy, files: Iterable[FileChange]) -> list[FileChange]:
    """The files a content signal must read: readable, and not yet in every signalled area."""
    table = content_signals(policy)
    if not table:
        return []
    return [f for f in files if f.special is None
            and signals.extension(f.path) in signals.READABLE   # cheap first: no glob matched
            and signals.wants(table, f.path, path_areas(policy, f.path, f.old_path))]


def signal_blobs(policy: Policy, root: Path, changes: Sequence[Change]) -> dict[str, bytes]:
    """blob -> content, for every file of changes a signal must read (a history's batch:
    two git processes, whatever the number of commits). Skipped as `read_contents` does."""
    wanted = sorted({f.new_blob for c in changes for f in needs_content(policy, c.files)
                     if f.new_blob})
    sizes = gitio.blob_sizes(root, wanted)
    small = [s for s in wanted if sizes.get(s, 0) <= policy.settings.max_file_size]
    return {sha: data for sha, data in gitio.read_blobs(root, small).items()
            if b"\0" not in data[:8192]}


def route_paths(policy: Policy, paths: Iterable[str],
                contents: Mapping[str, bytes] | None = None) -> Routing:
    return _route(policy, ((p, None) for p in paths), contents or {})


def route(policy: Policy, files: Iterable[FileChange],
          contents: Mapping[str, bytes] | None = None) -> Routing:
    """Route files by path; `contents` (path -> new content) lets signals route by content."""
    return _route(policy, ((f.path, f.old_path) for f in files), contents or {})


def route_and_read(policy: Policy, change: Change,
                   ) -> tuple[Routing, dict[str, bytes], dict[str, str], dict[str, str]]:
    """Route change and read its routed files' content (with a note for each not read).

    The files content signals need are read first; each blob is read once."""
    max_size = policy.settings.max_file_size
    early = needs_content(policy, change.files)
    early_contents, early_notes, early_skipped = read_contents(change, early, max_size)
    routing = route(policy, change.files, early_contents)
    seen = {f.path for f in early}
    rest = [f for f in change.files if f.path in routing.file_areas and f.path not in seen]
    contents, notes, skipped = read_contents(change, rest, max_size)
    contents.update((p, d) for p, d in early_contents.items() if p in routing.file_areas)
    notes.update((p, n) for p, n in early_notes.items() if p in routing.file_areas)
    skipped.update((p, n) for p, n in early_skipped.items() if p in routing.file_areas)
    return routing, contents, notes, skipped


def _route(policy: Policy, items: Iterable[tuple[str, str | None]],
           contents: Mapping[str, bytes]) -> Routing:
    table = content_signals(policy) if contents else {}
    file_areas: dict[str, tuple[str, ...]] = {}
    by_content: dict[str, dict[str, str]] = {}
    unrouted: list[str] = []
    for path, old_path in items:
        areas = path_areas(policy, path, old_path)
        if path in contents:
            hits = signals.match(table, path, contents[path], areas)
            if hits:
                by_content[path] = hits
                areas = tuple(a for a in policy.areas if a in areas or a in hits)
        if areas:
            file_areas[path] = areas
        else:
            unrouted.append(path)
    return _tables(policy, file_areas, tuple(unrouted), by_content)


def _tables(policy: Policy, file_areas: dict[str, tuple[str, ...]], unrouted: Sequence[str],
            by_content: dict[str, dict[str, str]]) -> Routing:
    area_files: dict[str, list[str]] = {name: [] for name in policy.areas}
    reviewer_files: dict[str, dict[str, None]] = {}
    for path, areas in file_areas.items():
        for name in areas:
            area_files[name].append(path)
            for reviewer in policy.areas[name].reviewers:
                reviewer_files.setdefault(reviewer, {})[path] = None
    return Routing(
        file_areas=file_areas,
        area_files={k: tuple(v) for k, v in area_files.items() if v},
        reviewer_files={k: tuple(v) for k, v in reviewer_files.items()},
        unrouted=tuple(unrouted), by_content=by_content,
    )
