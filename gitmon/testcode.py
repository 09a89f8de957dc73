"""Test code, by each language's conventions: the one place gitmon decides what a test is.

Rules meant for service code (an unbounded retry, a logged token) are noise in a test
that retries on purpose or logs a fake key, so their findings there are dropped unless a
reviewer sets `review_tests: true`; `missing-test-change` asks the same module whether a
change touched a test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gitmon.findings import Finding
    from gitmon.policy import Policy

_TEST_PATH = re.compile(
    r"(^|/)(tests?|__tests__|__mocks__|spec|specs|e2e|testdata|testing)/"  # src/test/java, Rust tests/
    r"|(^|/)src/(it|integrationTest)/"                                      # Maven/Gradle integration
    r"|(^|/)(test_[^/]*|[^/]*_tests?|tests?|conftest)\.py$"                 # pytest, unittest, Django
    r"|_test\.go$"                                                          # go test
    r"|\.(test|spec)\.[cm]?[jt]sx?$"                                        # jest, mocha, vitest
    r"|(^|/)[^/]*(Test|Tests|IT)\.(java|kt|scala|groovy)$"                 # JUnit
    r"|_spec\.rb$")                                                         # RSpec
# `#[cfg(test)] mod tests {`: a Rust unit-test module inside a production file
_CFG_TEST_MOD = re.compile(
    rb"^[ \t]*#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{",
    re.M)


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


def test_ranges(path: str, data: bytes | None) -> list[tuple[int, int]]:
    """Line ranges (1-based, inclusive) of test code inside a non-test file."""
    if data is None or not path.endswith(".rs") or b"cfg(test)" not in data:
        return []
    out = []
    for m in _CFG_TEST_MOD.finditer(data):
        end = _closing_brace(data, m.end())
        out.append((data.count(b"\n", 0, m.start()) + 1, data.count(b"\n", 0, end) + 1))
    return out


def is_test_code(path: str, line: int, data: bytes | None) -> bool:
    return is_test_path(path) or any(a <= line <= b for a, b in test_ranges(path, data))


def drop_test_findings(findings: Iterable[Finding], policy: Policy,
                       contents: Mapping[str, bytes]) -> tuple[list[Finding], int]:
    """Findings in test code are not gated unless their reviewer opts in (review_tests)."""
    kept, dropped = [], 0
    for f in findings:
        if not policy.reviewers[f.reviewer].review_tests and \
                is_test_code(f.path, f.line, contents.get(f.path)):
            dropped += 1
        else:
            kept.append(f)
    return kept, dropped


def _closing_brace(data: bytes, pos: int) -> int:
    """Offset of the brace closing the block opened just before pos (strings, chars and
    comments skipped); the end of data when it is never closed."""
    depth, i, n = 1, pos, len(data)
    while i < n:
        c = data[i:i + 1]
        if c == b'"':
            i = _string_end(data, i + 1)
        elif data.startswith(b"//", i):
            i = _after(data, b"\n", i)
        elif data.startswith(b"/*", i):
            i = _after(data, b"*/", i + 2)
        elif c == b"'" and data[i + 1:i + 2] == b"\\":
            i = _after(data, b"'", i + 3)            # '\n', '\'', '\u{7b}'
        elif c == b"'" and data[i + 2:i + 3] == b"'":
            i += 3                                    # '{' (a lifetime 'a has no closing quote)
        else:
            depth += (c == b"{") - (c == b"}")
            if depth == 0:
                return i
            i += 1
    return n


def _after(data: bytes, token: bytes, start: int) -> int:
    found = data.find(token, start)
    return len(data) if found < 0 else found + len(token)


def _string_end(data: bytes, i: int) -> int:
    while i < len(data):
        if data[i:i + 1] == b"\\":
            i += 2
        elif data[i:i + 1] == b'"':
            return i + 1
        else:
            i += 1
    return len(data)
