"""Warm the review cache for many changes with as few semgrep runs as possible.

`review()` scans one change with one semgrep process. Over a history that would be one
process per commit, so `gitmon audit` first scans the routed files of a whole window of
commits here — unique (path, blob) pairs, in one run — and stores each result under the
exact key `review._Scan` looks up. Reviewing each commit afterwards starts no semgrep.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmon import cache as cache_mod
from gitmon import gitio
from gitmon.change import Change, FileChange
from gitmon.engines import semgrep
from gitmon.engines.scope import Scope
from gitmon.findings import redact_matches
from gitmon.policy import Policy
from gitmon.routing import Routing
from gitmon.rulesets import Reader, RuleSet, languages_of, load_ruleset

CHUNK = 2000   # files per semgrep run: a few runs on a huge window, never one per commit


@dataclass(frozen=True)
class Target:
    """One routed file version to scan, and what its review will look for."""

    path: str
    blob: str
    keys: frozenset[str]                   # cache keys, as review._Scan computes them
    rules: frozenset[tuple[str, str]]      # (rule id, body digest) its reviewers run


@dataclass
class Warmup:
    targets: dict[tuple[str, str], Target]
    scanned: int = 0
    runs: int = 0
    failure: str | None = None


class Prefill:
    def __init__(self, root: Path, policy: Policy, reader: Reader, cache_dir: Path,
                 on_scan: Callable[[int], None] | None = None) -> None:
        self.root, self.policy, self.reader = root, policy, reader
        self.on_scan = on_scan      # told the number of files before each engine run
        self.cache = cache_mod.Cache(cache_dir)
        self._rulesets: dict[frozenset[str], RuleSet] = {}

    def ruleset(self, reviewers: frozenset[str]) -> RuleSet:
        # Loaded per set of routed reviewers, like review() does, so rule ids and digests match.
        if reviewers not in self._rulesets:
            self._rulesets[reviewers] = load_ruleset(self.policy, self.reader, set(reviewers),
                                                    memo=self.cache)
        return self._rulesets[reviewers]

    def warm(self, routed: Sequence[tuple[Change, Routing]]) -> Warmup:
        """Scan every routed file version of changes that the cache does not hold yet."""
        blobs = self._contents(routed)
        result = Warmup(self._targets(routed, blobs))
        everyone = frozenset(r for rs in self._rulesets for r in rs)
        full = self.ruleset(everyone) if result.targets else RuleSet(())
        known = {(r.id, _digest(r.body)) for r in full.rules}
        todo = [t for t in result.targets.values() if t.rules <= known]
        for batch in _batches(todo):
            if self.on_scan is not None:
                self.on_scan(len(batch))
            result.runs += 1
            failure = self._scan(full, batch, blobs)
            result.scanned += len(batch)
            if failure:
                result.failure = failure
                break
        return result

    def _contents(self, routed: Sequence[tuple[Change, Routing]]) -> dict[str, bytes]:
        """Routed blobs of all changes, read as sources.read_contents would (one process)."""
        wanted = {f.new_blob for c, r in routed for f in _files(c, r) if f.new_blob}
        sizes = gitio.blob_sizes(self.root, sorted(wanted))
        small = [s for s in sorted(wanted) if sizes.get(s, 0) <= self.policy.settings.max_file_size]
        data = gitio.read_blobs(self.root, small)
        return {sha: blob for sha, blob in data.items() if b"\0" not in blob[:8192]}

    def _targets(self, routed: Sequence[tuple[Change, Routing]], blobs: dict[str, bytes],
                 ) -> dict[tuple[str, str], Target]:
        targets: dict[tuple[str, str], Target] = {}
        for change, routing in routed:
            reviewers = frozenset(routing.reviewer_files)
            ruleset = self.ruleset(reviewers)
            for f in _files(change, routing):
                data = blobs.get(f.new_blob or "")
                if data is None or not f.new_blob:
                    continue
                owners = reviewers & routing.owners(f.path, self.policy)
                key = cache_mod.key(f.path, data, ruleset.digest(owners))
                if self.cache.get(key) is not None:
                    continue
                rules = frozenset((r.id, _digest(r.body)) for r in ruleset.rules
                                  if set(r.reviewers) & owners)
                old = targets.get((f.path, f.new_blob))
                keys = old.keys | {key} if old else frozenset({key})
                targets[(f.path, f.new_blob)] = Target(f.path, f.new_blob, keys,
                                                       rules | (old.rules if old else frozenset()))
        return targets

    def _scan(self, full: RuleSet, batch: dict[str, Target], blobs: dict[str, bytes],
              ) -> str | None:
        contents = {name: blobs[t.blob] for name, t in batch.items()}
        rules = full.for_languages(languages_of([t.path for t in batch.values()]))
        run = semgrep.run_semgrep(semgrep.find_executable(self.policy.settings.semgrep), rules,
                                  full.config_text(rules), contents,
                                  self.policy.settings.semgrep_timeout)
        if run.failure:
            return run.failure
        scope = Scope(rules)      # each rule's `paths:`, on the real path, not the scan name
        for name, target in batch.items():
            if name in run.notes or (run.scanned is not None and name not in run.scanned):
                continue   # as review._Scan: an engine problem on a file is not cached
            ids = {rule_id for rule_id, _ in target.rules}
            mine = [m for m in scope.keep(target.path, run.matches.get(name, [])) if m.rule in ids]
            found = [m.to_json() for m in redact_matches(mine, contents[name])]
            for key in target.keys:
                self.cache.put(key, found)
        return None


def _files(change: Change, routing: Routing) -> list[FileChange]:
    """The files of change its review will read: routed, with text content."""
    return [f for f in change.files if f.path in routing.file_areas and f.special is None]


def _digest(body: Any) -> str:
    text = json.dumps(body, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _batches(targets: list[Target]) -> list[dict[str, Target]]:
    """Scan names for targets: the n-th version of a path goes to layer n, under a
    `_gitmon_v<n>/` prefix, and all layers share one run (rules' `paths:` are applied to
    the real path afterwards, so a prefix cannot change what they match)."""
    layers: list[dict[str, Target]] = []
    for target in sorted(targets, key=lambda t: (t.path, t.blob)):
        depth = next(i for i in range(len(layers) + 1)
                     if i == len(layers) or target.path not in layers[i])
        if depth == len(layers):
            layers.append({})
        layers[depth][target.path] = target
    items = [((f"_gitmon_v{i}/{p}" if i else p), t) for i, layer in enumerate(layers)
             for p, t in layer.items()]
    return [dict(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
