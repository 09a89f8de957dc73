"""Built-in checks: what a semgrep pattern cannot express.

A check is a module with a `CHECK` object satisfying `Check`, listed once in `engines.check_ids`.
Adding one is a module, a line there and its test. Modules are imported only when their
check runs, so validating a policy (the hook's fast path) costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from gitmon.engines.builtin.base import Check, CheckContext
from gitmon.engines.check_ids import MODULES as _MODULES


class _Registry(Mapping[str, Check]):
    def __getitem__(self, check_id: str) -> Check:
        module = importlib.import_module(f"{__name__}.{_MODULES[check_id]}")
        check: Check = module.CHECK
        return check

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)

    def __contains__(self, check_id: object) -> bool:
        return check_id in _MODULES


CHECKS: Mapping[str, Check] = _Registry()

__all__ = ["CHECKS", "Check", "CheckContext"]
