"""bench_hook's routed commits: new content in a watched file each round, reviewed first.

Either a running daemon (`gitmon watch`) reviews the save and the commit takes its answer,
or `gitmon check --staged --no-record` fills the review cache and the hook reviews by
itself from it. Neither review is timed: only the `git commit` after it. Also the
environment and the git helper every bench_hook command uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@gitmon.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@gitmon.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
# Bytecode caches are written as an installed gitmon has them (pip compiles on install): a
# shell with PYTHONDONTWRITEBYTECODE would time the compiler instead of the hook.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **GIT_ENV}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True)


ROUTED = "src/retry/client.py"      # in the built-in policy's retry area


def routed_stager(repo: Path, review: Callable[[Callable[[], None]], None],
                  ) -> Callable[[], None]:
    """New routed content each round, saved, reviewed (by the daemon, or into the cache:
    `review` runs the save), staged."""
    counter = iter(range(10**9))

    def stage() -> None:
        text = f"def backoff(attempt):\n    return min(2 ** attempt, {next(counter)})\n"

        def save() -> None:
            (repo / ROUTED).parent.mkdir(parents=True, exist_ok=True)
            (repo / ROUTED).write_text(text)
        review(save)
        git(repo, "add", ROUTED)
    return stage


def into_cache(repo: Path) -> Callable[[Callable[[], None]], None]:
    def review(save: Callable[[], None]) -> None:
        save()
        git(repo, "add", ROUTED)
        subprocess.run([sys.executable, "-m", "gitmon", "check", "--staged", "--no-record"],
                       cwd=repo, env=ENV, check=False, capture_output=True)
    return review


class Daemon:
    """`gitmon watch` in a clone; `review` saves and waits for the daemon's review of it."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.proc = subprocess.Popen([sys.executable, "-m", "gitmon", "watch", "--debounce",
                                      "0.1"], cwd=repo, env=ENV, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self._wait(lambda: self._state().get("state") == "watching")

    def review(self, save: Callable[[], None]) -> None:
        self.quiet()           # the last commit's own reviews first
        before = len(self._ledger())
        save()
        self._wait(lambda: any(e["source"] == "daemon" and e["kind"] == "worktree"
                               for e in self._ledger()[before:]))
        self.quiet()

    def quiet(self) -> None:
        """Nothing pending: a review running beside a timed command would slow it."""
        self._wait(lambda: self._state().get("queue") == "idle")

    def stop(self) -> dict[str, object]:
        self.proc.terminate()
        self.proc.wait(30)
        return self._state()

    def _state(self) -> dict[str, object]:
        try:
            data = json.loads((self.repo / ".gitmon" / "daemon.json").read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _ledger(self) -> list[dict[str, str]]:
        try:
            return [json.loads(x) for x in
                    (self.repo / ".gitmon" / "ledger.jsonl").read_text().splitlines()]
        except OSError:
            return []

    def _wait(self, check: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("the daemon did not review in time")
            time.sleep(0.02)
