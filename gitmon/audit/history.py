"""History as a stream of per-commit changes, read from one git process.

`gitmon audit` reviews every commit of a range against its first parent (a merge: only
what it adds beyond all its parents). The commits come from one `git rev-list`, their
diffs from one `git diff-tree --stdin` (never a process per commit), and they
are handed out in windows so that one semgrep run can cover the routed files of many
commits at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from gitmon import gitio, records
from gitmon.change import Change, parse_diff
from gitmon.change.sources import own_lines
from gitmon.policy import Policy
from gitmon.review import Options, Review, now
from gitmon.routing import Routing, route, signal_blobs
from gitmon.verdict import judge

WINDOW_FILES = 2000     # routed files per window: one semgrep run each
WINDOW_COMMITS = 1000   # bounds memory on long histories of unrouted commits


def commits(root: Path, spec: str, max_count: int | None = None) -> list[tuple[str, str | None]]:
    """(commit, first parent) of each commit of the range, oldest first."""
    return gitio.history(root, spec, max_count)


def changes(root: Path, pairs: Sequence[tuple[str, str | None]]) -> Iterator[Change]:
    """One `commit` Change per pair, in order: the root against the empty tree, a merge
    with only what it adds beyond every parent (as `check --commit`: `sources.own_lines`).

    Only the files' names, modes and blob ids: no blob is read (a vendored file that is
    missing from a partial clone cannot stop the audit). `windows` adds the changed lines
    of the routed files, the only blobs an audit reads.
    """
    return _stream(root, pairs, patch=False)


def _stream(root: Path, pairs: Sequence[tuple[str, str | None]], patch: bool,
            paths: Sequence[str] = ()) -> Iterator[Change]:
    # A merge's diffs against its other parents come from the same diff-tree process.
    others = gitio.merge_parents(root, [sha for sha, _ in pairs])
    fed = [(sha, p) for sha, parent in pairs for p in (parent, *others.get(sha, ()))]
    stream = gitio.commit_diffs(root, fed, patch, paths)
    for sha, parent, data in stream:
        files = parse_diff(data)
        for _ in others.get(sha, ()):
            files = own_lines(files, parse_diff(next(stream)[2]))
        yield Change("commit", root, parent, sha, (sha,), tuple(files))


Routed = tuple[Change, Routing | None]


class Router:
    """Routing for many commits: which areas a path is in is asked once per path, so a
    commit touching no watched area costs a few dict lookups."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._watched: dict[str, bool] = {}

    def watched(self, path: str) -> bool:
        if path not in self._watched:
            self._watched[path] = any(a.matches(path) for a in self.policy.areas.values())
        return self._watched[path]

    def route(self, change: Change, blobs: Mapping[str, bytes] | None = None) -> Routing | None:
        """The change's routing, or None when no file is in a watched area (by path, old
        path, or the content in blobs that signals read)."""
        contents = {f.path: blobs[f.new_blob] for f in change.files
                    if blobs and f.new_blob and f.new_blob in blobs}
        if not contents and not any(self.watched(f.path) or (
                f.old_path is not None and self.watched(f.old_path)) for f in change.files):
            return None
        routing = route(self.policy, change.files, contents)
        return routing if routing.file_areas else None

    def route_all(self, stream: Iterator[Change], chunk: int = 200,
                  ) -> Iterator[tuple[Change, Routing | None]]:
        """Route a stream, reading the blobs content signals need once per chunk of commits."""
        batch: list[Change] = []
        for change in stream:
            batch.append(change)
            if len(batch) == chunk:
                yield from self._route_batch(batch)
                batch = []
        yield from self._route_batch(batch)

    def with_lines(self, window: list[Routed]) -> list[Routed]:
        """The window with each routed file's diff read, limited to the routed paths."""
        routed = [c for c, r in window if r is not None]
        if not routed:
            return window
        paths = sorted({p for c, r in window if r is not None for f in c.files
                        if f.path in r.file_areas for p in (f.path, f.old_path) if p})
        pairs = [(c.head or "", c.base) for c in routed]
        lined = {c.head: c for c in _stream(routed[0].root, pairs, True, paths)}
        return [(c, r) if r is None else self._patched(c, r, lined[c.head]) for c, r in window]

    def _patched(self, change: Change, routing: Routing, lined: Change) -> Routed:
        """change with its routed files as lined has them. A merge's file that it only took
        from a parent has no line of its own there: it drops out, and the merge is routed
        again without it (as `check --commit` routes it)."""
        by_path = {f.path: f for f in lined.files}
        files = tuple(by_path.get(f.path, f) for f in change.files
                      if f.path in by_path or f.path not in routing.file_areas)
        patched = replace(change, files=files)
        if len(files) == len(change.files):
            return patched, routing
        return patched, self.route(patched, signal_blobs(self.policy, change.root, [patched]))

    def _route_batch(self, batch: list[Change]) -> Iterator[tuple[Change, Routing | None]]:
        blobs = signal_blobs(self.policy, batch[0].root, batch) if batch else {}
        for change in batch:
            yield change, self.route(change, blobs)



def windows(router: Router, stream: Iterator[Change], max_files: int = WINDOW_FILES,
            max_commits: int = WINDOW_COMMITS) -> Iterator[list[Routed]]:
    """Group consecutive changes so each group holds about max_files routed files; the
    routed files of a group get their changed lines from one more diff-tree process."""
    for window in _groups(router, stream, max_files, max_commits):
        yield router.with_lines(window)


def _groups(router: Router, stream: Iterator[Change], max_files: int,
            max_commits: int) -> Iterator[list[Routed]]:
    window: list[Routed] = []
    files = 0
    for change, routing in router.route_all(stream):
        window.append((change, routing))
        if routing is not None:
            files += sum(1 for f in change.files
                         if f.path in routing.file_areas and f.special is None)
        if files >= max_files or len(window) >= max_commits:
            yield window
            window, files = [], 0
    if window:
        yield window


def unrouted_review(change: Change, policy: Policy, options: Options) -> Review:
    """What review() finds for a change touching no watched area, without its machinery:
    no blob read, no rule loaded, every reviewer skipped, the verdict pass."""
    started = now()
    routing = Routing({}, {}, {}, tuple(f.path for f in change.files))
    results, verdict = judge(policy, {}, [], {}, options.fail_on)
    return Review(change, policy, routing, [], results, verdict, {}, None, options.source,
                  started, now(), 0, dict(records.IDLE_ENGINE))
