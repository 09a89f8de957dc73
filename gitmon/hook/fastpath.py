"""The pre-commit fast path: a commit touching no watched area is answered cheaply.

Only `check --staged` qualifies (as the hook runs it), run at the top of a work tree.
Routing uses the compiled table of `fastroute` (no yaml, no pathspec); git is asked once
for the staged names and once for the staged code files content signals read; if none
is routed, a record is written with light modules only and
we return without importing click, GitPython, jinja2, watchdog, the review engine or
semgrep. With routed files the review runs without click. Anything else (another
command, an option this parser does not know, a bad value) returns None and the full
CLI runs.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from gitmon.hook.fastroute import Table
    from gitmon.record import Record

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
    git_dir = _git_dir(os.getcwd()) if opts is not None else None
    if opts is None or git_dir is None:
        return None   # not at the top of a work tree: let the full path find the root
    from gitmon.hook import fastroute

    root = os.getcwd()
    explicit = opts.get("--policy")
    if explicit == "":
        return None   # `--policy ''` names no file: the full path says so
    explicit = explicit if isinstance(explicit, str) else None
    source = fastroute.policy_source(root, explicit)
    if source is None:
        return None
    table = fastroute.load(git_dir, root, explicit, *source)
    from pathlib import Path

    from gitmon import gitio

    names = gitio.staged_names(Path(root))
    if table.signals and not table.claim(root, names):
        return None
    if any(table.areas_of(path) for _, path in names):
        return _review(opts, explicit, (root, git_dir, table, names))
    if not opts.get("--no-record"):
        _record(root, git_dir, table.data, names, str(opts.get("--source") or "check"))
    print(f"gitmon: PASS - no staged file in a watched area ({len(names)} unrouted)")
    return 0


def _review(opts: dict[str, str | bool], policy_path: str | None,
            staged: tuple[str, str, Table, list[tuple[str, str]]]) -> int | None:
    """Routed files: the full review, still without click (its import is a hook's cost).

    semgrep is started first (`prelaunch`), so the heavy imports overlap its run."""
    fail_on, diff_filter = opts.get("--fail-on"), opts.get("--filter")
    if fail_on not in (None, "error", "warning", "info", "never") or diff_filter not in (
            None, "added", "hunk", "file"):
        return None        # let click say what is wrong
    from gitmon.hook import prelaunch

    pre = prelaunch.start(*staged, use_cache=not opts.get("--no-cache"))
    try:
        from gitmon.change.selection import Selector
        from gitmon.commands import check

        return check.run(selector=Selector("staged"), policy_path=policy_path,
                         fail_on=fail_on if isinstance(fail_on, str) else None,
                         diff_filter=diff_filter if isinstance(diff_filter, str) else None,
                         record=not opts.get("--no-record"),
                         use_cache=not opts.get("--no-cache"),
                         source=str(opts.get("--source") or "check"), prelaunched=pre)
    finally:
        if pre is not None:
            pre.discard()     # not taken (or already taken: a no-op)


def _git_dir(root: str) -> str | None:
    """The git dir of the work tree at root, read from `.git` (a folder, or a file in a
    linked worktree) without starting git; None when root is not a work tree's top."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as fh:
            line = fh.read().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not line.startswith("gitdir:"):
        return None
    return os.path.join(root, line[len("gitdir:"):].strip())


def _record(root: str, git_dir: str, table: dict[str, object], names: list[tuple[str, str]],
            source: str) -> None:
    """The same record the full review writes when nothing is routed (a test holds them equal)."""
    from datetime import datetime, timezone
    from pathlib import Path

    from gitmon import __version__, records

    started = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    titles = table["reviewers"]
    assert isinstance(titles, dict)
    record: Record = {
        "schema": records.SCHEMA, "id": records.new_id(started), "source": source,
        "started_at": started, "finished_at": started,
        "tool": {"name": "gitmon", "version": __version__},
        "change": {"kind": "staged", "base": _head(git_dir), "head": None, "commits": [],
                   "files": [records.file_entry(p, s[0], []) for s, p in names]},
        "areas": {},
        "reviewers": {name: {"status": "skipped", "files": [], "findings": 0,
                             "reason": "no routed files", "title": title}
                      for name, title in titles.items()},
        "findings": [], "unrouted": len(names), "policy": str(table["origin"]), "filter_dropped": 0,
        "tests_dropped": 0,
        "engine": {"cached": 0, "scanned": 0, "rules": 0}, "degraded": None, "verdict": "pass",
    }
    records.write(records.records_dir(Path(root), str(table["records"])), record)


def _head(git_dir: str) -> str | None:
    """HEAD's sha read from the git dir without starting git (None when unborn or unusual)."""
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as fh:
            ref = fh.read().strip()
        if not ref.startswith("ref:"):
            return ref
        name = ref[4:].strip()
        common = _common_dir(git_dir)
        for base in (git_dir, common):
            loose = os.path.join(base, name)
            if os.path.isfile(loose):
                with open(loose, encoding="utf-8") as fh:
                    return fh.read().strip()
        with open(os.path.join(common, "packed-refs"), encoding="utf-8") as fh:
            for line in fh:
                if line.rstrip("\n").endswith(" " + name):
                    return line.split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    return None


def _common_dir(git_dir: str) -> str:
    """A linked worktree keeps its branches in the main repository's git dir."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as fh:
            return os.path.join(git_dir, fh.read().strip())
    except OSError:
        return git_dir
