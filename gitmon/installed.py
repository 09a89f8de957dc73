"""Where this installation keeps its own files: the default policy, the built-in rule
packs and the hook template.

In a wheel they sit inside the package (`gitmon/_rules`, `gitmon/_hooks`); in a checkout
beside it (`rules/`, `hooks/`). Only `os.path` here: the hook's fast path asks too, before
anything heavy is imported (`pathlib` alone is a measurable share of an idle hook).
"""

from __future__ import annotations

import os

PACKAGE = os.path.dirname(os.path.realpath(__file__))
DEFAULT_POLICY = os.path.join(PACKAGE, "default_policy.yml")


def _first_dir(*candidates: str) -> str | None:
    return next((c for c in candidates if os.path.isdir(c)), None)


def rules_dir() -> str | None:
    """The built-in rule packs' folder, None when the installation lacks it."""
    return _first_dir(os.path.join(PACKAGE, "_rules"),
                      os.path.join(os.path.dirname(PACKAGE), "rules"))


def hook_template() -> str | None:
    """The git hook script gitmon installs, None when the installation lacks it."""
    for folder in (os.path.join(PACKAGE, "_hooks"), os.path.join(os.path.dirname(PACKAGE), "hooks")):
        if os.path.isfile(os.path.join(folder, "hook.sh")):
            return os.path.join(folder, "hook.sh")
    return None
