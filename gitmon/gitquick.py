"""The one git question the idle hook asks, without `subprocess`.

Importing `subprocess` (with threading, selectors, signal, locale) costs the idle hook
about a third of a Python start. The staged names need none of it: stdout only, no
input, git's own error text not needed (on any failure the full CLI runs and reports it
through `gitio.run`). So this spawns git with `os.posix_spawnp` and reads one pipe.
The question itself (its arguments, the parsing, git's environment) is defined here
once and `gitio` asks it the same way.
"""

from __future__ import annotations

import os

# (status, path) of each staged change; no rename detection: a rename is a D and an A
STAGED_NAMES = ("diff", "--cached", "--name-status", "-z", "--no-renames")


def env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every git call gets: the caller's, git's messages in C."""
    out = dict(os.environ)
    out.update(extra or {})
    out.setdefault("LC_ALL", "C")
    return out


def zsplit(data: bytes) -> list[str]:
    """Split NUL-terminated git output into paths (surrogateescape keeps odd bytes)."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [os.fsdecode(p) for p in parts]


def name_status(data: bytes) -> list[tuple[str, str]]:
    parts = zsplit(data)
    return list(zip(parts[0::2], parts[1::2], strict=False))


def staged_names(root: str) -> list[tuple[str, str]] | None:
    """The staged changes of the work tree at root; None when git fails (ask `gitio`)."""
    out = output(root, *STAGED_NAMES)
    return None if out is None else name_status(out)


def output(root: str, *args: str) -> bytes | None:
    """stdout of `git -C root args`, or None when git cannot start or exits non-zero."""
    spawn = getattr(os, "posix_spawnp", None)
    if spawn is None:
        return None          # no posix_spawn here (Windows): gitio's subprocess instead
    read_end, write_end = os.pipe()
    quiet = os.open(os.devnull, os.O_RDWR)
    try:
        pid = spawn("git", ["git", "-C", root, *args], env(), file_actions=[
            (os.POSIX_SPAWN_DUP2, quiet, 0), (os.POSIX_SPAWN_DUP2, write_end, 1),
            (os.POSIX_SPAWN_DUP2, quiet, 2)])
    except OSError:
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
        os.close(quiet)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    return data if os.waitstatus_to_exitcode(status) == 0 else None
