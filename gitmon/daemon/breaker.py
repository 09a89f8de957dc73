"""A circuit breaker around the semgrep engine: the daemon keeps reviewing when it fails.

closed: the engine runs. After `threshold` consecutive engine failures it opens: reviews
run with built-in checks only (records say degraded) until `cooldown` seconds passed;
then it is half-open: the next review tries the engine once, and its outcome closes or
re-opens the breaker. No timer thread: the state is worked out when it is asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Breaker:
    threshold: int = 3
    cooldown: float = 60.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    failures: int = 0
    opened_at: float | None = None
    last_failure: str | None = None

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.cooldown:
            return "half-open"
        return "open"

    def engine_off(self) -> str | None:
        """None when the engine may run; else the reason a review runs without it."""
        if self.state != "open":
            return None
        return (f"engine circuit open after {self.failures} consecutive failure(s), "
                f"last: {self.last_failure}; retrying in {self.retry_in():.0f}s")

    def retry_in(self) -> float:
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.cooldown - (self.clock() - self.opened_at))

    def success(self) -> None:
        self.failures, self.opened_at, self.last_failure = 0, None, None

    def failure(self, reason: str) -> None:
        self.failures += 1
        self.last_failure = reason
        # A failed half-open trial re-opens at once; a closed breaker waits for the threshold.
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = self.clock()

    def snapshot(self) -> dict[str, object]:
        return {"state": self.state, "failures": self.failures,
                "last_failure": self.last_failure, "retry_in": round(self.retry_in(), 1)}
