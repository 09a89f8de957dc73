"""The hook starts semgrep first, then imports the rest of gitmon while semgrep runs.

gitmon's imports (yaml, pathspec, dataclasses, ...) cost more than its own work; done
before semgrep starts they add to its time, done after they overlap it. So the fast
path guesses the job the review will want with light modules only: the routing table
of `fastroute`, the staged blobs (one `ls-files`, one `cat-file --batch`), the rule set
cached as JSON under `<git dir>/gitmon/` by an earlier review, the review cache. The
review then takes the job only if it would start the very same one (same files and
contents, same rules config, same executable and timeout); otherwise it is killed.
A guess is only an optimisation: any surprise here means no prelaunch.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmon import __version__, installed
from gitmon import cache as cache_mod
from gitmon.engines.job import SemgrepJob, config_text, find_executable
from gitmon.hook.fastroute import save_json
from gitmon.languages import ALWAYS, languages_of

if TYPE_CHECKING:
    from gitmon.hook.fastroute import Table
    from gitmon.rulesets import RuleSet


class CachedRule:
    """A rule as the rule-set cache keeps it: what selection, digest and config need."""

    def __init__(self, rule_id: str, reviewers: list[str], languages: list[str],
                 body: dict[str, Any]) -> None:
        self.id, self.reviewers, self.body = rule_id, reviewers, body
        self.languages = frozenset(languages)


class Prelaunch:
    """Built before the heavy imports; the review takes its job or drops it."""

    def __init__(self, path: str, key: list[Any], reviewers: frozenset[str]) -> None:
        self.path, self.key, self.reviewers = path, key, reviewers
        self.cached: list[Any] | None = None     # the rule-set cache as read, when it was valid
        self.job: SemgrepJob | None = None
        self.todo: dict[str, str] = {}           # path -> sha256 of the content scanned
        self.config_text = ""
        self.executable: str | None = None
        self.timeout = 0.0

    def remember(self, reviewers: set[str], ruleset: RuleSet) -> None:
        """Keep the rule set the review loaded for the next hook run (when it changed)."""
        if frozenset(reviewers) != self.reviewers:
            return
        rules = [[r.id, list(r.reviewers), sorted(r.languages), r.body] for r in ruleset.rules]
        rules = json.loads(json.dumps(rules, default=str))
        if rules != self.cached:
            save_json(self.path, {"key": self.key, "rules": rules})

    def take(self, executable: str | None, config_text: str, todo: Mapping[str, bytes],
             timeout: float) -> SemgrepJob | None:
        """The job, if it is exactly the one the caller would start; else None (and it is killed)."""
        job, self.job = self.job, None
        if job is None:
            return None
        same = (executable == self.executable and timeout == self.timeout
                and config_text == self.config_text
                and {p: hashlib.sha256(d).hexdigest() for p, d in todo.items()} == self.todo)
        if same:
            return job
        job.cancel()
        return None

    def discard(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None


def start(root: str, git_dir: str, table: Table, names: Sequence[tuple[str, str]],
          use_cache: bool) -> Prelaunch | None:
    try:
        return _start(root, git_dir, table, names, use_cache)
    except Exception:  # only an optimisation: on any surprise the review launches its own
        return None


def _start(root: str, git_dir: str, table: Table, names: Sequence[tuple[str, str]],
           use_cache: bool) -> Prelaunch | None:
    data = table.data
    area_reviewers: dict[str, list[str]] = data["area_reviewers"]
    owners = {path: frozenset(r for a in areas for r in area_reviewers[a])
              for path, areas in ((p, table.areas_of(p)) for _, p in names) if areas}
    reviewers = frozenset(r for rs in owners.values() for r in rs)
    key = [__version__, data["key"], _fingerprint(root, data, reviewers)]
    tag = hashlib.sha256("\0".join(sorted(reviewers)).encode()).hexdigest()[:16]
    pre = Prelaunch(os.path.join(git_dir, "gitmon", f"rules-{tag}.json"), key, reviewers)
    rules = _cached_rules(pre)
    if rules is None or any(s not in ("A", "M") for s, p in names if p in owners):
        return pre      # cold cache (the review fills it), or deletions/type changes
    settings = data["settings"]
    contents = _staged_contents(root, list(owners), int(settings["max_file_size"]))
    if contents is None:
        return pre
    cache = cache_mod.Cache(Path(root, data["records"], "cache") if use_cache else None)
    digests: dict[frozenset[str], str] = {}
    todo = {}
    for path, content in contents.items():
        if owners[path] not in digests:
            digests[owners[path]] = _digest(rules, owners[path])
        if cache.get(cache_mod.key(path, content, digests[owners[path]])) is None:
            todo[path] = content
    langs = languages_of(list(todo)) | ALWAYS
    chosen = [r for r in rules if r.languages & langs]
    executable = find_executable(settings["semgrep"])
    if not todo or not chosen or executable is None:
        return pre
    pre.config_text = config_text(chosen)
    pre.executable, pre.timeout = executable, float(settings["semgrep_timeout"])
    pre.todo = {p: hashlib.sha256(d).hexdigest() for p, d in todo.items()}
    pre.job = SemgrepJob(executable, chosen, pre.config_text, todo, pre.timeout)
    return pre


def _digest(rules: list[CachedRule], reviewers: frozenset[str]) -> str:
    """`RuleSet.digest`, computed the same way (a difference only costs the prelaunch)."""
    chosen = [r for r in rules if set(r.reviewers) & reviewers]
    text = json.dumps([[r.id, r.body] for r in chosen], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _staged_contents(root: str, paths: list[str], max_size: int) -> dict[str, bytes] | None:
    """Staged content of paths, skipping huge and binary files as `read_contents` does;
    None when an entry is not a plain file (symlink, submodule, conflict)."""
    from gitmon import gitio

    entries = gitio.staged_entries(root, paths)
    if sorted(p for *_, p in entries) != sorted(paths):
        return None
    if any(mode not in ("100644", "100755") or stage != "0" for mode, _, stage, _ in entries):
        return None
    blobs = gitio.read_blobs(Path(root), [sha for _, sha, _, _ in entries])
    contents = {}
    for _, sha, _, path in entries:
        data = blobs[sha]
        if len(data) <= max_size and b"\0" not in data[:8192]:
            contents[path] = data
    return contents


def _fingerprint(root: str, data: Mapping[str, Any], reviewers: frozenset[str]) -> list[Any]:
    """(path, size, mtime) of every file under the reviewers' rule entries."""
    builtin = installed.rules_dir() or ""
    out: list[Any] = []
    for name, entries in data["rule_entries"].items():
        if name not in reviewers:
            continue
        for entry in entries:
            packed = "/" not in entry and entry in data["builtin_packs"]
            base = os.path.join(builtin, entry) if packed else os.path.join(root, entry)
            out.append([name, entry, _stat_tree(base)])
    return out


def _stat_tree(base: str) -> list[Any]:
    if os.path.isfile(base):
        st = os.stat(base)
        return [[".", st.st_size, st.st_mtime_ns]]
    found: list[Any] = []
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted(files):
            st = os.stat(os.path.join(folder, name))
            found.append([os.path.relpath(os.path.join(folder, name), base), st.st_size,
                          st.st_mtime_ns])
    return found


def _cached_rules(pre: Prelaunch) -> list[CachedRule] | None:
    try:
        with open(pre.path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != pre.key:
        return None
    pre.cached = data["rules"]
    return [CachedRule(*item) for item in data["rules"]]
