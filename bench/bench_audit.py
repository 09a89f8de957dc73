"""Audit benchmark (SPEC §7): `gitmon audit` over a long history against git listing it.

Builds a throwaway repo (with `git fast-import`) of N commits where 90% touch no watched
area and 10% change retry code (a quarter of those log a token), then times, interleaved
and repeated:
  git-log    `git log --oneline | wc -l`: what git costs to list the commits
  git-log-p  `git log -p --raw`: what git costs to produce every diff
  cold       `gitmon audit --no-record` with an empty review cache
  warm       the same with the cache from an earlier run
  unrouted   `gitmon audit --no-record` of the 5 unrouted commits before the first routed one
and, on a second history of M commits none of which touches a watched area, the audit of
all M against the audit of 1 and `git log --oneline`: the marginal cost per unrouted commit.
It reports medians, ratios against git-log and how many semgrep processes a cold audit starts.
With --real it instead audits real histories cloned from /work/.mirror (`audit_real.py`):
`gitmon audit` against `git log -p` + one bare semgrep run over the routed blobs.

    python bench/bench_audit.py [--commits 300] [--unrouted-commits 3000] [--runs 5]
                                [--out bench/results/audit.json]
    python bench/bench_audit.py --real [--runs 3] [--max-count 40] [--histories a,b,c]
                                [--out bench/results/audit_real.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import audit_real

from gitmon.engines.semgrep import find_executable

GOOD = "def call_{i}(client):\n    return client.get('/v1/items/{i}')\n"
BAD = ("import logging\nlog = logging.getLogger(__name__)\n\n\ndef call_{i}(api_token):\n"
       "    log.debug('retrying with token %s', api_token)\n")


def build(root: Path, commits: int) -> None:
    """A linear history: commit i touches retry code when i % 10 == 5, else docs or app code."""
    changes = []
    for i in range(commits):
        if i % 10 == 5:
            path, text = f"src/retry/client_{i % 40}.py", (BAD if i % 40 == 5 else GOOD)
        elif i % 2:
            path, text = f"docs/page_{i % 25}.md", f"# page {i}\n\nrevision {i}\n"
        else:
            path, text = f"src/app/mod_{i % 15}.py", f"VALUE = {i}\n"
        changes.append((path, text.format(i=i)))
    fast_import(root, changes)


def fast_import(root: Path, changes: list[tuple[str, str]]) -> None:
    """One commit per (path, text), through one `git fast-import` (seconds, not minutes)."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = []
    for i, (path, text) in enumerate(changes):
        data, msg = text.encode(), f"commit {i}\n".encode()
        stream += [b"commit refs/heads/main\n",
                   f"committer Bench <b@bench.invalid> {1700000000 + i} +0000\n".encode(),
                   b"data %d\n" % len(msg), msg,
                   f"M 100644 inline {path}\n".encode(), b"data %d\n" % len(data), data, b"\n"]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream),
                   check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def timed(cmd: list[str] | str, cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, shell=isinstance(cmd, str), capture_output=True,
                          env=env, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"benchmark command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode()}")
    return elapsed


def counting_semgrep(tmp: Path) -> tuple[str, Path]:
    real = find_executable(None)
    if real is None:
        sys.exit("semgrep is not installed: pip install semgrep")
    counter, script = tmp / "semgrep-runs", tmp / "semgrep"
    script.write_text(f"#!/bin/sh\necho run >> '{counter}'\nexec '{real}' \"$@\"\n")
    script.chmod(0o755)
    return str(script), counter


def measure(root: Path, runs: int, env: dict[str, str], counter: Path) -> dict[str, list[float]]:
    audit = [sys.executable, "-m", "gitmon", "audit", "--no-record"]
    first_routed = subprocess.run(["git", "rev-list", "--reverse", "HEAD"], cwd=root,
                                  capture_output=True, text=True, check=True).stdout.split()[5]
    times: dict[str, list[float]] = {k: [] for k in
                                     ("git-log", "git-log-p", "cold", "warm", "unrouted",
                                      "unrouted-1")}
    starts: list[int] = []
    for _ in range(runs):
        times["git-log"].append(timed("git log --oneline | wc -l", root))
        times["git-log-p"].append(timed("git log -p --raw > /dev/null", root))
        shutil.rmtree(root / ".gitmon" / "cache", ignore_errors=True)
        counter.unlink(missing_ok=True)
        times["cold"].append(timed(audit, root, env))
        starts.append(len(counter.read_text().splitlines()) if counter.exists() else 0)
        times["warm"].append(timed(audit, root, env))
        # The 5 commits before the first routed one: no watched area, nothing to scan.
        times["unrouted"].append(timed([*audit, f"{first_routed}~5"], root, env))
        times["unrouted-1"].append(timed([*audit, "-n", "1", f"{first_routed}~1"], root, env))
    times["semgrep-starts"] = [float(s) for s in starts]
    return times


def unrouted_history(root: Path, commits: int) -> Path:
    """A second repo where no commit touches a watched area: the pure listing cost."""
    other = root.parent / "unrouted"
    fast_import(other, [(f"docs/page_{i % 25}.md", f"revision {i}\n") for i in range(commits)])
    return other


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unrouted-commits", type=int, default=3000,
                        help="size of the second, all-unrouted history (the marginal cost)")
    parser.add_argument("--out", default=None)
    parser.add_argument("--real", action="store_true",
                        help="audit real histories against git log -p + one semgrep run")
    parser.add_argument("--histories", default=",".join(audit_real.HISTORIES))
    parser.add_argument("--max-count", type=int, default=40,
                        help="with --real: audit the newest N commits of each history")
    args = parser.parse_args()
    if args.real:
        return real(args)
    args.out = args.out or "bench/results/audit.json"
    with tempfile.TemporaryDirectory(prefix="gitmon-bench-audit-") as tmp:
        root = Path(tmp, "repo")
        build(root, args.commits)
        semgrep, counter = counting_semgrep(Path(tmp))
        env = dict(os.environ, GITMON_SEMGREP=semgrep)
        times = measure(root, args.runs, env, counter)
        other = unrouted_history(root, args.unrouted_commits)
        audit = [sys.executable, "-m", "gitmon", "audit", "--no-record"]
        times["all-unrouted"] = [timed(audit, other, env) for _ in range(args.runs)]
        times["all-unrouted-1"] = [timed([*audit, "-n", "1"], other, env)
                                   for _ in range(args.runs)]
        times["all-unrouted-git-log"] = [timed("git log --oneline | wc -l", other)
                                         for _ in range(args.runs)]
        times["all-unrouted-git-log-p"] = [timed("git log -p --raw > /dev/null", other)
                                           for _ in range(args.runs)]
    report = summarise(times, args)
    print(json.dumps(report, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


def real(args: argparse.Namespace) -> int:
    results = audit_real.run(args.histories.split(","), args.runs, args.max_count)
    report = {"goal": "audit <= 2x (git log -p + one semgrep run)", "histories": results,
              "python": sys.version.split()[0], "cpus": os.cpu_count()}
    print(json.dumps(report, indent=2))
    out = Path(args.out or "bench/results/audit_real.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


def summarise(times: dict[str, list[float]], args: argparse.Namespace) -> dict[str, object]:
    med = {k: statistics.median(v) for k, v in times.items()}
    n = args.unrouted_commits
    per_commit_ms = (med["all-unrouted"] - med["all-unrouted-1"]) / (n - 1) * 1000
    git_per_commit_ms = med["all-unrouted-git-log"] / n * 1000
    git_p_per_commit_ms = med["all-unrouted-git-log-p"] / n * 1000
    return {
        "commits": args.commits, "routed_commits": args.commits // 10, "runs": args.runs,
        "unrouted_history_commits": args.unrouted_commits,
        "median_seconds": {k: round(v, 4) for k, v in med.items() if k != "semgrep-starts"},
        "ratio_to_git_log": {k: round(med[k] / med["git-log"], 1)
                             for k in ("git-log-p", "cold", "warm")},
        "semgrep_starts_cold": int(med["semgrep-starts"]),
        "unrouted_ms_per_commit": round(per_commit_ms, 3),
        "git_log_ms_per_commit": round(git_per_commit_ms, 3),
        "git_log_p_ms_per_commit": round(git_p_per_commit_ms, 3),
        "python": sys.version.split()[0], "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    raise SystemExit(main())
