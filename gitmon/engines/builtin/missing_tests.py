"""A watched area's code changed with no test change: a warning for the production reviewer.

What a test is comes from `gitmon.testcode` (each language's layout: `_test.go`,
`src/test/java`, `*.spec.ts`, Rust `tests/` or a `#[cfg(test)]` hunk in the same file).
Only code counts as a change that needs a test: not config, docs, lockfiles or images,
not a pure rename, and not a version bump (every changed line sets a version).
"""

from __future__ import annotations

import re

from gitmon.change import FileChange
from gitmon.engines.builtin.base import CheckContext
from gitmon.findings import Finding
from gitmon.severity import Severity
from gitmon.signals import extension
from gitmon.testcode import is_test_path, test_ranges

__all__ = ["CHECK", "is_test_path"]

CODE = frozenset({
    "py", "go", "rs", "java", "kt", "kts", "scala", "groovy", "js", "jsx", "mjs", "cjs", "ts",
    "tsx", "mts", "cts", "rb", "cs", "php", "ex", "exs", "swift", "c", "cc", "cpp", "h", "hpp",
    "lua"})
_VERSION_LINE = re.compile(
    r"""^\s*(?:(?:pub|public|private|protected|const|static|final|var|let|val|export|String)\s+)*"""
    r"""[\w.]*version\w*\s*"""
    r"""(?::\s*[\w&'\s]+)?[:=]+\s*[rbuv]?["']?v?\d+(?:\.\d+)+[\w.+-]*["']?\s*[;,]?\s*$""",
    re.I)


class MissingTestChange:
    id = "missing-test-change"
    description = "a watched area changed with no test change"

    def run(self, ctx: CheckContext) -> list[Finding]:
        changes = {f.path: f for f in ctx.change.files}
        if any(_touches_tests(f, ctx.contents.get(f.path)) for f in ctx.change.files):
            return []
        code = [p for p in ctx.files if p in ctx.contents and p in changes
                and _needs_test(changes[p], ctx.contents[p])]
        if not code:
            return []
        path = code[0]
        change = changes[path]
        line = min(change.added) if change.added else 1
        areas = sorted({a for p in code for a in ctx.routing.areas_of(p)})
        message = (f"{len(code)} file(s) in watched area(s) {', '.join(areas)} changed with no "
                   "test change: add or update a test that covers this behaviour")
        return [ctx.finding(self.id, Severity.WARNING, path, line, message)]


def _touches_tests(f: FileChange, data: bytes | None) -> bool:
    """A test file changed, or a change inside a test module of a code file (Rust)."""
    if is_test_path(f.path) or (f.old_path is not None and is_test_path(f.old_path)):
        return True
    lines = f.added | f.deletions
    return any(a <= n <= b for a, b in test_ranges(f.path, data) for n in lines)


def _needs_test(f: FileChange, data: bytes) -> bool:
    """Code whose behaviour may have changed: not a rename alone, not a version bump."""
    if extension(f.path) not in CODE:
        return False
    if f.whole:
        return True
    if not f.added:
        return bool(f.deletions)          # a pure rename or mode change adds and removes nothing
    lines = data.decode("utf-8", "replace").splitlines()
    changed = [lines[n - 1] for n in f.added if 0 < n <= len(lines)]
    return bool(f.deletions) or not all(_VERSION_LINE.match(t) for t in changed)


CHECK = MissingTestChange()
