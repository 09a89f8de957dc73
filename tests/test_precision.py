"""The shipped rules stay precise on real code: findings on pinned releases of
retry / breaker / rate-limit / HTTP libraries never exceed the triaged counts
committed in bench/precision.json (see bench/precision.md)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "precision.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("gitmon_bench_precision", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.fixture(scope="module")
def measured() -> dict:
    try:
        return bench.measure(bench.DEFAULT_CACHE)
    except bench.DownloadError as exc:
        pytest.skip(f"could not download a benchmark package: {exc}")


def test_findings_do_not_exceed_committed_counts(measured: dict) -> None:
    committed = json.loads(bench.RESULTS.read_text())
    assert bench.regressions(measured, committed) == []


def test_every_package_was_scanned_without_errors(measured: dict) -> None:
    for name, entry in measured["packages"].items():
        assert entry["errors"] == 0, name
    assert measured["files_scanned"] > 0
