"""The flow of one review: change -> routing -> semgrep batch + built-in checks -> verdict."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gitmon import cache as cache_mod
from gitmon import gitio, helm, unreviewed
from gitmon.change import Change, FileChange
from gitmon.daemon import client
from gitmon.engines import semgrep
from gitmon.engines.builtin import CHECKS, CheckContext
from gitmon.engines.scope import Scope
from gitmon.findings import Finding, apply_suppressions, fingerprint, matched_code, redact_matches
from gitmon.policy import Policy
from gitmon.routing import Routing, route_and_read
from gitmon.rulesets import Reader, RuleSet, languages_of, load_ruleset
from gitmon.severity import Severity
from gitmon.testcode import drop_test_findings
from gitmon.verdict import ReviewerResult, Verdict, judge

if TYPE_CHECKING:
    from gitmon.engines.resident import Resident, ResidentJob
    from gitmon.hook.prelaunch import Prelaunch
    from gitmon.record import ShardEntry


class Part(Protocol):
    """One shard of a review split over CI's matrix (`gitmon.ci.shard.Shard`)."""

    @property
    def whole_change(self) -> bool: ...   # the built-in checks run here (over everything)

    def share(self, sizes: Mapping[str, int]) -> frozenset[str]: ...   # routed files it scans

    def to_json(self, files: Collection[str]) -> ShardEntry: ...


class EngineLink(Protocol):
    """The daemon's answers (`gitmon.daemon`): the hook asks, the daemon's reviews remember."""

    def ask(self, files: dict[str, tuple[str, str]]) -> dict[str, list[dict[str, Any]]]: ...

    def remember(self, path: str, blob: str, rules: str,
                 matches: list[dict[str, Any]]) -> None: ...


@dataclass(frozen=True)
class Options:
    source: str = "check"
    filter: str | None = None          # overrides settings.filter
    fail_on: str | None = None         # overrides each reviewer's block_on
    use_cache: bool = True
    baseline: frozenset[str] = frozenset()
    engine_off: str | None = None      # why semgrep must not run now (the daemon's open breaker)
    # the hook's early semgrep job, used only if it is exactly the one this review wants
    prelaunched: Prelaunch | None = field(default=None, compare=False)
    # a running daemon's engine answers for content it reviewed (`gitmon.daemon.client`)
    daemon: EngineLink | None = field(default=None, compare=False)
    part: Part | None = None           # a CI shard: only its share of the routed files
    # the daemon's warm engine (`gitmon.engines.resident`), used in place of a one-shot run
    resident: Resident | None = field(default=None, compare=False)


@dataclass
class Review:
    change: Change
    policy: Policy
    routing: Routing
    findings: list[Finding]
    reviewers: dict[str, ReviewerResult]
    verdict: Verdict
    notes: dict[str, str]
    degraded: str | None
    source: str
    started_at: str
    finished_at: str = ""
    dropped: int = 0                   # findings outside the diff filter
    engine: dict[str, object] = field(default_factory=dict)
    tests_dropped: int = 0             # findings in test code its reviewer does not gate
    part: ShardEntry | None = None     # which shard this is and what it scanned


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def review(change: Change, policy: Policy, reader: Reader, options: Options,
           cache_dir: Path | None = None) -> Review:
    started = now()
    routing, contents, notes, skipped = route_and_read(policy, change)   # by path, then content
    mine = _share(options.part, routing, contents)
    scanned = {p: d for p, d in contents.items() if p in mine}
    skipped = {p: why for p, why in skipped.items() if p in mine}
    routed = [f for f in change.files if f.path in routing.file_areas]
    for path, data in contents.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            notes[path] = "non-utf8: scanned as bytes"
    mode = options.filter or policy.settings.filter
    # git gave no line diff for a file it calls binary that is text (a `binary` attribute):
    # all of it counts, so an attribute cannot hide a finding
    by_path = {f.path: replace(f, whole=True) if f.binary else f for f in routed}
    cache = cache_mod.Cache(cache_dir if options.use_cache else None)
    ruleset = load_ruleset(policy, reader, set(routing.reviewer_files), memo=cache)
    if options.prelaunched is not None:
        options.prelaunched.remember(set(routing.reviewer_files), ruleset)
    scan = _Scan(policy, routing, ruleset, scanned, cache, options.engine_off,
                 options.prelaunched, options.daemon, options.resident)
    # Built-in checks (some look at the whole change) run once: in shard 1 of a matrix.
    whole = options.part is None or options.part.whole_change
    builtin = _builtin(change, routing, policy, contents) if whole else []  # while semgrep runs
    matches, failure, engine, engine_notes = scan.finish()
    notes.update({path: helm.NOTE for path in scan.templates})
    notes.update(engine_notes)
    skipped.update(engine_notes)
    findings: list[Finding] = []
    dropped = 0
    for path, found in matches.items():
        for f in _to_findings(path, found, ruleset, routing, policy, contents):
            if by_path[path].touches(f.line, f.end_line, mode):
                findings.append(f)
            else:
                dropped += 1
    findings += builtin
    findings, tests_dropped = drop_test_findings(findings, policy, contents)
    findings = apply_suppressions(findings, contents)
    findings = [_baselined(f, options.baseline) for f in findings]
    findings.sort(key=lambda f: (-int(f.severity), f.path, f.line, f.rule))
    pending = unreviewed.engine_failed(routing, ruleset, scanned.keys(), failure)
    missed = unreviewed.by_reviewer(policy, routing, ruleset, skipped)
    results, verdict = judge(policy, routing.reviewer_files, findings, pending, options.fail_on,
                             missed)
    return Review(change, policy, routing, findings, results, verdict, notes, failure,
                  options.source, started, now(), dropped, engine, tests_dropped,
                  options.part.to_json(mine) if options.part else None)


def _share(part: Part | None, routing: Routing, contents: Mapping[str, bytes]) -> frozenset[str]:
    """The routed files this review scans: all, or a shard's share (dealt by size)."""
    if part is None:
        return frozenset(routing.file_areas)
    return part.share({p: len(contents.get(p, b"")) for p in routing.file_areas})


class _Scan:
    """Cache look-ups, then one semgrep job for the rest, started at once in the background."""

    def __init__(self, policy: Policy, routing: Routing, ruleset: RuleSet,
                 contents: dict[str, bytes], cache: cache_mod.Cache,
                 engine_off: str | None = None, prelaunched: Prelaunch | None = None,
                 daemon: EngineLink | None = None, resident: Resident | None = None) -> None:
        self.cache = cache
        self.keys: dict[str, str] = {}
        self.matches: dict[str, list[semgrep.Match]] = {}
        self.todo: dict[str, bytes] = {}
        self.templates = {p for p, data in contents.items() if helm.is_template(p, data)}
        self.daemon, self.asked = daemon, {   # (blob id: only the daemon needs it, rule digest)
            p: (client.blob_id(data) if daemon else "", ruleset.digest(
                frozenset(routing.reviewer_files) & routing.owners(p, policy)))
            for p, data in contents.items()}
        served = daemon.ask(self.asked) if daemon is not None and self.asked else {}
        for path, data in contents.items():
            if path in self.templates:     # the engine sees the tolerant reading, cached as such
                data = helm.tolerant(data)
            self.keys[path] = cache_mod.key(path, data, self.asked[path][1])
            hit = served.get(path)
            hit = self.cache.get(self.keys[path]) if hit is None else hit
            if hit is not None:
                self.matches[path] = [semgrep.Match(**m) for m in hit]
            else:
                self.todo[path] = data
        rules = ruleset.for_languages(languages_of(list(self.todo)))
        self.languages = {lang for r in rules for lang in r.languages}
        self.engine: dict[str, object] = {"cached": len(contents) - len(self.todo) - len(served),
                                          "scanned": 0, "rules": 0}
        if served:
            self.engine["daemon"] = len(served)
        self.failure: str | None = None
        self.job: semgrep.SemgrepJob | ResidentJob | None = None
        if not self.todo or not rules or engine_off is not None:
            if prelaunched is not None:
                prelaunched.discard()
            if self.todo and rules:   # cached results still count; only the scan is skipped
                self.failure = engine_off
            return
        self.started = time.perf_counter()
        self.scope = Scope(rules)     # each rule's `paths:`, on the real path
        self.engine.update(scanned=len(self.todo), rules=len(rules))
        executable = semgrep.find_executable(policy.settings.semgrep)
        config = ruleset.config_text(rules)
        timeout = policy.settings.semgrep_timeout
        job = prelaunched.take(executable, config, self.todo, timeout) if prelaunched else None
        if job is not None:
            self.engine["prelaunched"] = True
            self.started -= time.monotonic() - job.started   # its run began before the review
            self.job = job
            return
        warm = resident.job(executable, rules, config, self.todo, timeout) if resident else None
        self.job = warm or semgrep.SemgrepJob(executable, rules, config, self.todo, timeout)

    def finish(self) -> tuple[dict[str, list[semgrep.Match]], str | None, dict[str, object],
                              dict[str, str]]:
        """Matches per file, why the engine failed, its figures, and the files it could
        not fully scan (never cached nor remembered: the next run tries them again)."""
        matches, failure, engine, missed = self._finish()
        if self.daemon is not None and failure is None:
            for path, found in matches.items():
                if path not in missed:
                    blob, rules = self.asked[path]
                    self.daemon.remember(path, blob, rules, [m.to_json() for m in found])
        return matches, failure, engine, missed

    def _finish(self) -> tuple[dict[str, list[semgrep.Match]], str | None, dict[str, object],
                               dict[str, str]]:
        if self.job is None:
            return self.matches, self.failure, self.engine, {}
        run = self.job.wait()
        self.engine.update(entry=run.entry, seconds=round(time.perf_counter() - self.started, 3))
        if run.failure:
            return self.matches, run.failure, self.engine, {}
        for path in self.todo:
            if run.scanned is not None and path not in run.scanned and path not in run.notes \
                    and set(languages_of([path])) & self.languages:
                # semgrep's own limits (size, minified files, ignore files) skip silently
                run.notes[path] = "engine skipped it: semgrep did not scan this file"
            found = redact_matches(self.scope.keep(path, run.matches.get(path, [])),
                                   self.todo[path])
            self.matches[path] = found
            if path not in run.notes:
                self.cache.put(self.keys[path], [m.to_json() for m in found])
        missed = {p: f"{n} ({helm.NOTE})" if p in self.templates else n
                  for p, n in run.notes.items()}
        return self.matches, None, self.engine, missed


def _to_findings(path: str, found: list[semgrep.Match], ruleset: RuleSet, routing: Routing,
                 policy: Policy, contents: dict[str, bytes]) -> list[Finding]:
    rules = ruleset.by_id()
    owners = routing.owners(path, policy)
    out = []
    for m in found:
        rule = rules.get(m.rule)
        if rule is None:
            continue
        code = matched_code(contents.get(path), m.line, m.end_line)
        for reviewer in rule.reviewers:
            if reviewer not in owners:
                continue
            out.append(Finding(
                reviewer=reviewer, rule=m.rule, severity=Severity.parse(m.severity),
                path=path, line=m.line, end_line=m.end_line, message=m.message.strip(),
                area=routing.primary_area(path, reviewer, policy),
                fingerprint=fingerprint(m.rule, path, code), column=m.column,
                end_column=m.end_column, snippet=code if len(code) < 2000 else code[:2000],
            ))
    return out


def _builtin(change: Change, routing: Routing, policy: Policy,
             contents: dict[str, bytes]) -> list[Finding]:
    read_old = _old_reader(change)
    out: list[Finding] = []
    for name, files in routing.reviewer_files.items():
        for spec in policy.reviewers[name].checks:
            ctx = CheckContext(change, routing, policy, name, files, contents, spec.options,
                               read_old)
            out += CHECKS[spec.id].run(ctx)
    return out


def _old_reader(change: Change) -> Callable[[str], bytes | None]:
    olds = {f.path: f for f in change.files}

    def read(path: str) -> bytes | None:
        f: FileChange | None = olds.get(path)
        if f is not None and f.old_blob:
            return gitio.read_blobs(change.root, [f.old_blob]).get(f.old_blob)
        return None
    return read


def _baselined(f: Finding, baseline: frozenset[str]) -> Finding:
    return replace(f, baselined=True) if f.fingerprint in baseline else f


def load_baseline(root: Path, policy: Policy) -> frozenset[str]:
    """Fingerprints the baseline file accepts; an unreadable or newer file is a PolicyError."""
    from gitmon import baseline

    return baseline.fingerprints(root / policy.settings.baseline)
