"""Temp folders of a run: `<tmp>/gitmon-<uid>/<pid>-<random>/`, swept when their owner is dead.

The engine's input tree holds copies of the reviewed source. A run killed by SIGKILL
cannot remove its own, so every run that makes one first removes the folders whose
owner pid is gone. A live process's folder is never touched (a reused pid only delays
the sweep). Import-light: the hook's prelauncher makes these before gitmon is loaded.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile

from gitmon.tempfiles import pid_alive


def run_folder() -> str:
    """A fresh owner-only folder for this run, after sweeping those of dead runs."""
    base = _base()
    if base is None:     # someone else's (or a link) in a shared temp dir: no sweeping there
        return tempfile.mkdtemp(prefix=f"gitmon-{os.getuid()}-")
    sweep(base)
    return tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base)


def remove(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def sweep(base: str) -> list[str]:
    """Remove the run folders whose owner process is dead; return their names."""
    removed: list[str] = []
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    for name in names:
        owner = name.split("-", 1)[0]
        if owner.isdigit() and not pid_alive(int(owner)):
            remove(os.path.join(base, name))
            removed.append(name)
    return removed


def _base() -> str | None:
    """`<tmp>/gitmon-<uid>`, made owner-only; None if what is there is not ours alone."""
    base = os.path.join(tempfile.gettempdir(), f"gitmon-{os.getuid()}")
    try:
        os.mkdir(base, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    st = os.lstat(base)
    # Another user could have made it first (or a link to their folder): not ours to use.
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return base

