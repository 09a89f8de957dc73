"""Writing files without ever following a symbolic link: one atomic write, one append.

A change can commit symbolic links anywhere in a checkout (`.gitmon/ledger.jsonl ->
/dev/full`, `gitmon.sarif -> ~/.bashrc`), and CI runs gitmon inside that checkout. So a
path is written relative to a trusted `anchor` folder: every folder below the anchor is
opened one component at a time with O_DIRECTORY|O_NOFOLLOW (openat), every file with
O_NOFOLLOW, and a link anywhere on the way is refused, never followed. Every failure is a
`WriteError` (exit 3) naming the path and the OS reason.

Temp files are named by `gitmon.tempfiles`, which also removes those a killed writer left.

Import-light (os, stat): the hook's fast path writes its record with it.
"""

from __future__ import annotations

import errno
import os
import stat

from gitmon.errors import FatalError
from gitmon.tempfiles import sweep, temp_name

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
_HINTS = {
    "ENOSPC": "free some space on that file system, then run again",
    "EDQUOT": "the disk quota is used up: free some space, then run again",
    "EFBIG": "the file is over a size limit (`ulimit -f` or the file system's): raise it",
    "EISDIR": "a folder is in the way: remove or rename it",
    "ENOTDIR": "a file is in the way of a folder on this path: remove or rename it",
    "EACCES": "check the permissions of the folder",
    "EPERM": "check the permissions of the folder",
    "EROFS": "the file system is read-only: write somewhere else",
}


class WriteError(FatalError):
    """A write gitmon refused or could not do: exit 3 with the path and the reason."""


def atomic_write(path: str, data: str | bytes, *, anchor: str | None = None,
                 tmp_dir: str | None = None, mode: int = 0o644,
                 replace_link: bool = False, durable: bool = True) -> None:
    """Write path whole or not at all (temp file + rename), with no link followed.

    `anchor` is the trusted folder path lies in (default: its own folder); `tmp_dir`,
    also below the anchor, holds the temp file (default: path's folder). `durable`:
    synced to disk before the rename (after a crash, a file that was not may be empty).
    """
    anchor, parts, name = _split(path, anchor)
    blob = data.encode("utf-8") if isinstance(data, str) else data
    dfd = open_dir(anchor, parts)
    try:
        if tmp_dir:
            _, tparts, tname = _split(tmp_dir, anchor)
            tfd = open_dir(anchor, [*tparts, tname])
        else:
            tfd = os.dup(dfd)
        try:
            _check_target(dfd, name, path, replace_link)
            _write_via_temp(tfd, dfd, name, blob, mode, path, durable)
        finally:
            os.close(tfd)
    finally:
        os.close(dfd)


def _write_via_temp(tfd: int, dfd: int, name: str, blob: bytes, mode: int, path: str,
                    durable: bool = True) -> None:
    sweep(tfd)
    tmp = temp_name(os.path.splitext(name)[1])
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC,
                     mode, dir_fd=tfd)
        try:
            if mode & 0o111:
                os.fchmod(fd, mode)        # an executable (a hook) must not lose its x bits
            write_all(fd, blob)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=tfd, dst_dir_fd=dfd)
    except BaseException as exc:
        try:    # noqa: SIM105 (contextlib is not imported on the hook's path)
            os.unlink(tmp, dir_fd=tfd)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise failure(path, exc) from None
        raise


def append(path: str, data: str | bytes, *, anchor: str | None = None) -> None:
    """Append data with one write() on an O_APPEND file (concurrent lines don't interleave)."""
    fd = open_file(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, anchor=anchor)
    try:
        write_all(fd, data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise failure(path, exc) from None
    finally:
        os.close(fd)


def create_once(path: str, data: str, *, anchor: str | None = None) -> bool:
    """Create path with data unless it exists (a link there is refused); True if created."""
    try:
        fd = open_file(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, anchor=anchor)
    except WriteError as exc:
        if not isinstance(exc.__cause__, FileExistsError):
            raise
        if os.path.islink(path):
            raise _link(path) from None
        return False
    try:
        write_all(fd, data.encode("utf-8"))
    except OSError as exc:
        raise failure(path, exc) from None
    finally:
        os.close(fd)
    return True


def open_file(path: str, flags: int, *, anchor: str | None = None, mode: int = 0o644) -> int:
    """os.open of path with O_NOFOLLOW below anchor; refuses anything but a regular file."""
    anchor, parts, name = _split(path, anchor)
    dfd = open_dir(anchor, parts, create=bool(flags & os.O_CREAT))
    try:
        # O_NONBLOCK: opening a FIFO must not hang the run (regular files ignore the flag)
        fd = os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, mode, dir_fd=dfd)
    except OSError as exc:
        raise failure(path, exc) from exc
    finally:
        os.close(dfd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):     # fstat of an open descriptor cannot fail
        os.close(fd)
        raise WriteError(f"{path} is not a regular file: gitmon writes only into files",
                         hint="remove it or choose another name")
    return fd


def open_dir(anchor: str, parts: list[str], create: bool = True) -> int:
    """A descriptor of anchor/parts..., each part a real folder (created when missing)."""
    fd = os.open(anchor, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)  # the anchor is trusted
    shown = anchor
    for part in parts:
        shown = os.path.join(shown, part)
        try:
            if create:
                try:    # noqa: SIM105 (contextlib is not imported on the hook's path)
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
        except OSError as exc:
            os.close(fd)
            raise failure(shown, exc) from None
        os.close(fd)
        fd = child
    return fd


def failure(path: str, exc: OSError) -> WriteError:
    """The error for a failed write of path: a link is refused; anything else says why."""
    if os.path.islink(path):
        return _link(path)
    name = errno.errorcode.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc)
    return WriteError(f"cannot write {path}: {reason}",
                      hint=_HINTS.get(name, "check the path and its permissions"))


def _link(path: str) -> WriteError:
    return WriteError(f"{path} is a symbolic link: gitmon never writes through a link",
                      hint="remove the link (a change may have committed it) and run again")


def _check_target(dfd: int, name: str, path: str, replace_link: bool) -> None:
    try:
        st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise failure(path, exc) from None
    if stat.S_ISLNK(st.st_mode) and not replace_link:
        raise _link(path)
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(f"cannot write {path}: it is a folder", hint=_HINTS["EISDIR"])


def _split(path: str, anchor: str | None) -> tuple[str, list[str], str]:
    anchor = anchor if anchor is not None else (os.path.dirname(path) or ".")
    rel = os.path.relpath(path, anchor)
    parts = rel.split(os.sep)
    if rel == "." or ".." in parts:
        raise WriteError(f"{path} is not inside {anchor}",
                         hint="write it inside the folder it belongs to")
    return anchor, parts[:-1], parts[-1]


def write_all(fd: int, blob: bytes) -> None:
    view = memoryview(blob)
    while view:
        view = view[os.write(fd, view):]


def write_output(path: str, text: str, root: str) -> None:
    """A report file the user named (--sarif-output ...), relative to the working folder.

    Inside the repository every folder and the file itself must be real (a change could
    commit `gitmon.sarif` as a link); outside it, the user's own folders are trusted.
    """
    path = os.path.abspath(path)
    rel = os.path.relpath(path, root)
    if rel != ".." and not rel.startswith(".." + os.sep):
        atomic_write(path, text, anchor=root)
        return
    parent = os.path.dirname(path)
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as exc:
        raise failure(parent, exc) from None
    atomic_write(path, text, anchor=parent)
