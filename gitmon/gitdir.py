"""What `.git` itself says, read without starting git: the git dir, the common dir, HEAD.

Only `os` here: the hook's fast path asks these before anything heavy is imported, and
`gitio.head` asks first too (a git process saved). Each reader answers only the plain
cases; anything unusual (reftable, a symbolic ref chain, a bad file) is UNKNOWN and the
caller asks git.
"""

from __future__ import annotations

import os

UNKNOWN = "?"   # not a sha and not None (unborn): "ask git"


def git_dir(root: str) -> str | None:
    """The git dir of the work tree whose top is root, as git would use it: $GIT_DIR (git
    sets it for hooks in a linked worktree; relative to root, where git runs), `.git` (a
    folder), or the `gitdir:` line of a `.git` file; None when root has no `.git`, i.e.
    is not a work tree's top."""
    dot_git = os.path.join(root, ".git")
    if not os.path.lexists(dot_git):
        return None
    if os.environ.get("GIT_DIR"):
        return os.path.join(root, os.environ["GIT_DIR"])
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as fh:
            line = fh.read().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not line.startswith("gitdir:"):
        return None
    return os.path.join(root, line[len("gitdir:"):].strip())


def common_dir(git_dir: str) -> str:
    """Where refs live: a linked worktree keeps its branches in the main git dir."""
    if os.environ.get("GIT_COMMON_DIR"):
        return os.path.abspath(os.environ["GIT_COMMON_DIR"])
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as fh:
            return os.path.join(git_dir, fh.read().strip())
    except OSError:
        return git_dir


def head(git_dir: str) -> str | None:
    """HEAD's sha; None on a branch with no commits yet; UNKNOWN when git must be asked."""
    try:
        ref = _read(os.path.join(git_dir, "HEAD"))
        if not ref.startswith("ref:"):
            return ref if _is_sha(ref) else UNKNOWN
        return _ref(git_dir, ref[4:].strip())
    except (OSError, UnicodeDecodeError):
        return UNKNOWN


def _ref(git_dir: str, name: str) -> str | None:
    common = common_dir(git_dir)
    if os.path.exists(os.path.join(common, "reftable")):
        return UNKNOWN          # refs in a binary table: only git reads it
    for base in (git_dir, common):
        loose = os.path.join(base, name)
        if os.path.isfile(loose):
            sha = _read(loose)
            return sha if _is_sha(sha) else UNKNOWN     # e.g. a symbolic ref to another
    try:
        with open(os.path.join(common, "packed-refs"), encoding="utf-8") as fh:
            for line in fh:
                sha, _, packed = line.rstrip("\n").partition(" ")
                if packed == name:
                    return sha if _is_sha(sha) else UNKNOWN
    except FileNotFoundError:
        pass
    return None                 # neither loose nor packed: the branch has no commit yet


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read().strip()


def _is_sha(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)
