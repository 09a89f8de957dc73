"""Every git call lives here: subprocess with `-z` output, no quoted paths parsed.

The daemon sets GIT_OPTIONAL_LOCKS=0 through `optional_locks(False)` so that it
never takes the index lock the user's own git needs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from gitmon.errors import GitError, UsageError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
NULL_SHA = "0" * 40
_EXTRA_ENV: dict[str, str] = {}


def optional_locks(enabled: bool) -> None:
    """Tell every later git call whether it may take optional locks (the daemon may not)."""
    if enabled:
        _EXTRA_ENV.pop("GIT_OPTIONAL_LOCKS", None)
    else:
        _EXTRA_ENV["GIT_OPTIONAL_LOCKS"] = "0"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(_EXTRA_ENV)
    env.setdefault("LC_ALL", "C")
    return env


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


def zsplit(data: bytes) -> list[str]:
    """Split NUL-terminated git output into paths (surrogateescape keeps odd bytes)."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [os.fsdecode(p) for p in parts]


def toplevel(cwd: Path | str = ".") -> Path:
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True,
                          env=_env(), check=False)
    if proc.returncode != 0:
        raise UsageError(f"not a git repository: {Path(cwd).resolve()}",
                         hint="run gitmon inside a git repository (or `git init` first)")
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n")))


def git_dir(root: Path) -> Path:
    out = run(root, "rev-parse", "--absolute-git-dir").decode().strip()
    return Path(out)


def head(root: Path) -> str | None:
    """HEAD's sha, or None on a branch with no commits yet."""
    out = run(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip()
    return out.decode() or None


def resolve(root: Path, rev: str) -> str:
    out = run(root, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}",
              check=False).strip()
    if not out:
        hint = "check the name with `git log --oneline`"
        if is_shallow(root):
            hint = "this is a shallow clone: fetch the history (`git fetch --unshallow`, or " \
                   "`fetch-depth: 0` in actions/checkout)"
        raise UsageError(f"unknown revision: {rev}", hint=hint)
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


def staged_names(root: Path) -> list[tuple[str, str]]:
    """(status, path) of each staged change: the hook's one cheap question to git."""
    parts = zsplit(run(root, "diff", "--cached", "--name-status", "-z", "--no-renames"))
    return list(zip(parts[0::2], parts[1::2], strict=False))


DIFF_FLAGS = ("--raw", "-z", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv",
              "-M", "--full-index", "--submodule=short")


def diff(root: Path, *revs: str, cached: bool = False) -> bytes:
    """Raw entries (NUL-separated) followed by the -U0 patch, for DiffParser."""
    args = ["-c", "core.quotePath=false", "diff", *DIFF_FLAGS]
    if cached:
        args.append("--cached")
    return run(root, *args, *revs, "--")


def untracked(root: Path) -> list[str]:
    return zsplit(run(root, "ls-files", "--others", "--exclude-standard", "-z"))


def read_blobs(root: Path, shas: Sequence[str]) -> dict[str, bytes]:
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
    unique = list(dict.fromkeys(shas))
    if not unique:
        return {}
    out = run(root, "cat-file", "--batch-check", stdin=("\n".join(unique) + "\n").encode())
    sizes = {}
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 3:
            sizes[parts[0]] = int(parts[2])
    return sizes


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
