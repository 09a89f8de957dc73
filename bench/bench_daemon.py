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

The daemon runs twice on the same repository, one after the other: with its resident
engine (`semgrep lsp` kept warm) and, as the baseline, with one-shot semgrep runs (a
GITMON_SEMGREP wrapper that refuses `semgrep lsp`: the daemon falls back at its first
save and stays on one-shot runs for the cool-down). Rounds of the two alternate in
blocks of --block saves, a daemon restart between blocks, so load from other processes
hits both alike. "non-engine" is save -> record minus the debounce and the engine's time.

    python bench/bench_daemon.py [--files 50000] [--saves 9] [--idle 10] [--block 3]
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


def wait_for(check: Any, timeout: float = 60.0, what: str = "the daemon") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.005)
    raise SystemExit(f"timed out waiting for {what}")


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


def save_round(repo: Path, i: int, debounce: float) -> dict[str, Any]:
    before = len(ledger(repo))
    (repo / "src/retry/client.py").write_text(TOKEN_LOG + f"# round {i}\n")
    saved = time.perf_counter()
    entry = wait_for(lambda: [e for e in ledger(repo)[before:] if e["source"] == "daemon"],
                     what=f"the record of save {i}")[0]
    latency = time.perf_counter() - saved
    record = json.loads((repo / ".gitmon" / entry["record"]).read_text())
    assert record["verdict"] == "block" and record["engine"]["scanned"] == 1, record["engine"]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gitmon", "check", "--no-cache", "--no-record"],
                          cwd=repo, env=ENV, capture_output=True, check=False)
    one_shot = time.perf_counter() - start
    assert proc.returncode == 1, proc.stderr
    engine = float(record["engine"]["seconds"])
    return {"latency": latency, "engine": engine, "entry": record["engine"]["entry"],
            "non_engine": latency - debounce - engine,
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
    parser.add_argument("--block", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--debounce", type=float, default=0.3)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results/daemon.json"))
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"resident": [], "one-shot": []}
    with TemporaryDirectory(prefix="gitmon-bench-") as tmp:
        repo = make_repo(Path(tmp) / "repo", args.files)
        envs = {"resident": ENV, "one-shot": {**ENV, "GITMON_SEMGREP": no_lsp(Path(tmp))}}
        done = 0      # rounds so far: each saves new content (the cache must not answer)
        while done < 2 * args.saves:
            for mode, env in envs.items():
                count = min(args.block, args.saves - sum(len(b["rounds"]) for b in runs[mode]))
                runs[mode].append(watch(repo, env, args, count, done))
                done += count
    result = {mode: report(args, blocks) for mode, blocks in runs.items()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({mode: r["summary"] for mode, r in result.items()}, indent=2))


def no_lsp(folder: Path) -> str:
    """The baseline's semgrep: the real one, except that it refuses to be a server."""
    script = folder / "semgrep-no-lsp"
    real = Path(sys.executable).parent / "semgrep"
    script.write_text(f'#!/bin/sh\n[ "$1" = lsp ] && exit 1\nexec {real} "$@"\n')
    script.chmod(0o755)
    return str(script)


def watch(repo: Path, env: dict[str, str], args: argparse.Namespace, saves: int,
          first: int) -> dict[str, Any]:
    """One daemon: start, `saves` rounds, (the first block only) idle CPU, stop."""
    started = time.perf_counter()
    log = repo.parent / f"daemon-{first}.log"
    with log.open("wb") as err:     # its own account, shown if the bench gives up on it
        proc = subprocess.Popen([sys.executable, "-m", "gitmon", "watch", "--debounce",
                                 str(args.debounce)], cwd=repo, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_for(lambda: daemon_state(repo).get("pid") == proc.pid
                 and daemon_state(repo).get("state") == "watching", what="the daemon to start")
        startup = time.perf_counter() - started
        memory_start = memory_kib(proc.pid)
        rounds = [save_round(repo, first + i, args.debounce) for i in range(saves)]
        idle = args.idle if saves and first < 2 * args.block else 0.0
        time.sleep(1.0)    # let the last review's tail (heartbeat, notify) settle
        cpu0 = cpu_seconds(proc.pid)
        time.sleep(idle)
        return {"rounds": rounds, "startup": startup, "idle": idle,
                "idle_cpu": cpu_seconds(proc.pid) - cpu0, "memory_start": memory_start,
                "memory_end": memory_kib(proc.pid), "state": daemon_state(repo),
                "memory_server_kib": sum(memory_kib(p).get("VmRSS", 0) for p in children(proc.pid))}
    except SystemExit:
        sys.stderr.write(log.read_text()[-3000:])
        raise
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += [int(child), *children(int(child))]
    return found


def report(args: argparse.Namespace, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    rounds = [r for b in blocks for r in b["rounds"]]

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rounds), 3)
    first, state = blocks[0], blocks[-1]["state"]
    summary = {
        "files": args.files, "ignored_files": args.files // 5, "watches": state.get("watches"),
        "engine": state.get("engine"), "debounce_s": args.debounce, "saves": len(rounds),
        "save_to_record_median_s": med("latency"),
        "save_to_record_minus_debounce_median_s": round(med("latency") - args.debounce, 3),
        "daemon_review_median_s": med("review"),
        "daemon_engine_median_s": med("engine"),
        "non_engine_median_s (save->record - debounce - engine)": med("non_engine"),
        "overhead_beyond_debounce_and_review_median_s": round(statistics.median(
            r["latency"] - args.debounce - r["review"] for r in rounds), 3),
        "one_shot_check_median_s": med("one_shot"),
        "change_whole_tree_median_s (baseline)": med("change_whole_tree"),
        "change_saved_paths_median_s": med("change_saved_paths"),
        "startup_to_watching_s": round(statistics.median(b["startup"] for b in blocks), 3),
        "idle_cpu_seconds": round(first["idle_cpu"], 3), "idle_window_s": first["idle"],
        "idle_cpu_percent": round(100 * first["idle_cpu"] / first["idle"], 3)
        if first["idle"] else None,
        "rss_kib_start": first["memory_start"].get("VmRSS"),
        "rss_kib_end": first["memory_end"].get("VmRSS"),
        "rss_kib_peak": first["memory_end"].get("VmHWM"),
        "rss_kib_engine_server": first["memory_server_kib"],
        "threads": first["memory_end"].get("Threads"),
    }
    return {"summary": summary, "rounds": rounds, "machine": {
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_average": os.getloadavg()}}


if __name__ == "__main__":
    main()
