"""The pre-commit fast path: a commit touching no watched area is answered cheaply.

Only `check --staged` qualifies (as the hook runs it). One git call lists the staged
names; if none is routed, a record is written and we return without importing click,
GitPython, jinja2, watchdog or starting semgrep. Anything else returns None and the
full CLI runs.
"""

from __future__ import annotations

import os

_ALLOWED_FLAGS = {"--staged", "--no-record", "--no-cache"}
_ALLOWED_VALUES = {"--source", "--fail-on", "--filter", "--policy"}


def _parse(args: list[str]) -> dict[str, str | bool] | None:
    if not args or args[0] != "check" or "--staged" not in args:
        return None
    opts: dict[str, str | bool] = {}
    rest = iter(args[1:])
    for arg in rest:
        name, eq, value = arg.partition("=")
        if name in _ALLOWED_FLAGS and not eq:
            opts[name] = True
        elif name in _ALLOWED_VALUES:
            opts[name] = value if eq else next(rest, "")
        else:
            return None
    return opts


def try_fast(args: list[str]) -> int | None:
    opts = _parse(args)
    if opts is None or not os.path.exists(".git"):
        return None   # not at the top of a work tree: let the full path find the root
    from pathlib import Path

    from gitmon import gitio
    from gitmon.policy import load_policy
    from gitmon.routing import route_paths

    root = Path.cwd()
    policy_path = opts.get("--policy")
    policy = load_policy(root, policy_path if isinstance(policy_path, str) else None)
    names = gitio.staged_names(root)
    plan = route_paths(policy, [path for _, path in names])
    if plan.file_areas:
        return None
    if not opts.get("--no-record"):
        _record(root, policy, names, str(opts.get("--source") or "check"))
    print(f"gitmon: PASS - no staged file in a watched area ({len(names)} unrouted)")
    return 0


def _record(root: object, policy: object, names: list[tuple[str, str]], source: str) -> None:
    from pathlib import Path

    from gitmon import records
    from gitmon.change import Change, FileChange
    from gitmon.policy import Policy
    from gitmon.review import Options, review

    assert isinstance(root, Path) and isinstance(policy, Policy)
    change = Change("staged", root, _head(root), None, (),
                    tuple(FileChange(path=p, status=s[0]) for s, p in names))
    result = review(change, policy, lambda entry: [], Options(source=source))
    records.write(records.records_dir(root, policy.settings.records), records.build(result))


def _head(root: object) -> str | None:
    """HEAD's sha read from .git without starting git (None when unborn or unusual)."""
    from pathlib import Path

    git = Path(str(root), ".git")
    try:
        if git.is_file():
            git = Path(str(root), git.read_text().split("gitdir:", 1)[1].strip())
        ref = (git / "HEAD").read_text().strip()
        if not ref.startswith("ref:"):
            return ref
        name = ref[4:].strip()
        loose = git / name
        if loose.is_file():
            return loose.read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + name):
                return line.split()[0]
    except (OSError, IndexError):
        return None
    return None
