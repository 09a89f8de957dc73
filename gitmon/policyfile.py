"""Which policy gitmon uses in a repository: `--policy FILE`, the repository's own
`gitmon.yml`, or the built-in default. Decided here once, for the loader
(`policy.read_policy`) and for the hook's fast path (`hook.fastroute`), which asks before
yaml or pathlib is imported (`os.path` only).
"""

from __future__ import annotations

import os

from gitmon import installed

POLICY_FILE = "gitmon.yml"
BUILTIN_ORIGIN = "<built-in default policy>"


def locate(root: str, explicit: str | None = None) -> tuple[str, str] | None:
    """(origin, path of the text) of the policy at root; None when there is none to read:
    `--policy` names no file, or the repository's `gitmon.yml` is a folder or a dangling
    link (it meant a policy: never silently the default)."""
    if explicit is not None:
        return (explicit, explicit) if os.path.isfile(explicit) else None
    own = os.path.join(root, POLICY_FILE)
    if os.path.isfile(own):
        return POLICY_FILE, own
    if os.path.lexists(own):
        return None
    return BUILTIN_ORIGIN, installed.DEFAULT_POLICY
