"""The pre-push hook's question: which commits does this push publish?

git passes one line per pushed ref on stdin: `<local ref> <local sha> <remote ref>
<remote sha>`. A deletion (local sha all zeros) publishes nothing. An update reviews from
the remote's old tip (from the merge-base after a force push). A new branch (remote sha
all zeros) reviews from its merge-base with the remote's default branch, or failing that
from the parent of its oldest commit that no remote ref has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitmon import gitio
from gitmon.change import Change, parse_diff, sources
from gitmon.errors import UsageError


@dataclass(frozen=True)
class Pushed:
    """One pushed ref, the change it publishes; base None = from the empty tree."""

    ref: str
    base: str | None
    head: str
    kind: str = "range"

    def change(self, root: Path) -> Change:
        if self.base is not None:
            return sources.between(root, self.base, self.head)
        files = parse_diff(gitio.diff(root, gitio.EMPTY_TREE, self.head))
        commits = tuple(gitio.rev_list(root, "--reverse", self.head))
        return Change("range", root, None, self.head, commits, tuple(files))


def pushed(root: Path, remote: str, stdin: str) -> list[Pushed]:
    out = []
    for line in stdin.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise UsageError(f"unexpected pre-push input line: {line!r}",
                             hint="git passes `<local ref> <local sha> <remote ref> <remote sha>`")
        local_ref, local_sha, _, remote_sha = parts
        if local_sha == gitio.NULL_SHA:
            continue   # a deletion publishes no code
        item = _one(root, remote, local_ref, local_sha, remote_sha)
        if item is not None:
            out.append(item)
    return out


def _one(root: Path, remote: str, ref: str, local: str, remote_sha: str) -> Pushed | None:
    if remote_sha != gitio.NULL_SHA and gitio.has_commit(root, remote_sha):
        return Pushed(ref=ref, base=remote_sha, head=local)
    default = gitio.symbolic_ref(root, f"refs/remotes/{remote}/HEAD")
    if default is not None:
        base = gitio.merge_base(root, default, local)
        if base is not None:
            return None if base == local else Pushed(ref=ref, base=base, head=local)
    new = gitio.not_on_remotes(root, local)
    if not new:
        return None   # every commit is already on a remote: nothing new is published
    return Pushed(ref=ref, base=gitio.first_parent(root, new[0]), head=local)
