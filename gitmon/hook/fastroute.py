"""A compiled routing table the hook's fast path can use without yaml or pathspec.

Loading the policy costs more than the whole hook may (yaml, pathspec, dataclasses:
~100 ms against a 65 ms budget). So the first full load writes the areas' gitignore
regexes, as pathspec compiled them, to `<git dir>/gitmon/fastpath.json`, keyed by the
policy's exact text, gitmon's version and the pathspec that compiled them (its version,
and the file and mtime a new install changes: `matcher_stamp`); later runs read that
JSON and match with `re` alone, replaying pathspec's GitIgnoreSpec precedence (tests hold
the two equal on many paths, and would catch a pathspec that changed its regexes). The
areas' content signals travel in the same JSON: `Table.claim` reads the staged code
files they need in one `git cat-file --batch` and adds the areas they claim.
"""

from __future__ import annotations

import json
import os
import re
import sys

from gitmon import __version__, content, policyfile, signals

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from typing import Any

CACHE_NAME = os.path.join("gitmon", "fastpath.json")
FORMAT = 5     # 2: content signals; 3: literal runs; 4: matcher stamp; 5: packs decided
_DIR_MARK = "ps_d"   # pathspec's named group for "matched as a directory"


class Table:
    """Areas as lists of (compiled regex, include) in file order, plus what a record needs."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.areas = {name: [_Pattern(rx, bool(inc), lit) for rx, inc, lit in pats]
                      for name, pats in data["areas"].items()}
        self.signals = {name: signals.from_json(items) for name, items in data["content"].items()}
        self.claimed: dict[str, dict[str, str]] = {}     # path -> {area: signal}, from claim()

    def areas_of(self, path: str) -> list[str]:
        hits = self.claimed.get(path, {})
        return [name for name, pats in self.areas.items()
                if _gitignore_match(pats, path) or name in hits]

    def claim(self, root: str, names: list[tuple[str, str]]) -> bool:
        """Match content signals on the staged files that need it (code or YAML, not yet in
        every signalled area), read at once; False when this cannot be decided here."""
        want = [p for s, p in names if s[:1] in "AMT" and signals.extension(p) in signals.READABLE
                and signals.wants(self.signals, p, self.areas_of(p))]
        if not want:
            return True       # nothing to read: no git process, not even gitio's import
        if any("\n" in p for p in want):
            return False      # cat-file reads one name a line: let the full path decide
        from gitmon import gitio

        try:
            blobs = gitio.read_blobs(root, [f":0:{p}" for p in want])
        except (ValueError, IndexError, OSError):   # e.g. a conflicted entry
            return False
        limit = int(self.data["settings"]["max_file_size"])
        for path in want:
            data = blobs.get(f":0:{path}")
            if data is None or not content.readable(data, limit):
                continue      # what the review skips is not read for signals either
            hits = signals.match(self.signals, path, data, self.areas_of(path))
            if hits:
                self.claimed[path] = hits
        return True


class _Pattern:
    """One gitignore pattern: compiled only when its literal part occurs in a path.

    Compiling the policy's ~75 patterns costs more than the rest of the idle hook; a path
    without a pattern's longest literal run (`retry` of `**/*retry*`) cannot match it.
    """

    __slots__ = ("_regex", "include", "literal", "source")

    def __init__(self, source: str, include: bool, literal: str) -> None:
        self.source, self.include, self.literal = source, include, literal
        self._regex: re.Pattern[str] | None = None

    def match(self, path: str, lowered: str) -> re.Match[str] | None:
        if self.literal and self.literal not in lowered:
            return None
        if self._regex is None:
            self._regex = re.compile(self.source)
        return self._regex.match(path)


def literal_of(glob: str) -> str:
    """The longest run of a glob that every matching path contains (lower case), or ''."""
    if "\\" in glob:
        return ""     # escapes: no shortcut, always compile
    text = re.sub(r"\[[^\]]*\]", "*", glob.lstrip("!"))
    runs = [r.strip("/") for r in re.split(r"[*?]", text)]
    return max(runs, key=len).lower() if runs else ""


def _gitignore_match(patterns: list[_Pattern], path: str) -> bool:
    """pathspec's SimpleGiBackend.match_file: a directory match of an include wins ties."""
    out_include: bool | None = None
    out_priority = 0
    lowered = path.lower()
    for pattern in patterns:
        include = pattern.include
        match = pattern.match(path, lowered)
        if match is None:
            continue
        dir_mark = match.groupdict().get(_DIR_MARK)
        priority = 1 if dir_mark else 2
        if (include and dir_mark) or priority >= out_priority:
            out_include, out_priority = include, priority
    return bool(out_include)


def policy_source(root: str) -> tuple[str, str] | None:
    """(origin, text) of the policy the full path would load; None when it must decide."""
    found = policyfile.locate(root)
    if found is None:
        return None   # a gitmon.yml that is a folder or a dangling link: the full path refuses it
    origin, path = found
    try:
        with open(path, encoding="utf-8") as fh:
            return origin, fh.read()
    except (OSError, UnicodeDecodeError):
        return None   # the full path reports it with a hint


def load(git_dir: str, root: str, origin: str, text: str) -> Table:
    """The cached table for this exact policy text and matcher, rebuilt (and saved) when stale."""
    path = os.path.join(git_dir, CACHE_NAME)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if (data.get("key") == [__version__, origin, text] and data.get("format") == FORMAT
                and data.get("matcher", [None])[1:] == matcher_stamp()):
            return Table(data)
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    data = build(root, origin, text)
    save_json(path, data)
    return Table(data)


def matcher_stamp() -> list[object]:
    """The pathspec an import would load, as its file's (path, size, mtime), found without
    importing it: reinstalling or upgrading pathspec changes it, and so the table."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find("pathspec", None) if find is not None else None
        if spec is not None and spec.origin:
            try:
                st = os.stat(spec.origin)
            except OSError:
                break
            return [spec.origin, st.st_size, st.st_mtime_ns]
    return []


def build(root: str, origin: str, text: str) -> dict[str, Any]:
    from pathlib import Path

    import pathspec

    from gitmon.policy import is_builtin_pack, read_policy
    from gitmon.routing import area_reviewers

    # rule files are validated by the review a routed commit starts, not on the idle path
    policy = read_policy(Path(root))
    areas = {name: [[p.regex.pattern, p.include, literal_of(str(p.pattern))]
                    for p in area.spec.patterns
                    if p.include is not None and p.regex is not None]
             for name, area in policy.areas.items()}
    return {"key": [__version__, origin, text], "format": FORMAT, "origin": policy.origin,
            "matcher": [pathspec.__version__, *matcher_stamp()], "areas": areas,
            "reviewers": {name: r.title for name, r in policy.reviewers.items()},
            "records": policy.settings.records,
            # what `prelaunch` needs to start semgrep before the policy can be loaded
            "area_reviewers": {k: list(v) for k, v in area_reviewers(policy).items()},
            # policy.is_builtin_pack decides here: prelaunch has no copy of it
            "rule_entries": {name: [[e, is_builtin_pack(e)] for e in r.rules]
                             for name, r in policy.reviewers.items()},
            "content": {name: [s.to_json() for s in area.content]
                        for name, area in policy.areas.items() if area.content},
            "settings": {"max_file_size": policy.settings.max_file_size,
                         "semgrep": policy.settings.semgrep,
                         "semgrep_timeout": policy.settings.semgrep_timeout}}


def save_json(path: str, data: dict[str, Any]) -> None:
    """Best effort, atomic: a read-only git dir only costs the next run the slow load."""
    from gitmon import fsio

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fsio.atomic_write(path, json.dumps(data))
    except (OSError, fsio.WriteError):
        pass
