"""Retries with exponential backoff and full jitter, for transient git failures.

The user's own git holds `index.lock` or a ref lock for a moment; our read then fails.
Retrying at once would hit the same lock: wait base * 2**attempt, randomised so that
two processes do not retry in step.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from gitmon.errors import GitError

T = TypeVar("T")


def delays(attempts: int, base: float, cap: float, rng: random.Random) -> list[float]:
    """The sleep before each retry: full jitter over an exponentially growing window."""
    return [rng.uniform(0, min(cap, base * 2 ** n)) for n in range(attempts - 1)]


def retry_git(func: Callable[[], T], *, attempts: int = 4, base: float = 0.2, cap: float = 2.0,
              sleep: Callable[[float], None] = time.sleep,
              rng: random.Random | None = None) -> T:
    """Call func; on GitError try again up to attempts times, then let the last error out."""
    waits = delays(attempts, base, cap, rng or random.Random())
    for wait in waits:
        try:
            return func()
        except GitError:
            sleep(wait)
    return func()
