"""Install and uninstall gitmon's native git hooks (the pre-commit framework's way).

Our hook is the template `hooks/hook.sh` with an id line, so we can tell it from a
foreign hook. A foreign hook is never lost: install moves it to `<hook>.legacy` and our
hook runs it first (its failure stops the commit); uninstall puts it back. `--force`
replaces a foreign hook without keeping it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from gitmon import fsio, gitio, installed
from gitmon.errors import FatalError, UsageError

HOOK_ID = "# gitmon-hook-id: 8f3c6e1a2b9d4f70"
HOOK_TYPES = ("pre-commit", "pre-push", "post-commit")


@dataclass(frozen=True)
class Outcome:
    path: Path
    message: str


def template_path() -> Path:
    """The hook template: in the wheel under gitmon/_hooks, in a checkout at hooks/."""
    path = installed.hook_template()
    if path is not None:
        return Path(path)
    raise FatalError("the hook template is missing from this installation",
                     hint="reinstall gitmon (`pip install --force-reinstall gitmon`)")


def render(hook_type: str, python: str = sys.executable) -> str:
    if "'" in python:
        raise UsageError(f"cannot embed this interpreter path in a shell hook: {python}",
                         hint="install gitmon in an environment whose path has no single quote")
    text = template_path().read_text(encoding="utf-8")
    return text.replace("__PYTHON__", python).replace("__TYPE__", hook_type)


def hook_path(root: Path, hook_type: str) -> Path:
    if hook_type not in HOOK_TYPES:
        raise UsageError(f"unknown hook type: {hook_type}", hint=f"use one of {', '.join(HOOK_TYPES)}")
    return gitio.git_path(root, "hooks") / hook_type


def is_ours(path: Path) -> bool:
    try:
        return HOOK_ID in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def install(root: Path, hook_type: str, force: bool = False) -> Outcome:
    path = hook_path(root, hook_type)
    legacy = path.with_name(path.name + ".legacy")
    text = render(hook_type)
    note = ""
    if path.exists() and not is_ours(path):
        if force:
            note = " (the hook that was there is replaced, not kept: --force)"
        elif legacy.exists():
            raise UsageError(
                f"{path} is not gitmon's and {legacy.name} already exists: keeping both is not possible",
                hint="merge them into one hook by hand, or pass --force to replace "
                     f"{path.name} (the .legacy hook stays and is still run)")
        else:
            path.replace(legacy)
            note = f" (the hook that was there is kept as {legacy.name} and runs first)"
    elif is_ours(path) and path.read_text(encoding="utf-8") == text:
        return Outcome(path, f"gitmon {hook_type} hook is up to date at {_show(root, path)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_executable(path, text)
    return Outcome(path, f"gitmon {hook_type} hook installed at {_show(root, path)}{note}")


def uninstall(root: Path, hook_type: str) -> Outcome:
    path = hook_path(root, hook_type)
    legacy = path.with_name(path.name + ".legacy")
    if not path.exists() and not legacy.exists():
        return Outcome(path, f"no {hook_type} hook installed at {_show(root, path)}: nothing to do")
    if path.exists() and not is_ours(path):
        return Outcome(path, f"{_show(root, path)} is not gitmon's hook: left as it is")
    path.unlink(missing_ok=True)
    if legacy.exists():
        legacy.replace(path)
        return Outcome(path, f"gitmon {hook_type} hook removed; the previous hook is restored")
    return Outcome(path, f"gitmon {hook_type} hook removed from {_show(root, path)}")


def _write_executable(path: Path, text: str) -> None:
    # A hook may be a link (an old `ln -s` install): it is replaced, never written through.
    fsio.atomic_write(str(path), text, mode=0o755, replace_link=True)


def _show(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
