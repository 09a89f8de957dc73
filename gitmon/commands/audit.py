"""`gitmon audit`: review each commit of a range against its first parent, one record each.

History is read from one git process and scanned by one semgrep run per window of
commits (`prefill`), so `review()` of each commit hits the cache. An audit is a report
over history: it exits 0 even when commits block, unless `--fail-on-block` is given.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from gitmon import fsio, gitio
from gitmon.audit import history
from gitmon.audit.prefill import Prefill
from gitmon.audit.summary import Summary
from gitmon.change import Change
from gitmon.ci.shard import Shard
from gitmon.errors import EXIT_BLOCK, EXIT_FAILURE, EXIT_PASS, UsageError
from gitmon.pipeline import Pipeline
from gitmon.policy import Policy
from gitmon.record import FindingEntry
from gitmon.reports import sarif
from gitmon.review import Options, load_baseline
from gitmon.rulecheck import load_policy
from gitmon.rulesets import Reader, disk_reader


class Progress(Protocol):
    def update(self, n_steps: int) -> None: ...

    def scanning(self, files: int) -> None: ...


def run(*, spec: str = "HEAD", cwd: str = ".", policy_path: str | None = None,
        max_count: int | None = None, fmt: str = "text", fail_on: str | None = None,
        diff_filter: str | None = None, record: bool = True, fail_on_block: bool = False,
        outputs: Mapping[str, str] | None = None, shard: Shard | None = None) -> int:
    """`shard`: audit only that share of the range's commits (`gitmon merge` folds them)."""
    if max_count is not None and max_count < 1:
        raise UsageError(f"--max-count must be at least 1, not {max_count}",
                         hint="leave it out to audit the whole range")
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    if gitio.head(root) is None:
        raise UsageError("nothing is committed yet: there is no history to audit",
                         hint="commit first, or review the working tree with `gitmon check`")
    pairs = history.commits(root, spec, max_count)
    in_range = len(pairs)
    if shard is not None:
        pairs = [(sha, parent) for sha, parent in pairs if shard.owns_commit(sha)]
    summary = Summary(spec=spec, shallow=gitio.is_shallow(root))
    found: list[FindingEntry] = []
    started = time.perf_counter()
    with _progress(len(pairs)) as bar:
        audit(root=root, policy=policy, reader=disk_reader(root), pairs=pairs, summary=summary,
              options=Options(source="audit", filter=diff_filter, fail_on=fail_on,
                              baseline=load_baseline(root, policy)),
              record=record, bar=bar, found=found)
    summary.seconds = round(time.perf_counter() - started, 3)
    if not sys.stderr.isatty():    # a log or CI gets the pace once, at the end
        rate = len(pairs) / summary.seconds if summary.seconds else 0
        sys.stderr.write(f"gitmon: audited {len(pairs)} commits in {summary.seconds:.1f} s "
                         f"({rate:.0f} commits/s)\n")
    doc = summary.to_json()
    if shard is not None:   # what `gitmon merge` needs to fold the shards exactly
        doc["shard"] = {"index": shard.index, "total": shard.total, "range_commits": in_range,
                        "rules": dict(sorted(summary.rules.items()))}
    texts = {"json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
             "text": summary.text()}
    for name, target in (outputs or {}).items():
        fsio.write_output(target, output_text(name, texts, summary, found), str(root))
    sys.stdout.write(texts["json" if fmt == "json" else "text"])
    if summary.degraded:
        return EXIT_FAILURE
    return EXIT_BLOCK if fail_on_block and summary.blocked else EXIT_PASS


def audit(*, root: Path, policy: Policy, reader: Reader, pairs: list[tuple[str, str | None]],
          summary: Summary, options: Options, record: bool, bar: Progress,
          found: list[FindingEntry] | None = None) -> None:
    """Review every commit of pairs, window by window, into summary (and the records)."""
    flow = Pipeline(root, policy, reader=reader, write=record)
    prefill = Prefill(root, policy, reader, flow.cache_dir, on_scan=bar.scanning)
    router = history.Router(policy)
    for window in history.windows(router, _counted(history.changes(root, pairs), bar)):
        warm = prefill.warm([(c, r) for c, r in window if r is not None])
        summary.engine(warm.runs, warm.scanned)
        # A failed batch run is not retried per commit: those commits degrade to pending.
        opts = replace(options, engine_off=warm.failure)
        for change, routing in window:
            if routing is None:
                result = history.unrouted_review(change, policy, opts)
            else:
                result = flow.review(change, opts)
            # a note per routed commit only: an unrouted one has no verdict worth sharing
            outcome = flow.record(result, note=routing is not None)
            summary.add(result, str(outcome.path.relative_to(root)) if outcome.path else None)
            if found is not None:
                found += [f.to_json() for f in result.findings if f.counts]


def output_text(name: str, texts: dict[str, str], summary: Summary,
                found: list[FindingEntry]) -> str:
    """--json-output: the summary; --markdown-output: it for a page; --sarif-output: every
    finding that counts, over every commit of the range."""
    if name == "json":
        return texts["json"]
    if name == "markdown":
        return f"## gitmon audit `{summary.spec}`\n\n```text\n{texts['text']}```\n"
    blocked = "block" if summary.blocked else "pending" if summary.pending else "pass"
    return sarif.render({
        "id": f"audit {summary.spec}", "source": "audit", "verdict": blocked, "reviewers": {},
        "findings": found,
        "degraded": {"reason": summary.degraded} if summary.degraded else None})


def _counted(stream: Iterator[Change], bar: Progress) -> Iterator[Change]:
    """The bar moves per commit as history streams in (reviews from the cache are quick)."""
    for change in stream:
        yield change
        bar.update(1)


class _NoBar:
    def update(self, n_steps: int) -> None:
        return None

    def scanning(self, files: int) -> None:
        return None


class _Bar:
    """click's bar, whose label says how many files the engine is scanning meanwhile."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def update(self, n_steps: int) -> None:
        self.bar.label = "auditing"
        self.bar.update(n_steps)

    def scanning(self, files: int) -> None:
        self.bar.label = f"scanning {files} file(s)"
        self.bar.render_progress()


@contextmanager
def _progress(total: int) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal; nothing in a pipe, a log or CI."""
    if not sys.stderr.isatty() or total < 2:
        yield _NoBar()
        return
    import click

    with click.progressbar(length=total, label="auditing", file=sys.stderr,
                           show_pos=True) as bar:
        yield _Bar(bar)
