"""Exchange `refs/notes/gitmon` with a remote: fetch and merge, push.

The remote's notes are fetched to `refs/notes/remotes/<remote>/gitmon` and merged into the
local ref with `cat_sort_uniq`: every line of both sides is kept (a note is a set of
review lines), so concurrent writers never conflict.
"""

from __future__ import annotations

from pathlib import Path

from gitmon import gitio
from gitmon.errors import GitError, UsageError
from gitmon.notes import REF, STRATEGY

PUSH_TRIES = 3


def tracking(remote: str) -> str:
    return f"refs/notes/remotes/{remote}/gitmon"


def _check_remote(root: Path, remote: str) -> None:
    names = gitio.run(root, "remote").decode().split()
    if remote not in names:
        raise UsageError(f"no remote named {remote!r} in this repository",
                         hint="name one of `git remote` with --remote NAME")


def fetch(root: Path, remote: str) -> bool:
    """Fetch the remote's notes and merge them in; False when the remote has none yet."""
    _check_remote(root, remote)
    if not gitio.run(root, "ls-remote", remote, REF).strip():
        return False
    gitio.run(root, "fetch", "--quiet", remote, f"+{REF}:{tracking(remote)}")
    merge(root, tracking(remote))
    return True


def merge(root: Path, other: str) -> None:
    """Merge another notes ref into ours (ours absent: take theirs as it is)."""
    if not _have_notes(root):
        sha = gitio.run(root, "rev-parse", other).decode().strip()
        gitio.run(root, "update-ref", REF, sha)
        return
    gitio.run(root, "notes", f"--ref={REF}", "merge", "--quiet", "-s", STRATEGY, other)


def _have_notes(root: Path) -> bool:
    return bool(gitio.run(root, "rev-parse", "--verify", "--quiet", REF, check=False).strip())


def push(root: Path, remote: str) -> None:
    """Push our notes; a push that lost a race fetches, merges and tries again."""
    _check_remote(root, remote)
    if not _have_notes(root):
        raise UsageError(f"there are no gitmon notes to push ({REF} does not exist)",
                         hint="run a review of a commit first (`gitmon ci`, `gitmon check --commit`)")
    for attempt in range(PUSH_TRIES):
        fetch(root, remote)
        try:
            gitio.run(root, "push", "--quiet", remote, f"{REF}:{REF}")
            return
        except GitError as exc:
            if attempt == PUSH_TRIES - 1:
                raise GitError(f"could not push {REF} to {remote}: {exc}",
                               hint="the push needs write access (in GitHub Actions: "
                                    "`permissions: contents: write` and actions/checkout "
                                    "with its default persist-credentials)") from exc
