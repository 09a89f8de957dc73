"""The pre-commit fast path: a commit touching no watched area is answered cheaply.

Only the hook's own argv qualifies (`HOOK_ARGS`), run at the top of a work tree. Routing
uses the compiled table of `fastroute` (no yaml, no pathspec); git is asked once for the
staged names and once for the staged code files content signals read; if none is
routed, `records.unrouted` writes the record with light modules only and we return
without importing click, GitPython, jinja2, watchdog, the review engine or semgrep.
With routed files a running daemon is asked first (`_daemon`): when it already reviewed
the staged content it sends the whole review, and the hook writes its record and prints
its text, still light. Otherwise the review runs here, without click. Anything else
returns None and the full CLI runs.
"""

from __future__ import annotations

import os

from gitmon import gitdir

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from gitmon.hook.fastroute import Table
    from gitmon.record import Record

# Exactly what the installed hook runs (hooks/hook.sh; .pre-commit-hooks.yaml's entry):
# any other argv, even one meaning the same, goes to click, which owns option parsing.
HOOK_ARGS = ["check", "--staged", "--source", "pre-commit"]
SOURCE = "pre-commit"


def try_fast(args: list[str]) -> int | None:
    git_dir = gitdir.git_dir(os.getcwd()) if args == HOOK_ARGS else None
    if git_dir is None:
        return None   # not at the top of a work tree: let the full path find the root
    from gitmon.hook import fastroute

    root = os.getcwd()
    source = fastroute.policy_source(root)
    if source is None:
        return None
    table = fastroute.load(git_dir, root, *source)
    from gitmon import gitquick

    names = gitquick.staged_names(root)
    if names is None:
        return None   # git failed: the full path asks again and says why
    routed = _routed(table, names)      # by path alone: no content read yet
    served = _daemon(root, git_dir, source, table, names, routed) if routed else None
    if served is not None:
        return served   # the daemon routes by content too: the hook needs to read none
    if table.signals and not table.claim(root, names):
        return None
    if not routed and (routed := _routed(table, names)):     # routed by content only
        served = _daemon(root, git_dir, source, table, names, routed)
    if served is not None:
        return served
    if routed:
        return _review((root, git_dir, table, names))
    _record(root, git_dir, table.data, names)
    print(f"gitmon: PASS - no staged file in a watched area ({len(names)} unrouted)")
    return 0


def _routed(table: Table, names: list[tuple[str, str]]) -> list[str]:
    return [path for _, path in names if table.areas_of(path)]


def _daemon(root: str, git_dir: str, policy: tuple[str, str], table: Table,
            names: list[tuple[str, str]], routed: list[str]) -> int | None:
    """A running daemon that already reviewed the staged content answers the whole review
    (`daemon/staged.py`): its record is written here, its text printed. None: no daemon,
    or it could not answer exactly; the hook reviews by itself. The hook runs no git for
    it: the index file is named by its identity (inode, size, mtime: git replaces it
    whole on every write), and the policy goes as text (a digest would cost `hashlib`)."""
    from gitmon.daemon import client

    if not client.is_own_socket(client.socket_path(git_dir)):
        return None     # no daemon: nothing more to do here
    index = os.path.abspath(os.environ.get("GIT_INDEX_FILE") or os.path.join(git_dir, "index"))
    try:
        info = os.stat(index)
    except OSError:
        return None
    from gitmon.terminal import use_colour

    answer = client.staged(git_dir, {
        "argv": HOOK_ARGS, "policy_text": policy[1], "origin": policy[0], "index_file": index,
        "index_stat": [info.st_ino, info.st_size, info.st_mtime_ns], "names": names,
        "routed": routed, "colour": use_colour(), "semgrep": os.environ.get("GITMON_SEMGREP"),
    }, meanwhile=_writer)    # the writer's imports overlap the daemon's review
    if answer is None:
        return None
    code, text, record = answer
    _write(root, table.data["records"], record)
    print(text, end="", flush=True)
    return code


def _review(staged: tuple[str, str, Table, list[tuple[str, str]]]) -> int:
    """Routed files: the full review, still without click (its import is a hook's cost).

    semgrep is started first (`prelaunch`), so the heavy imports overlap its run."""
    from gitmon.hook import prelaunch

    pre = prelaunch.start(*staged)
    try:
        from gitmon.change.selection import Selector
        from gitmon.commands import check

        return check.run(selector=Selector("staged"), policy_path=None, fail_on=None,
                         diff_filter=None, record=True, use_cache=True, source=SOURCE,
                         prelaunched=pre)
    finally:
        if pre is not None:
            pre.discard()     # not taken (or already taken: a no-op)


def _record(root: str, git_dir: str, table: dict[str, object], names: list[tuple[str, str]],
            ) -> None:
    from gitmon import records

    titles = table["reviewers"]
    assert isinstance(titles, dict)
    base = gitdir.head(git_dir)
    if base == gitdir.UNKNOWN:   # an unusual HEAD: git's answer, as `gitio.head` gives it
        from gitmon import gitio

        base = gitio.head(root)
    _write(root, table["records"], records.unrouted(
        source=SOURCE, base=base, names=names, titles=titles, policy=str(table["origin"])))


def _writer() -> None:
    from pathlib import Path  # noqa: F401  (imported for `_write`, ahead of it)

    from gitmon import records  # noqa: F401


def _write(root: str, records_folder: object, record: Record) -> None:
    """Where the pipeline writes the hook's record (a staged record notes no commit)."""
    from pathlib import Path

    from gitmon import records

    records.write(records.records_dir(Path(root), str(records_folder)), record)
