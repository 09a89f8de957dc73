"""The daemon reviews the staged change for the hook, from what it already reviewed.

The hook's fast path asks (`client.staged`) once it knows files are routed, before it
starts semgrep. The daemon answers only when its review is the one the hook would make
and needs no engine run:
- the hook's own argv, the same policy (text and origin) and `GITMON_SEMGREP`;
- the same index: the hook's index file (one of this git dir) is read here while it is
  the file the hook saw (inode, size and mtime, before and after the review: git writes
  an index to a new file and renames it), and it has the hook's staged names;
- every routed file's content (path, blob id) reviewed by this daemon, looked up before
  any work; then the review itself runs with the engine off and the daemon's matches in
  hand (`Memory`), and a file still left to scan makes it a miss.
Then it is `check.execute` as the hook runs it, writing nothing; the record gets the
index's tree (`notes.mark_staged`, on the hook's index) as the hook's own write would
give it, and goes back with the exit code and the text. The hook writes it: one record
per commit, whether the answer arrives or not. Any other case, or any error: a miss,
and the hook reviews by itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitmon import gitio, notes
from gitmon.change import parse_diff
from gitmon.change.selection import Selector
from gitmon.commands import check
from gitmon.daemon.answers import Answers, Memory
from gitmon.hook.fastpath import HOOK_ARGS, SOURCE
from gitmon.policy import Policy
from gitmon.reports import text
from gitmon.rulesets import disk_reader

MISS = {"status": "miss"}
STALE = {"status": "stale"}
# never shown: a review left with a file to scan is a miss, not a record
ENGINE_OFF = "the daemon answers the hook only from content it reviewed"
# the staged entries with their blob ids (the precheck's, read by `parse_diff`): full ids,
# no renames, as the hook's names (`gitquick.STAGED_NAMES`)
INDEX_ARGS = ("diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev")


class Staged:
    def __init__(self, root: Path, git_dir: Path, policy: Callable[[], Policy | None],
                 answers: Answers) -> None:
        self.root, self.git_dir = root, git_dir
        self.policy = policy            # the policy in use; None while its file is broken
        self.answers = answers
        self.reviews = 0                # staged reviews the hook took from this daemon

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy()
        if policy is None or request.get("policy_text") != _lines(policy.text) \
                or request.get("origin") != policy.origin:
            return STALE
        index = self._index_file(request.get("index_file"))
        if request.get("argv") != HOOK_ARGS or index is None \
                or request.get("semgrep") != os.environ.get("GITMON_SEMGREP") \
                or _identity(index) != request.get("index_stat"):
            return MISS
        gitio.use_index(index)          # this thread's git reads the hook's index
        try:
            reply = self._review(policy, index, request)
        except Exception:   # a miss whatever failed: the hook's own review will say what
            return MISS
        finally:
            gitio.use_index(None)
        self.reviews += reply["status"] == "ok"
        return reply

    def _index_file(self, path: object) -> str | None:
        """The hook's index file, if it is a file of this git dir (`index`, or the
        `index.lock` of `git commit -a`); anything else is not asked about."""
        if not isinstance(path, str) or not os.path.isfile(path):
            return None
        real = os.path.realpath(path)
        return real if os.path.dirname(real) == os.path.realpath(self.git_dir) else None

    def _review(self, policy: Policy, index: str, request: dict[str, Any]) -> dict[str, Any]:
        entries = parse_diff(gitio.run(self.root, *INDEX_ARGS))
        if [[f.status, f.path] for f in entries] != request.get("names"):
            return MISS
        routed = request.get("routed")
        wanted = set(routed) if isinstance(routed, list) else set()
        # an entry with no staged blob (unmerged) is never known: a miss
        if not self.answers.knows([(f.path, f.new_blob or "") for f in entries
                                   if f.path in wanted and f.status != "D"]):
            return MISS
        result, record = check.execute(
            root=self.root, policy=policy, reader=disk_reader(self.root),
            selector=Selector("staged"), fail_on=None, diff_filter=None, record=False,
            source=SOURCE, daemon=Memory(self.answers), engine_off=ENGINE_OFF)
        # still the hook's file once read (`write-tree` below may rewrite it: same entries)
        if result.degraded is not None or _identity(index) != request.get("index_stat"):
            return MISS
        notes.mark_staged(self.root, result.change.kind, record)
        return {"status": "ok", "exit": result.verdict.exit_code, "record": record,
                "text": text.render(record, colour=request.get("colour") is True)}


def _lines(text: str) -> str:
    """The policy's text as the hook reads it (`fastroute.policy_source`: universal newlines;
    the loader keeps a CRLF file's bytes as they are, and parses it the same)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _identity(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_ino, info.st_size, info.st_mtime_ns]

