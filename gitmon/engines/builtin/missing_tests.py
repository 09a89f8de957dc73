"""A watched area changed with no test change: a warning for the production reviewer."""

from __future__ import annotations

import re

from gitmon.engines.builtin.base import CheckContext
from gitmon.findings import Finding
from gitmon.policy import Severity

_TEST = re.compile(
    r"(^|/)(tests?|spec|specs|__tests__|testing|e2e|it)/|(^|/)test_[^/]*$|_test\.[^/]+$|"
    r"\.(test|spec)\.[^/]+$|(^|/)[^/]*Tests?\.(java|kt|cs|scala)$|(^|/)conftest\.py$")


def is_test_path(path: str) -> bool:
    return bool(_TEST.search(path))


class MissingTestChange:
    id = "missing-test-change"
    description = "a watched area changed with no test change"

    def run(self, ctx: CheckContext) -> list[Finding]:
        if any(is_test_path(f.path) for f in ctx.change.files):
            return []
        code = [p for p in ctx.files if p in ctx.contents and not _config_only(p)]
        if not code:
            return []
        path = code[0]
        change = next(f for f in ctx.change.files if f.path == path)
        line = min(change.added) if change.added else 1
        areas = sorted({a for p in code for a in ctx.routing.areas_of(p)})
        message = (f"{len(code)} file(s) in watched area(s) {', '.join(areas)} changed with no "
                   "test change: add or update a test that covers this behaviour")
        return [ctx.finding(self.id, Severity.WARNING, path, line, message)]


def _config_only(path: str) -> bool:
    return path.rsplit(".", 1)[-1].lower() in {"yaml", "yml", "json", "toml", "md", "txt", "ini"}


CHECK = MissingTestChange()
