"""One daemon review: the pipeline behind the engine breaker and git retries.

The daemon's two needs are the pipeline's options: the breaker may switch the engine off
(`Options.engine_off`), and records are written under a `WriteGuard` that shutdown takes,
so SIGTERM either lets a record be written whole or stops it before it starts.
"""

from __future__ import annotations

from pathlib import Path

from gitmon.change import Change, sources
from gitmon.change.selection import Selector
from gitmon.daemon.answers import Answers
from gitmon.daemon.backoff import retry_git
from gitmon.daemon.breaker import Breaker
from gitmon.engines.resident import Resident
from gitmon.pipeline import Outcome, Pipeline, WriteGuard
from gitmon.policy import Policy
from gitmon.review import Options, Review, load_baseline


def run_review(root: Path, policy: Policy, selector: Selector, breaker: Breaker,
               guard: WriteGuard, paths: frozenset[str] | None = None,
               answers: Answers | None = None, resident: Resident | None = None) -> Outcome:
    """paths: the working tree's change of those paths only (a batch of saves); answers:
    where the engine's matches go for the hook to ask (`answers.py`); resident: the warm
    engine that scans in place of a one-shot run."""
    engine_off = breaker.engine_off()
    options = Options(source="daemon", engine_off=engine_off,
                      baseline=load_baseline(root, policy), daemon=answers, resident=resident)
    flow = Pipeline(root, policy, guard=guard)
    def change() -> Change:
        return selector.change(root) if paths is None else sources.worktree_paths(root, paths)
    result = retry_git(lambda: flow.review(change(), options))
    _judge_engine(result, breaker, engine_off)
    return flow.record(result)


def _judge_engine(result: Review, breaker: Breaker, engine_off: str | None) -> None:
    """Feed the breaker: only a run that tried the engine says anything about it."""
    if engine_off is not None:
        return
    if result.degraded:
        breaker.failure(result.degraded)
    elif result.engine.get("entry"):
        breaker.success()
