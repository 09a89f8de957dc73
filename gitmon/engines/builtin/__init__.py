"""Built-in checks: what a semgrep pattern cannot express.

A check is a module with an object satisfying `Check`, listed once in CHECKS.
Adding one is a module, a line here and its test.
"""

from __future__ import annotations

from collections.abc import Mapping

from gitmon.engines.builtin import missing_tests, policy_weakened, unsafe_config
from gitmon.engines.builtin.base import Check, CheckContext

CHECKS: Mapping[str, Check] = {
    c.CHECK.id: c.CHECK for c in (missing_tests, unsafe_config, policy_weakened)
}

__all__ = ["CHECKS", "Check", "CheckContext"]
