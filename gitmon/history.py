"""History as a stream of per-commit changes, read from one git process.

`gitmon audit` reviews every commit of a range against its first parent. The commits come
from one `git rev-list`, their diffs from one `git diff-tree --stdin` (SPEC §7: never a
process per commit), and they are handed out in windows so that one semgrep run can
cover the routed files of many commits at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from gitmon import gitio
from gitmon.change import Change, parse_diff
from gitmon.policy import Policy
from gitmon.routing import route

WINDOW_FILES = 2000     # routed files per window: one semgrep run each
WINDOW_COMMITS = 1000   # bounds memory on long histories of unrouted commits


def commits(root: Path, spec: str, max_count: int | None = None) -> list[tuple[str, str | None]]:
    """(commit, first parent) of each commit of the range, oldest first."""
    return gitio.history(root, spec, max_count)


def changes(root: Path, pairs: Sequence[tuple[str, str | None]]) -> Iterator[Change]:
    """One `commit` Change per pair (a merge against its first parent, the root against
    the empty tree), in order."""
    for sha, parent, data in gitio.commit_diffs(root, pairs):
        yield Change("commit", root, parent, sha, (sha,), tuple(parse_diff(data)))


def routed_count(policy: Policy, change: Change) -> int:
    """How many files of the change a reviewer would read (what a window is sized by)."""
    routing = route(policy, change.files)
    return sum(1 for f in change.files if f.path in routing.file_areas and f.special is None)


def windows(policy: Policy, stream: Iterator[Change], max_files: int = WINDOW_FILES,
            max_commits: int = WINDOW_COMMITS) -> Iterator[list[Change]]:
    """Group consecutive changes so each group holds about max_files routed files."""
    window: list[Change] = []
    files = 0
    for change in stream:
        window.append(change)
        files += routed_count(policy, change)
        if files >= max_files or len(window) >= max_commits:
            yield window
            window, files = [], 0
    if window:
        yield window
