"""What the daemon reviews for each batch of events, in its one review thread.

HEAD moved: on the same branch, a new commit (or an amend) gets a commit record, a
fast-forward (`git pull`) a range record, a reset or rebase none of its own; a checkout
(HEAD names another branch) none either. Then the working tree is reviewed: its base
changed. Work-tree events get a working-tree review only when a
changed path falls in a watched area (or the policy or a .gitignore changed); a batch of
saves is reviewed as the change of those paths only (git looks at nothing else), a batch
that lost events or moved a folder as the whole working tree's change.

A review that fails (the policy does not load, git fails, a gitmon bug) is recorded as
failed (`failure.py`) and never retried: HEAD is marked seen before its review runs, so
the next batch goes on to what changed since.
"""

from __future__ import annotations

import functools
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from gitmon import gitio, records
from gitmon.change.selection import Selector
from gitmon.daemon import client, failure, notify
from gitmon.daemon.answers import Answers
from gitmon.daemon.breaker import Breaker
from gitmon.daemon.debounce import Batch, Coalescer
from gitmon.daemon.heartbeat import Heartbeat
from gitmon.daemon.policy_state import PolicyState
from gitmon.daemon.runner import run_review
from gitmon.engines.resident import Resident
from gitmon.errors import FatalError
from gitmon.pipeline import Outcome, WriteGuard
from gitmon.policy import POLICY_FILE, Policy
from gitmon.review import now

INDEX_LOCK_PATIENCE = 30.0   # a lock older than this is a crashed git's: review anyway
SAVES_LIMIT = 200            # more saved paths in one batch: one diff of the whole tree
KNOWN_LIMIT = 10_000         # paths remembered as not ignored (then forgotten, asked again)


class Stopped(Exception):
    """Shutdown abandoned the reviews still to come."""


def say(message: str) -> None:
    sys.stderr.write(f"gitmon watch: {message}\n")
    sys.stderr.flush()


class Loop:
    def __init__(self, root: Path, policy_path: str | None, breaker: Breaker,
                 guard: WriteGuard, notifier: notify.Notifier, heartbeat: Heartbeat | None,
                 resync: Callable[[bool], None] = lambda full: None,
                 recover: bool = False, warm: bool = False) -> None:
        self.root, self.policy_path = root, policy_path
        # recover: a daemon starts even while its policy file is broken (--once does not)
        self.policies = PolicyState(root, policy_path, recover, say)
        self.breaker, self.guard, self.notifier = breaker, guard, notifier
        self.heartbeat, self.resync = heartbeat, resync
        self.git_dir = gitio.git_dir(root)
        self.last_head = gitio.head(root)
        self.last_ref = gitio.head_ref(root)
        self.current: str | None = None     # what is being reviewed, for the heartbeat
        # saved paths git said it does not ignore: the next save of one needs no
        # `check-ignore` (which reads the whole index: ~40 ms on 50,000 files). Only that
        # answer is kept: a stale one costs a review of nothing new, never a missed review.
        self.not_ignored: set[str] = set()
        self.answers = Answers(self._policy_digest)
        # warm: keep semgrep's language server between reviews (the daemon; not --once)
        self.resident = Resident() if warm else None

    @property
    def policy(self) -> Policy:
        return self.policies.policy

    def _policy_digest(self) -> str | None:
        """What the hook's policy must be for this daemon's answers; None while broken."""
        return None if self.policies.error else client.policy_digest(self.policy.text)

    # --- entry points ---------------------------------------------------------------------

    def initial(self) -> Outcome:
        """--once: HEAD if no record has it yet, then the working tree; an error ends it."""
        if (head := self._unrecorded_head()) is not None:
            self.review(Selector("commit", head), f"commit {head[:10]}")
        return self.review(Selector("worktree"), "working tree")

    def catch_up(self) -> None:
        """The daemon's start: the same, each review recorded even when it fails."""
        if (head := self._unrecorded_head()) is not None:
            self.attempt(Selector("commit", head), f"commit {head[:10]}")
        self.attempt(Selector("worktree"), "working tree")

    def _unrecorded_head(self) -> str | None:
        base = records.records_dir(self.root, self.policy.settings.records)
        known = {e.get("head") for e in records.read_ledger(base)}
        return self.last_head if self.last_head not in known else None

    def serve(self, coalescer: Coalescer) -> None:
        """Review batch after batch until the coalescer is closed."""
        while (batch := coalescer.next_batch()) is not None:
            self.wait_for_index_lock(coalescer)
            self.guarded(functools.partial(self.handle, batch))
            if self.heartbeat:   # a batch that needed no review is news too (tests wait on it)
                self.heartbeat.update(batches=int(self.heartbeat.data.get("batches", 0)) + 1)

    def guarded(self, func: Callable[[], object]) -> None:
        """Whatever goes wrong in one review, the daemon keeps watching."""
        try:
            func()
        except Stopped:
            pass
        except FatalError as exc:
            self._error(str(exc))
        except Exception as exc:
            self._error(f"internal error: {type(exc).__name__}: {exc} (a gitmon bug: "
                        "please report it)")
        finally:
            self.current = None

    # --- one batch --------------------------------------------------------------------------

    def handle(self, batch: Batch) -> None:
        if batch.rescan or any(p.rsplit("/", 1)[-1] == ".gitignore" for p in batch.paths):
            self.resync(batch.rescan)
            self.not_ignored.clear()
        self.policies.reload(batch.paths)
        head = gitio.head(self.root)
        old, old_ref = self.last_head, self.last_ref
        moved = head != old
        # HEAD's branch changes only with an event on HEAD itself (or events lost): a batch
        # of saves needs no `symbolic-ref`
        ref = gitio.head_ref(self.root) if moved or batch.git or batch.rescan else old_ref
        self.last_head, self.last_ref = head, ref    # seen, whatever its review gives
        if moved and head is not None:
            if ref != old_ref:           # HEAD itself changed: a checkout or a switch
                say(f"switched to {ref or 'a detached HEAD'} at {head[:10]}: reviewing the "
                    "working tree")
            else:                        # the branch moved under HEAD: commit, pull, reset
                self._head_moved(old, head)
        if moved:
            self.attempt(Selector("worktree"), "working tree")
        elif self._relevant(batch):
            self.attempt(Selector("worktree"), "working tree", self._saved(batch))

    def _head_moved(self, old: str | None, new: str) -> None:
        parent = gitio.first_parent(self.root, new)
        if old is None or parent == old or (parent and parent == gitio.first_parent(
                self.root, old)):
            self.attempt(Selector("commit", new), f"commit {new[:10]}")
        elif gitio.is_ancestor(self.root, old, new):
            self.attempt(Selector("range", f"{old}..{new}"), f"{old[:7]}..{new[:7]}")
        else:
            say(f"HEAD moved to {new[:10]} (reset or rebase): reviewing the working tree")

    @staticmethod
    def _saved(batch: Batch) -> frozenset[str] | None:
        """The paths to review when a batch is only saves; None: the whole working tree
        (events were lost, a folder moved, the policy or an ignore file changed)."""
        if batch.broad or batch.rescan or len(batch.paths) > SAVES_LIMIT:
            return None
        if any(p == POLICY_FILE or p.rsplit("/", 1)[-1] == ".gitignore" for p in batch.paths):
            return None
        return batch.paths

    def _relevant(self, batch: Batch) -> bool:
        if batch.broad or batch.rescan:
            return True
        routed = [p for p in batch.paths
                  if p == POLICY_FILE or any(a.matches(p) for a in self.policy.areas.values())]
        if not routed:
            return False
        if any(p in self.not_ignored for p in routed):
            return True
        # An editor's swap file in a watched folder is no change git would see.
        ignored = gitio.check_ignored(self.root, routed)
        if len(self.not_ignored) > KNOWN_LIMIT:
            self.not_ignored.clear()
        self.not_ignored.update(p for p in routed if p not in ignored)
        return len(ignored) < len(routed)

    # --- reviewing --------------------------------------------------------------------------

    def attempt(self, selector: Selector, label: str,
                paths: frozenset[str] | None = None) -> None:
        """review(), or else a record saying why it could not be done (never a retry)."""
        started = now()
        try:
            if self.policies.error is not None:
                raise self.policies.error
            self.review(selector, label, paths)
        except Stopped:
            raise
        except FatalError as exc:
            self._failed(selector, label, str(exc), started)
        except Exception as exc:
            sys.stderr.write(traceback.format_exc())
            self._failed(selector, label, f"internal error: {type(exc).__name__}: {exc} "
                                          "(a gitmon bug: please report it)", started)
        finally:
            self.current = None

    def review(self, selector: Selector, label: str,
               paths: frozenset[str] | None = None) -> Outcome:
        if self.guard.abandoned:
            raise Stopped
        self.current = label
        started = time.perf_counter()
        if self.heartbeat:
            self.heartbeat.beat()
        outcome = run_review(self.root, self.policy, selector, self.breaker, self.guard, paths,
                             self.answers, self.resident)
        self.current = None
        if not outcome.written:
            return outcome   # shutting down: say nothing more
        for line in notify.lines(outcome.record, label):
            self.notifier.send(line, outcome.record)
        if outcome.review.degraded:
            say(f"{label}: degraded: {outcome.review.degraded}")
        if self.heartbeat:
            last = {"at": outcome.record["finished_at"], "kind": selector.kind,
                    "verdict": outcome.record["verdict"], "record": outcome.record["record_path"],
                    "seconds": round(time.perf_counter() - started, 3)}
            self.heartbeat.update(last_review=last, last_verdict=last["verdict"],
                                  last_review_at=last["at"],
                                  reviews=int(self.heartbeat.data["reviews"]) + 1)
        return outcome

    def wait_for_index_lock(self, coalescer: Coalescer) -> None:
        """The user's git is writing the index: let it finish (its unlock wakes us)."""
        lock = self.git_dir / "index.lock"
        deadline = time.monotonic() + INDEX_LOCK_PATIENCE
        while lock.exists() and time.monotonic() < deadline:
            if self.current is None and self.heartbeat:
                self.current = "waiting for .git/index.lock"
                self.heartbeat.beat()
            if not coalescer.wait(0.2):
                return
        self.current = None

    def _failed(self, selector: Selector, label: str, message: str, started: str) -> None:
        self._error(f"{label}: {message}")
        broken = self.policies.error is not None     # then the policy in use is a stand-in
        origin = str(self.policies.file()) if broken else self.policy.origin
        data = failure.build(self.root, selector, message, started, origin)
        with self.guard.lock:
            if self.guard.abandoned:
                return
            base = records.records_dir(self.root, self.policy.settings.records)
            try:
                data["record_path"] = str(records.write(base, data))
            except (OSError, FatalError) as exc:
                say(f"could not record the failure: {exc}")
                return
        first = (failure.printable(message).splitlines() or ["(no reason given)"])[0]
        self.notifier.send(f"review failed: {first}  [{label}]", data)
        if self.heartbeat:     # `gitmon status` shows the last review: this one, pending
            self.heartbeat.update(last_review={
                "at": data["finished_at"], "kind": selector.kind, "verdict": "pending",
                "record": data["record_path"], "error": first}, last_verdict="pending",
                last_review_at=data["finished_at"])

    def _error(self, message: str) -> None:
        say(f"review failed: {message}\n  the daemon keeps watching")
        if self.heartbeat:
            self.heartbeat.update(last_error=message.splitlines()[0],
                                  errors=int(self.heartbeat.data["errors"]) + 1)
