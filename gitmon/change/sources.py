"""Diff sources: staged, worktree, commit and range changes, and their file contents.

`--staged`, `--commit` and `--range` read blobs from git, never the working tree;
only `--worktree` reads files on disk.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from gitmon import gitio
from gitmon.change import Change, FileChange, parse_diff
from gitmon.errors import UsageError


def staged(root: Path) -> Change:
    head = gitio.head(root)
    files = parse_diff(gitio.diff(root, cached=True))
    return Change("staged", root, head, None, (), tuple(files))


def worktree(root: Path) -> Change:
    head = gitio.head(root)
    files = parse_diff(gitio.diff(root, head or gitio.EMPTY_TREE))
    known = {f.path for f in files}
    extra = [FileChange(path=p, status="A", whole=True) for p in gitio.untracked(root)
             if p not in known]
    return Change("worktree", root, head, None, (), tuple(files) + tuple(extra))


def worktree_paths(root: Path, paths: Iterable[str]) -> Change:
    """The working tree's change limited to paths (the daemon's saves): git looks at those
    paths only, not the whole tree. A path added to the index may be a rename whose source
    was deleted elsewhere: then the index's deletions join the diff so that git pairs them,
    as it does in the full diff (else the file counts whole: more is reviewed, never less)."""
    head = gitio.head(root)
    wanted = sorted(set(paths))
    if not wanted:
        return Change("worktree", root, head, None, (), ())
    files = parse_diff(gitio.diff(root, head or gitio.EMPTY_TREE, paths=wanted))
    if head and any(f.status == "A" for f in files):
        sources = [p for p in gitio.staged_deletions(root) if p not in set(wanted)]
        if sources:
            paired = parse_diff(gitio.diff(root, head, paths=wanted + sources))
            files = [f for f in paired if f.path in wanted]
    known = {f.path for f in files}
    extra = [FileChange(path=p, status="A", whole=True) for p in gitio.untracked(root, wanted)
             if p not in known]
    return Change("worktree", root, head, None, (), tuple(files) + tuple(extra))


def commit(root: Path, rev: str) -> Change:
    """A commit against its first parent; a merge only with what it adds beyond every parent."""
    sha = gitio.resolve(root, rev)
    parents = gitio.parents(root, sha)
    parent = parents[0] if parents else None
    files = parse_diff(gitio.diff(root, parent or gitio.EMPTY_TREE, sha))
    for other in parents[1:]:
        files = own_lines(files, parse_diff(gitio.diff(root, other, sha)))
    return Change("commit", root, parent, sha, (sha,), tuple(files))


def commit_range(root: Path, spec: str) -> Change:
    """BASE..HEAD with pull-request semantics: the diff from the merge-base to HEAD."""
    if "..." in spec:
        base_rev, head_rev = spec.split("...", 1)
    elif ".." in spec:
        base_rev, head_rev = spec.split("..", 1)
    else:
        raise UsageError(f"not a range: {spec}", hint="write it as BASE..HEAD, e.g. main..HEAD")
    return between(root, base_rev or "HEAD", head_rev or "HEAD")


def between(root: Path, base_rev: str, head_rev: str) -> Change:
    base, head = gitio.resolve(root, base_rev), gitio.resolve(root, head_rev)
    merge_base = gitio.merge_base(root, base, head)
    if merge_base is None:
        raise UsageError(f"no merge-base between {base_rev} and {head_rev}",
                         hint=gitio.shallow_hint(root, "the two revisions share no history"))
    files = parse_diff(gitio.diff(root, merge_base, head))
    commits = tuple(gitio.rev_list(root, "--reverse", f"{merge_base}..{head}"))
    return Change("range", root, merge_base, head, commits, tuple(files))


def read_contents(change: Change, files: Iterable[FileChange], max_size: int,
                  ) -> tuple[dict[str, bytes], dict[str, str], dict[str, str]]:
    """New-side content of files; a note for each file not read (why); and, of those, the
    ones that have text nobody reviewed (binary, huge, unreadable) - never a deletion,
    a symlink or a submodule, which have none."""
    contents: dict[str, bytes] = {}
    notes: dict[str, str] = {}
    skipped: dict[str, str] = {}
    # git's "binary" (a NUL, or a `binary`/`-diff` attribute) is checked on the content below
    wanted = [f for f in files if f.special in (None, "binary")]
    for f in files:
        if f.special not in (None, "binary"):
            notes[f.path] = f.special or ""
    blobs = [f for f in wanted if f.new_blob]
    sizes = gitio.blob_sizes(change.root, [f.new_blob for f in blobs if f.new_blob])
    small = []
    for f in blobs:
        size = sizes.get(f.new_blob or "", 0)
        if size > max_size:
            skipped[f.path] = f"huge: {size} bytes > max_file_size {max_size}"
        else:
            small.append(f)
    data = gitio.read_blobs(change.root, [f.new_blob for f in small if f.new_blob])
    for f in small:
        if f.new_blob in data:
            contents[f.path] = data[f.new_blob]
        else:
            skipped[f.path] = "unreadable: the blob is not in the repository"
    for f in wanted:
        if not f.new_blob:
            note = _read_disk(change.root / f.path, max_size, contents, f.path)
            if note:
                (notes if note in ("symlink", "deleted") else skipped)[f.path] = note
    for path, content in list(contents.items()):
        if b"\0" in content[:8192]:
            skipped[path] = "binary: a NUL byte in the first 8 KiB"
            del contents[path]
    notes.update(skipped)
    return contents, notes, skipped


def own_lines(files: list[FileChange], against: list[FileChange]) -> list[FileChange]:
    """Of a merge's diff against one parent, what it also changes against another: a file
    as that parent has it was merged from there; a line new to both is the merge's own."""
    other = {f.path: f for f in against}
    out = []
    for f in files:
        o = other.get(f.path)
        if o is None:
            continue
        if o.whole or f.whole:          # no line diff on one side: the other side's lines
            own = o if f.whole else f
            added, deletions, whole = own.added, own.deletions, f.whole and o.whole
        else:
            added, deletions, whole = f.added & o.added, f.deletions & o.deletions, False
        if added or deletions or whole or f.deleted or f.binary:
            out.append(replace(f, added=added, deletions=deletions, whole=whole))
    return out


def _read_disk(path: Path, max_size: int, out: dict[str, bytes], key: str) -> str | None:
    try:
        if path.is_symlink():
            return "symlink"
        size = os.stat(path).st_size
        if size > max_size:
            return f"huge: {size} bytes > max_file_size {max_size}"
        out[key] = path.read_bytes()
    except FileNotFoundError:
        return "deleted"
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    return None

