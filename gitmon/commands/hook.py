"""`gitmon hook install|uninstall`, and `gitmon hook pre-push` (what the pre-push hook runs)."""

from __future__ import annotations

import os
import sys

from gitmon import gitio
from gitmon.commands.check import emit, execute
from gitmon.errors import EXIT_PASS
from gitmon.hook import install as hookinstall
from gitmon.hook import prepush
from gitmon.rulecheck import load_policy
from gitmon.rulesets import disk_reader


def install(*, hook_types: tuple[str, ...], force: bool = False, cwd: str = ".") -> int:
    root = gitio.toplevel(cwd)
    for hook_type in hook_types:
        print(hookinstall.install(root, hook_type, force).message)
    return EXIT_PASS


def uninstall(*, hook_types: tuple[str, ...], cwd: str = ".") -> int:
    root = gitio.toplevel(cwd)
    for hook_type in hook_types:
        print(hookinstall.uninstall(root, hook_type).message)
    return EXIT_PASS


def pre_push(*, remote: str, stdin: str | None = None, cwd: str = ".") -> int:
    """Review each pushed ref's new commits; the worst exit code wins."""
    root = gitio.toplevel(cwd)
    if stdin is None:
        stdin = _framework_refs() or sys.stdin.read()
    items = prepush.pushed(root, os.environ.get("PRE_COMMIT_REMOTE_NAME", remote), stdin)
    if not items:
        print("gitmon: PASS - nothing new to review in this push")
        return EXIT_PASS
    policy = load_policy(root)
    worst = EXIT_PASS
    for item in items:
        print(f"gitmon: reviewing {item.ref} ({(item.base or 'root')[:10]}..{item.head[:10]})")
        result, data = execute(root=root, policy=policy, reader=disk_reader(root), selector=item,
                               fail_on=None, diff_filter=None, record=True, source="pre-push")
        emit(data, "text", {})
        worst = max(worst, result.verdict.exit_code)
    return worst


def _framework_refs() -> str | None:
    """The pre-commit framework reads git's stdin itself and passes the refs in variables."""
    env = os.environ
    if not env.get("PRE_COMMIT_TO_REF"):
        return None
    return " ".join([env.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD", env["PRE_COMMIT_TO_REF"],
                     env.get("PRE_COMMIT_REMOTE_BRANCH") or "HEAD",
                     env.get("PRE_COMMIT_FROM_REF") or gitio.NULL_SHA])
