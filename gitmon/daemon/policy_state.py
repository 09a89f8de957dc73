"""The policy the daemon reviews with, and why the file on disk does not load (if so).

A broken policy must not be replaced by the one loaded before: that one may pass what
the new one blocks. While the file does not load, every review is recorded as failed
with its error (loop.py); a daemon (re)started while it is broken starts anyway and
waits for the fix, since a restart must not end the watching.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gitmon.errors import FatalError
from gitmon.policy import BUILTIN_ORIGIN, POLICY_FILE, Policy, default_policy_text, parse_policy
from gitmon.rulecheck import load_policy

WAITING = "(reviews are recorded as failed until the policy loads)"


class PolicyState:
    def __init__(self, root: Path, path: str | None, recover: bool,
                 say: Callable[[str], None]) -> None:
        self.root, self.path, self.say = root, path, say
        self.error: FatalError | None = None
        self.policy = self._first(recover)

    def _first(self, recover: bool) -> Policy:
        try:
            return load_policy(self.root, self.path)
        except FatalError as exc:
            if not recover or not self.file().is_file():    # a wrong --policy: exit 2
                raise
            self.say(f"{exc}\n  {WAITING}")
            self.error = exc
            # only its settings are used (where records go) until the policy loads
            return parse_policy(default_policy_text(), BUILTIN_ORIGIN)

    def file(self) -> Path:
        return Path(self.path) if self.path else self.root / POLICY_FILE

    def reload(self, changed: frozenset[str]) -> None:
        """Load it again if the batch touched it (an explicit --policy: every batch)."""
        if self.path is None and POLICY_FILE not in changed:
            return
        try:
            self.policy = load_policy(self.root, self.path)
        except FatalError as exc:
            if str(exc) != str(self.error):
                self.say(f"{exc}\n  {WAITING}")
            self.error = exc
            return
        if self.error is not None:
            self.say("the policy loads again: reviewing")
        self.error = None
