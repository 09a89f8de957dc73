"""Profile: where the daemon's handling of one saved file goes, beside the engine.

Builds the repository of bench_daemon.py, runs the daemon's Loop in this process with the
resident engine (warmed by a first review), then for each round saves a new version of
the retry file and times `Loop.handle` of that one-path batch under cProfile (no watcher,
no debounce: those are the daemon's own wait). Reports the median batch, the engine's
share (the resident scan) and the functions that take the most cumulative time outside
it; writes results/daemon_profile.json.

    python bench/profile_daemon.py [--files 1000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_daemon import TOKEN_LOG, make_repo

from gitmon.daemon.breaker import Breaker
from gitmon.daemon.debounce import Batch
from gitmon.daemon.loop import Loop
from gitmon.daemon.notify import Notifier
from gitmon.pipeline import WriteGuard

SAVED = "src/retry/client.py"


class Quiet(Notifier):
    """The daemon's notifier without its stdout lines (they would bury the profile)."""

    def send(self, text: str, data: Any) -> None:
        pass


def rounds(loop: Loop, repo: Path, count: int) -> tuple[list[dict[str, float]], pstats.Stats]:
    profile = cProfile.Profile()
    out = []
    for i in range(count):
        (repo / SAVED).write_text(TOKEN_LOG + f"# profile round {i}\n")
        start = time.perf_counter()
        profile.enable()
        loop.handle(Batch(paths=frozenset({SAVED})))
        profile.disable()
        seconds = time.perf_counter() - start
        last = loop.heartbeat.data if loop.heartbeat else {}
        out.append({"batch": seconds, "last": float(last.get("seconds", 0.0))})
    return out, pstats.Stats(profile)


def top(stats: pstats.Stats, count: int) -> list[dict[str, Any]]:
    """The functions with the most cumulative time, per batch."""
    calls = stats.stats  # type: ignore[attr-defined]
    rows = sorted(calls.items(), key=lambda kv: kv[1][3], reverse=True)
    return [{"function": f"{Path(f[0]).name}:{f[1]} {f[2]}", "calls": v[1],
             "cumulative_s": round(v[3], 4)} for f, v in rows[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", default=str(Path(__file__).parent /
                                             "results/daemon_profile.json"))
    args = parser.parse_args()
    with TemporaryDirectory(prefix="gitmon-profile-") as tmp:
        repo = make_repo(Path(tmp) / "repo", args.files)
        loop = Loop(repo, None, Breaker(), WriteGuard(), Quiet(None), None, warm=True)
        try:
            loop.catch_up()
            rounds(loop, repo, 2)               # the server started and warm
            found, stats = rounds(loop, repo, args.rounds)
            engine = _engine_seconds(repo, args.rounds)
        finally:
            if loop.resident is not None:
                loop.resident.stop()
    batch = statistics.median(r["batch"] for r in found)
    text = io.StringIO()
    stats.stream = text  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(30)
    result = {"files": args.files, "rounds": args.rounds,
              "batch_median_s": round(batch, 4),
              "engine_median_s": round(statistics.median(engine), 4),
              "outside_engine_median_s": round(batch - statistics.median(engine), 4),
              "top_cumulative (all rounds)": top(stats, 40)}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(text.getvalue()[:6000])
    print(json.dumps({k: v for k, v in result.items() if not k.startswith("top")}, indent=2))


def _engine_seconds(repo: Path, count: int) -> list[float]:
    """The engine's own time in the last `count` records (the record says it)."""
    lines = (repo / ".gitmon/ledger.jsonl").read_text().splitlines()[-count:]
    out = []
    for line in lines:
        record = json.loads((repo / ".gitmon" / json.loads(line)["record"]).read_text())
        out.append(float(record["engine"].get("seconds", 0.0)))
    return out


if __name__ == "__main__":
    main()
