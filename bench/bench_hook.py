"""Benchmark: what the gitmon pre-commit hook adds to `git commit` of an unwatched file.

SPEC §7: a commit touching no watched area may add at most 5x `python -c pass`; issue 11
sets the goal at 3x. Issue 11 also asks that a routed commit whose content a running
daemon (`gitmon watch`) already reviewed add at most 2x what the idle hook adds: measured
in a third clone with a daemon, each round saving new routed content, waiting for the
daemon's review, then committing it; beside it, the same routed commit with no daemon
and the content already in the review cache (the hook reviews by itself, semgrep not run).
In a temp repo with a few hundred files, every measurement is interleaved (one run of
each per round, so load from other processes hits all alike) and the median of the
rounds is reported. The hook's overhead is median(commit with hook) - median(commit
without hook), in two clones of the same repo. Wall time is what a user waits; CPU time
(user + system of the process and its children) is reported beside it because, on a
machine shared with other work, it moves far less with the load than wall time does.

    python bench/bench_hook.py [--files 300] [--runs 21] [--out bench/results/hook.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from routed_commit import ENV, Daemon, git, into_cache, routed_stager


def make_repo(path: Path, files: int) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "commit.gpgsign", "false")
    for i in range(files):
        folder = path / "src" / f"pkg{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    (path / "docs").mkdir()
    (path / "docs" / "notes.md").write_text("# notes\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


def timed(argv: list[str], cwd: Path, before: Callable[[], None] | None = None,
          ) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and everything it waited for)."""
    if before is not None:
        before()   # staging is not part of what is measured
    used = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode(errors='replace')}")
    return elapsed, _children_cpu() - used


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stager(repo: Path) -> Callable[[], None]:
    counter = iter(range(10**9))

    def stage() -> None:
        note = repo / "docs" / "notes.md"
        note.write_text(f"# notes {next(counter)}\n")
        git(repo, "add", "docs/notes.md")
    return stage


def measure(files: int, runs: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="gitmon-bench-hook-"))
    plain = make_repo(tmp / "plain", files)
    hooked, routed, served = (clone(plain, tmp / n) for n in ("hooked", "routed", "served"))
    daemon = Daemon(served)
    try:
        samples = rounds(cases(tmp, plain, hooked, routed, served, daemon), runs, daemon)
    finally:
        asked = daemon.stop()
    medians = {name: round(statistics.median(w for w, _ in s) * 1000, 2)
               for name, s in samples.items()}
    cpu = {name: round(statistics.median(c for _, c in s) * 1000, 2)
           for name, s in samples.items()}
    overhead = round(medians["git commit, gitmon hook"] - medians["git commit, no hook"], 2)
    ratio = round(overhead / medians["python -c pass"], 2)
    cpu_overhead = round(cpu["git commit, gitmon hook"] - cpu["git commit, no hook"], 2)
    added = {name: round(medians[name] - medians["git commit, no hook"], 2)
             for name in (SERVED, CACHED)}
    return {
        "benchmark": "hook", "files": files, "runs": runs, "unit": "ms (median)",
        "medians_ms": medians, "hook_overhead_ms": overhead,
        "cpu_medians_ms": cpu, "hook_cpu_overhead_ms": cpu_overhead,
        "cpu_overhead_over_python_start": round(cpu_overhead / cpu["python -c pass"], 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "overhead_over_python_start": ratio, "target": "<= 5x python -c pass (SPEC §7)",
        "meets_target": ratio <= 5, "goal": "<= 3x python -c pass (issue 11)",
        "meets_goal": ratio <= 3, "gitmon": str(Path(gitmon_file()).parent),
        "python": sys.version.split()[0], "git": _git_version(), "cpus": os.cpu_count(),
        "platform": platform.platform(),
        # a routed commit whose content the daemon reviewed: what it adds, over the idle hook's
        "routed_added_ms": added, "served_over_idle_hook": round(added[SERVED] / overhead, 2),
        "cached_over_idle_hook": round(added[CACHED] / overhead, 2),
        "served_goal": "<= 2x the idle hook (issue 11)",
        "meets_served_goal": added[SERVED] <= 2 * overhead,
        # the daemon's own count: every served commit (warm-up included) was its answer
        "daemon_answered": asked.get("hook_reviews"), "served_commits": runs + 1,
    }


SERVED = "git commit, routed, daemon reviewed it"
CACHED = "git commit, routed, no daemon, cached"
Case = tuple[list[str], Path, Callable[[], None] | None]


def clone(plain: Path, path: Path) -> Path:
    git(path.parent, "clone", "-q", str(plain), str(path))
    subprocess.run([sys.executable, "-m", "gitmon", "hook", "install"], cwd=path, env=ENV,
                   check=True, capture_output=True)
    return path


def cases(tmp: Path, plain: Path, hooked: Path, routed: Path, served: Path,
          daemon: Daemon) -> dict[str, Case]:
    py = sys.executable
    commit = ["git", "commit", "-q", "-m", "x"]
    return {
        "python -c pass": ([py, "-c", "pass"], tmp, None),
        "python -c 'import gitmon'": ([py, "-c", "import gitmon"], tmp, None),
        "git diff --cached --name-status": (["git", "diff", "--cached", "--name-status"], hooked,
                                            stager(hooked)),
        # the hook's own argv (hooks/hook.sh): the only one the fast path takes
        "gitmon check --staged (fast path)": ([py, "-m", "gitmon", "check", "--staged", "--source",
                                               "pre-commit"], hooked, None),
        "git commit, no hook": (commit, plain, stager(plain)),
        "git commit, gitmon hook": (commit, hooked, stager(hooked)),
        CACHED: (commit, routed, routed_stager(routed, into_cache(routed))),
        SERVED: (commit, served, routed_stager(served, daemon.review)),
    }


def rounds(all_cases: dict[str, Case], runs: int, daemon: Daemon,
           ) -> dict[str, list[tuple[float, float]]]:
    """Interleaved: one run of each case per round, the daemon idle before each."""
    def quiet(before: Callable[[], None] | None) -> Callable[[], None]:
        def run() -> None:
            daemon.quiet()
            if before is not None:
                before()
        return run
    for argv, cwd, before in all_cases.values():   # warm caches (and gitmon's routing table)
        timed(argv, cwd, quiet(before))
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in all_cases}
    for _ in range(runs):
        for name, (argv, cwd, before) in all_cases.items():
            samples[name].append(timed(argv, cwd, quiet(before)))
    return samples


def gitmon_file() -> str:
    """Which gitmon was timed (PYTHONPATH decides: a checkout, or a copy of an older one)."""
    return subprocess.run([sys.executable, "-c", "import gitmon; print(gitmon.__file__)"],
                          env=ENV, capture_output=True, text=True, check=True).stdout.strip()


def _git_version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True,
                          check=False).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "hook.json"))
    args = parser.parse_args()
    if args.runs < 15:
        parser.error("--runs must be at least 15 for a stable median")
    result = measure(args.files, args.runs)
    cpu = result["cpu_medians_ms"]
    for name, ms in result["medians_ms"].items():  # type: ignore[attr-defined]
        print(f"{name:40} {ms:8.1f} ms  (cpu {cpu[name]:6.1f} ms)")  # type: ignore[index]
    print(f"{'hook overhead':40} {result['hook_overhead_ms']:8.1f} ms = "
          f"{result['overhead_over_python_start']}x python -c pass (target <= 5x, goal <= 3x); "
          f"cpu {result['hook_cpu_overhead_ms']} ms = {result['cpu_overhead_over_python_start']}x")
    print(f"{'routed commit, daemon reviewed it':40} adds {result['routed_added_ms']} ms: "
          f"{result['served_over_idle_hook']}x the idle hook (goal <= 2x; cached, no daemon: "
          f"{result['cached_over_idle_hook']}x); the daemon answered "
          f"{result['daemon_answered']} of {result['served_commits']} commits")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
