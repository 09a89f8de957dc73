"""Benchmark: the daemon's save -> record latency, its idle CPU and its memory.

SPEC §7: save -> record in at most debounce + the review's own time; idle CPU ~0.
A temp repo (many files, plus an ignored node_modules tree) is watched by the real
`gitmon watch`. Each round saves a new version of retry code that logs a token, waits
for the daemon's record in the ledger, then times a one-shot `gitmon check --no-cache`
of the same change (interleaved, so load from other processes hits both alike).
Idle CPU is the daemon's utime+stime from /proc/<pid>/stat over a quiet window.
Each round also times, in this process, the change of the whole working tree (what a save
cost before the daemon built it from the watcher's paths: the baseline) and of the saved
path only (what the daemon does now).

    python bench/bench_daemon.py [--files 50000] [--saves 9] [--idle 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@gitmon.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@gitmon.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
ENV = {**os.environ, **GIT_ENV}
TOKEN_LOG = ('import logging\nlog = logging.getLogger(__name__)\n\n\ndef call(api_token):\n'
             '    log.debug("retrying with token %s", api_token)\n')
TICK = os.sysconf("SC_CLK_TCK")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True)


def make_repo(path: Path, files: int) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for i in range(files):
        folder = path / "src" / f"pkg{i % 200}" / f"sub{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    for i in range(files // 5):     # an ignored tree: must cost no watch
        folder = path / "node_modules" / f"dep{i % 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"index{i}.js").write_text("module.exports = 1\n")
    (path / ".gitignore").write_text("node_modules/\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    # HEAD is an everyday commit (the daemon reviews HEAD once at start if no record has it).
    (path / "src" / "retry").mkdir()
    (path / "src" / "retry" / "client.py").write_text("def call():\n    pass\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "retry client")
    return path


def ledger(repo: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(x) for x in (repo / ".gitmon/ledger.jsonl").read_text().splitlines()]
    except OSError:
        return []


def daemon_state(repo: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((repo / ".gitmon/daemon.json").read_text()))
    except (OSError, ValueError):
        return {}


def wait_for(check: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.005)
    raise SystemExit("timed out waiting for the daemon")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK   # utime, stime


def memory_kib(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            out[key] = int(value.split()[0])
    return out


def save_round(repo: Path, i: int) -> dict[str, float]:
    before = len(ledger(repo))
    (repo / "src/retry/client.py").write_text(TOKEN_LOG + f"# round {i}\n")
    saved = time.perf_counter()
    entry = wait_for(lambda: [e for e in ledger(repo)[before:] if e["source"] == "daemon"])[0]
    latency = time.perf_counter() - saved
    record = json.loads((repo / ".gitmon" / entry["record"]).read_text())
    assert record["verdict"] == "block" and record["engine"]["scanned"] == 1, record["engine"]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gitmon", "check", "--no-cache", "--no-record"],
                          cwd=repo, env=ENV, capture_output=True, check=False)
    one_shot = time.perf_counter() - start
    assert proc.returncode == 1, proc.stderr
    return {"latency": latency, "engine": float(record["engine"]["seconds"]),
            "review": seconds(record["started_at"], record["finished_at"]), "one_shot": one_shot,
            **change_costs(repo)}


def change_costs(repo: Path) -> dict[str, float]:
    """The baseline in the same run: the whole working tree's change (what each save cost
    before issue 11: `git diff HEAD` + the untracked listing) against the saved path's."""
    from gitmon.change import sources

    start = time.perf_counter()
    sources.worktree(repo)
    whole = time.perf_counter() - start
    start = time.perf_counter()
    sources.worktree_paths(repo, ["src/retry/client.py"])
    return {"change_whole_tree": whole, "change_saved_paths": time.perf_counter() - start}


def seconds(start: str, end: str) -> float:
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50000)
    parser.add_argument("--saves", type=int, default=9)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--debounce", type=float, default=0.3)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results/daemon.json"))
    args = parser.parse_args()
    with TemporaryDirectory(prefix="gitmon-bench-") as tmp:
        repo = make_repo(Path(tmp) / "repo", args.files)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "gitmon", "watch", "--debounce",
                                 str(args.debounce)], cwd=repo, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: daemon_state(repo).get("state") == "watching")
            startup = time.perf_counter() - started
            memory_start = memory_kib(proc.pid)
            rounds = [save_round(repo, i) for i in range(args.saves)]
            time.sleep(1.0)    # let the last review's tail (heartbeat, notify) settle
            cpu0 = cpu_seconds(proc.pid)
            time.sleep(args.idle)
            idle_cpu = cpu_seconds(proc.pid) - cpu0
            result = report(args, rounds, startup, idle_cpu, memory_start,
                            memory_kib(proc.pid), daemon_state(repo))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))


def report(args: argparse.Namespace, rounds: list[dict[str, float]], startup: float,
           idle_cpu: float, mem_start: dict[str, int], mem_end: dict[str, int],
           state: dict[str, Any]) -> dict[str, Any]:
    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rounds), 3)
    summary = {
        "files": args.files, "ignored_files": args.files // 5, "watches": state.get("watches"),
        "debounce_s": args.debounce, "saves": args.saves,
        "save_to_record_median_s": med("latency"),
        "save_to_record_minus_debounce_median_s": round(med("latency") - args.debounce, 3),
        "daemon_review_median_s": med("review"),
        "daemon_semgrep_run_median_s": med("engine"),
        "overhead_beyond_debounce_and_review_median_s": round(statistics.median(
            r["latency"] - args.debounce - r["review"] for r in rounds), 3),
        "one_shot_check_median_s": med("one_shot"),
        "change_whole_tree_median_s (baseline)": med("change_whole_tree"),
        "change_saved_paths_median_s": med("change_saved_paths"),
        "startup_to_watching_s": round(startup, 3),
        "idle_cpu_seconds": round(idle_cpu, 3), "idle_window_s": args.idle,
        "idle_cpu_percent": round(100 * idle_cpu / args.idle, 3),
        "rss_kib_start": mem_start.get("VmRSS"), "rss_kib_end": mem_end.get("VmRSS"),
        "rss_kib_peak": mem_end.get("VmHWM"), "threads": mem_end.get("Threads"),
    }
    return {"summary": summary, "rounds": rounds, "machine": {
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_average": os.getloadavg()}}


if __name__ == "__main__":
    main()
