"""Every git call lives here: subprocess with `-z` output, no quoted paths parsed.

The daemon sets GIT_OPTIONAL_LOCKS=0 through `optional_locks(False)` so that it
never takes the index lock the user's own git needs.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from gitmon import gitdir, gitquick
from gitmon.errors import GitError, UsageError

TYPE_CHECKING = False   # `import typing` costs 7 ms, on the hook's path
if TYPE_CHECKING:
    from typing import IO

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
NULL_SHA = "0" * 40
_EXTRA_ENV: dict[str, str] = {}
_THREAD = threading.local()   # per thread: the daemon answers a hook about the hook's index


def optional_locks(enabled: bool) -> None:
    """Tell every later git call whether it may take optional locks (the daemon may not)."""
    if enabled:
        _EXTRA_ENV.pop("GIT_OPTIONAL_LOCKS", None)
    else:
        _EXTRA_ENV["GIT_OPTIONAL_LOCKS"] = "0"


def use_index(path: str | None) -> None:
    """This thread's git calls read the index file at path (None: git's own choice again)."""
    _THREAD.index = path


def _env() -> dict[str, str]:
    index = getattr(_THREAD, "index", None)
    return gitquick.env(_EXTRA_ENV if index is None else {**_EXTRA_ENV, "GIT_INDEX_FILE": index})


def run(root: Path | str, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
    """Run `git args` in root and return stdout; a failure raises GitError with git's words."""
    try:
        proc = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              env=_env(), check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH",
                       hint="install git and try again") from exc
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args[:3])} failed: {message}",
                       hint="check that the repository is healthy (`git status`)")
    return proc.stdout


zsplit = gitquick.zsplit


def toplevel(cwd: Path | str = ".") -> Path:
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True,
                          env=_env(), check=False)
    if proc.returncode != 0:
        raise UsageError(f"not a git repository: {Path(cwd).resolve()}",
                         hint="run gitmon inside a git repository (or `git init` first)")
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n")))


def git_dir(root: Path) -> Path:
    # fsdecode, as toplevel: a folder name need not be UTF-8
    return Path(os.fsdecode(run(root, "rev-parse", "--absolute-git-dir").rstrip(b"\n")))


def head(root: Path | str) -> str | None:
    """HEAD's sha, or None on a branch with no commits yet: read from `.git` when it is
    plain (`gitdir.head`, as the hook's fast path does), else asked of git."""
    folder = gitdir.git_dir(str(root))
    found = gitdir.head(folder) if folder is not None else gitdir.UNKNOWN
    if found != gitdir.UNKNOWN:
        return found
    out = run(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip()
    return out.decode() or None


SHALLOW_HINT = ("this is a shallow clone: fetch the history (`git fetch --unshallow`, or "
                "`fetch-depth: 0` in actions/checkout)")


def shallow_hint(root: Path, otherwise: str) -> str:
    """The hint for a revision git cannot find: a shallow clone is the usual cause."""
    return SHALLOW_HINT if is_shallow(root) else otherwise


def resolve(root: Path, rev: str) -> str:
    out = run(root, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}",
              check=False).strip()
    if not out:
        raise UsageError(f"unknown revision: {rev}",
                         hint=shallow_hint(root, "check the name with `git log --oneline`"))
    return out.decode()


def is_shallow(root: Path) -> bool:
    return run(root, "rev-parse", "--is-shallow-repository").strip() == b"true"


def merge_base(root: Path, base: str, head_rev: str) -> str | None:
    out = run(root, "merge-base", base, head_rev, check=False).strip()
    return out.decode() or None


def first_parent(root: Path, rev: str) -> str | None:
    out = run(root, "rev-parse", "-q", "--verify", f"{rev}^1", check=False).strip()
    return out.decode() or None


def rev_list(root: Path, *args: str) -> list[str]:
    return run(root, "rev-list", *args).decode().split()


def staged_names(root: Path | str) -> list[tuple[str, str]]:
    """(status, path) of each staged change (the idle hook asks `gitquick` the same)."""
    return gitquick.name_status(run(root, *gitquick.STAGED_NAMES))


def staged_entries(root: Path | str, paths: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(mode, blob sha, stage, path) of paths in the index, paths taken literally."""
    out = run(root, "--literal-pathspecs", "ls-files", "-s", "-z", "--", *paths)
    entries = []
    for item in zsplit(out):
        meta, _, path = item.partition("\t")
        mode, sha, stage = meta.split(" ")
        entries.append((mode, sha, stage, path))
    return entries


# --no-abbrev: full blob ids in the raw entries (`--full-index` only reaches the patch's
# `index` lines); sizes and contents are looked up by those ids.
DIFF_FLAGS = ("--raw", "-z", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv",
              "-M", "--full-index", "--no-abbrev", "--submodule=short")


def diff(root: Path, *revs: str, cached: bool = False, paths: Sequence[str] = ()) -> bytes:
    """Raw entries (NUL-separated) followed by the -U0 patch, for DiffParser; with paths,
    of those paths only (taken literally: a name with `*` or `:(` is no pattern)."""
    args = ["--literal-pathspecs", "-c", "core.quotePath=false", "diff", *DIFF_FLAGS]
    if cached:
        args.append("--cached")
    return run(root, *args, *revs, "--", *paths)


def untracked(root: Path, paths: Sequence[str] = ()) -> list[str]:
    """Untracked files git does not ignore (with paths: among those paths only)."""
    return zsplit(run(root, "--literal-pathspecs", "ls-files", "--others", "--exclude-standard",
                      "-z", "--", *paths))


def staged_deletions(root: Path) -> list[str]:
    """Paths HEAD has and the index no longer has (a rename's source): index against HEAD
    only, no look at the working tree."""
    return zsplit(run(root, "diff", "--cached", "--name-only", "--diff-filter=D", "-z",
                      "--no-renames", "HEAD", "--"))


def read_blobs(root: Path | str, shas: Sequence[str]) -> dict[str, bytes]:
    """Read many blobs through one `git cat-file --batch` process."""
    if not shas:
        return {}
    unique = list(dict.fromkeys(shas))
    out = run(root, "cat-file", "--batch", stdin=("\n".join(unique) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        eol = out.index(b"\n", pos)
        header = out[pos:eol].split()
        pos = eol + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1
    return blobs


def blob_sizes(root: Path, shas: Iterable[str]) -> dict[str, int]:
    """Size of each blob, keyed by the id as asked (git answers one line per id, in order)."""
    unique = list(dict.fromkeys(shas))
    if not unique:
        return {}
    out = run(root, "cat-file", "--batch-check", stdin=("\n".join(unique) + "\n").encode())
    sizes = {}
    for sha, line in zip(unique, out.decode().splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            sizes[sha] = int(parts[2])
    return sizes


def merge_parents(root: Path, shas: Sequence[str]) -> dict[str, list[str]]:
    """Merge commit -> its parents after the first, for the merges among shas (one process)."""
    if not shas:
        return {}
    out = run(root, "rev-list", "--no-walk=unsorted", "--parents", "--stdin",
              stdin=("\n".join(shas) + "\n").encode())
    found = [line.split() for line in out.decode().splitlines()]
    return {line[0]: line[2:] for line in found if len(line) > 2}


def parents(root: Path, rev: str) -> list[str]:
    """Every parent of a commit, first parent first (none for a root commit)."""
    out = run(root, "rev-list", "--parents", "-n1", rev, "--")
    return out.decode().split()[1:]


def read_at(root: Path, rev: str, path: str) -> bytes | None:
    """A file's content at a commit, or None when it is not there."""
    out = run(root, "ls-tree", "-z", "--full-tree", rev, "--", path, check=False)
    for entry in out.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob" and os.fsdecode(name) == path:
            return read_blobs(root, [parts[2].decode()]).get(parts[2].decode())
    return None


def list_tree(root: Path, rev: str, folder: str) -> list[str]:
    """Paths of the files under folder at rev."""
    out = run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--",
              folder.rstrip("/") + "/", check=False)
    return zsplit(out)


def history(root: Path, spec: str, max_count: int | None = None) -> list[tuple[str, str | None]]:
    """(commit, first parent) of every commit in a rev-list range, oldest first.

    One `git rev-list` process. A bad range is the user's mistake (exit 2), not git's.
    """
    if spec.startswith("-"):
        raise UsageError(f"not a revision range: {spec}",
                         hint="write a range like main..HEAD, v1.0..v2.0 or a single revision")
    args = ["rev-list", "--reverse", "--parents"]
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    try:
        out = run(root, *args, "--end-of-options", spec, "--")
    except GitError as exc:
        hint = shallow_hint(root, "check the names with `git log --oneline`, e.g. "
                                  "`gitmon audit main..HEAD`")
        reason = exc.message.split(" failed: ", 1)[-1]
        raise UsageError(f"bad revision range: {spec} ({reason})", hint=hint) from exc
    pairs: list[tuple[str, str | None]] = []
    for line in out.decode().splitlines():
        shas = line.split()
        pairs.append((shas[0], shas[1] if len(shas) > 1 else None))
    return pairs


def commit_diffs(root: Path, pairs: Sequence[tuple[str, str | None]], patch: bool = True,
                 paths: Sequence[str] = ()) -> Iterator[tuple[str, str | None, bytes]]:
    """Stream each commit's diff against its first parent from ONE `git diff-tree --stdin`.

    Yields (commit, first parent, raw+patch bytes in `diff` format) in the order given,
    one per pair, an empty diff included; parse each with `change.parse_diff`. Without
    patch only the raw entries come (git reads no blob but a rename's); paths limits the
    diff to those exact paths.
    """
    if not pairs:
        return
    lines = "".join(f"{c} {p}\n" if p else f"{c}\n" for c, p in pairs).encode()
    flags = DIFF_FLAGS if patch else tuple(f for f in DIFF_FLAGS if f not in ("-p", "-U0"))
    args = ["git", "--literal-pathspecs", "-c", "core.quotePath=false", "diff-tree", "--stdin",
            "-r", "--root", "--always", *flags, *(("--", *paths) if paths else ())]
    import tempfile  # here, not at the top: the hook's fast path imports gitio

    from gitmon.change.stream import split_commits

    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(args, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=errors, env=_env())
        assert proc.stdin is not None and proc.stdout is not None
        # A thread feeds the commit list so git's output never waits on our input (no deadlock).
        feeder = threading.Thread(target=_feed, args=(proc.stdin, lines), daemon=True)
        feeder.start()
        try:
            yield from split_commits(_blocks(proc.stdout), pairs)
        finally:
            proc.stdout.close()
            code = proc.wait()
            feeder.join()
        if code != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()
            raise GitError(f"git diff-tree failed: {message}",
                           hint="check that the repository is healthy (`git fsck`)")


def _feed(pipe: IO[bytes], data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, ValueError):
        return


def _blocks(stream: IO[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    while block := os.read(stream.fileno(), size):
        yield block


# --- the daemon's questions (gitmon watch) ---------------------------------------------

def ignored_dirs(root: Path) -> list[str]:
    """Ignored untracked folders (relative, no trailing slash): the daemon watches none."""
    out = run(root, "ls-files", "--others", "--ignored", "--exclude-standard", "--directory",
              "-z")
    return [p.rstrip("/") for p in zsplit(out) if p.endswith("/")]


def check_ignored(root: Path, paths: Sequence[str]) -> set[str]:
    """Which of paths git ignores, in one `git check-ignore --stdin` call."""
    if not paths:
        return set()
    data = b"".join(os.fsencode(p) + b"\0" for p in paths)
    out = run(root, "check-ignore", "--stdin", "-z", stdin=data, check=False)
    return set(zsplit(out))


def common_dir(root: Path) -> Path:
    """The git dir shared by all worktrees (where refs live)."""
    out = run(root, "rev-parse", "--git-common-dir").decode().strip()
    return (root / out).resolve()


def head_ref(root: Path) -> str | None:
    """The branch HEAD points to (refs/heads/...), or None when detached."""
    return run(root, "symbolic-ref", "-q", "HEAD", check=False).decode().strip() or None


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    """True when older is in newer's history (no commit of older is missing from newer)."""
    return not run(root, "rev-list", "-n1", older, "--not", newer, "--").strip()


def git_path(root: Path, name: str) -> Path:
    """`git rev-parse --git-path name`: honours core.hooksPath and linked worktrees."""
    out = os.fsdecode(run(root, "rev-parse", "--git-path", name).rstrip(b"\n"))
    return root / out   # a relative answer is relative to the work tree root we ran in


def has_commit(root: Path, sha: str) -> bool:
    out = run(root, "cat-file", "-t", sha, check=False).strip()
    return out == b"commit"


def symbolic_ref(root: Path, name: str) -> str | None:
    out = run(root, "symbolic-ref", "-q", name, check=False).strip()
    return out.decode() or None


def not_on_remotes(root: Path, rev: str) -> list[str]:
    """Commits reachable from rev that no remote-tracking ref has, oldest first."""
    return rev_list(root, "--reverse", "--topo-order", rev, "--not", "--remotes")


def tree_blobs(root: Path, rev: str) -> list[tuple[str, str, str]]:
    """(mode, blob sha, path) of every file tracked at rev, from one `git ls-tree`."""
    out = run(root, "ls-tree", "-r", "-z", "--full-tree", rev)
    entries = []
    for entry in out.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            entries.append((parts[0].decode(), parts[2].decode(), os.fsdecode(name)))
    return entries
