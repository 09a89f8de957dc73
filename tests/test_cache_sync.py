"""The review cache is not synced to disk on the review's path; records still are.

An entry is a cache: one that a crash left empty is a miss, never a wrong answer, so the
cold review does not pay an fsync per scanned file after semgrep has finished.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gitmon import records
from gitmon.cache import Cache, key


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The file descriptors os.fsync is called on (the real call still happens)."""
    calls: list[int] = []
    real: Callable[[int], None] = os.fsync

    def spy(fd: int) -> None:
        calls.append(fd)
        real(fd)
    monkeypatch.setattr(os, "fsync", spy)
    return calls


def test_a_cache_entry_is_written_unsynced_and_a_record_synced(tmp_path: Path,
                                                               synced: list[int]) -> None:
    cache = Cache(tmp_path / ".gitmon" / "cache")
    k = key("src/retry/client.py", b"print(1)\n", "rules")
    match = {"rule": "r", "line": 1, "end_line": 1, "column": 1, "end_column": 2,
             "severity": "ERROR", "message": "m"}
    cache.put(k, [match])
    assert synced == [] and cache.get(k) == [match]
    records.save(tmp_path / ".gitmon", "records/one.json", "{}\n")
    assert len(synced) == 1


def test_an_entry_a_crash_left_empty_or_cut_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path / ".gitmon" / "cache")
    k = key("a.py", b"x", "rules")
    cache.put(k, [])
    (entry,) = (tmp_path / ".gitmon" / "cache").glob("*/*.json")
    for text in ("", "[", "\0\0\0\0"):
        entry.write_text(text)
        assert cache.get(k) is None
