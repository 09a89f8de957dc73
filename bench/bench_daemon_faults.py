"""Fault run: random events thrown at the real daemon; it must stay up and keep recording.

A temp repo (default policy, a side branch) is watched by the real `gitmon watch` with
the real semgrep. Random events follow each other: saves of watched and unwatched files,
bursts, commits, branch switches, a broken policy committed (and fixed some events
later), a file with a non-UTF-8 name, and now and then a SIGKILL of the daemon and a
restart. Every `--checkpoint` events (and at the end) the policy is made good, the
tree committed, and one good save must get its record within `--deadline` seconds.

    python bench/bench_daemon_faults.py [--events 1000] [--seed 1] [--checkpoint 100]

Counts: events by kind; records (ledger lines by the daemon), failed (records of a
review that could not be done); crashes (the daemon died without our SIGKILL); lost
(checkpoint saves without a record); left (run folders of dead processes left in the
daemon's temp dir at the end), written to `results/daemon_faults.json`. Exit 1 when
anything crashed, was lost or was left.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@gitmon.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@gitmon.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
TOKEN_LOG = ('import logging\nlog = logging.getLogger(__name__)\n\n\ndef call(api_token):\n'
             '    log.debug("retrying with token %s", api_token)\n')
WEIGHTS = {"save_watched": 30, "save_unwatched": 20, "burst": 5, "commit": 10, "switch": 5,
           "broken_policy": 2, "fix_policy": 4, "odd_name": 2, "sigkill": 1}


TOTALS = ("events", "records", "failed", "crashes", "checkpoints", "lost", "left", "exit")


class NoStart(Exception):
    """The daemon died at each of three starts in a row."""


class Faults:
    def __init__(self, repo: Path, tmp: Path, rng: random.Random, debounce: float,
                 log: Path) -> None:
        self.repo, self.rng, self.debounce = repo, rng, debounce
        self.env = {**os.environ, **GIT_ENV, "TMPDIR": str(tmp)}
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = log.open("ab")      # open as long as the daemons run
        self.counts: Counter[str] = Counter()
        self.good_policy = ""
        self.serial = 0

    # --- setup and the daemon's life ------------------------------------------------------

    def setup(self) -> None:
        self.git("init", "-q", "-b", "main")
        self.gitmon("init")
        self.good_policy = (self.repo / "gitmon.yml").read_text()
        self.write("src/retry/client.py", "def call():\n    pass\n")
        self.commit("initial")
        self.git("checkout", "-q", "-b", "side")
        self.write("src/retry/side.py", "SIDE = 1\n")
        self.commit("side")
        self.git("checkout", "-q", "main")

    def start(self) -> None:
        """Start the daemon and wait until it watches; one that dies at start is a crash."""
        for _ in range(3):
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gitmon", "watch", "--debounce", str(self.debounce)],
                cwd=self.repo, env=self.env, stdout=self.log, stderr=self.log)
            wait_for(self.started, 60)
            if self.proc.poll() is None:
                return
            self.counts["crashes"] += 1
        raise NoStart

    def started(self) -> bool:
        assert self.proc is not None
        now = state(self.repo)
        return self.proc.poll() is not None or (
            now.get("pid") == self.proc.pid and now.get("state") == "watching")

    def alive(self) -> None:
        """A daemon that died on its own is a crash: count it and start another."""
        assert self.proc is not None
        if self.proc.poll() is not None:
            self.counts["crashes"] += 1
            self.start()

    def sigkill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.start()

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    # --- the events ----------------------------------------------------------------------

    def event(self, kind: str) -> None:
        self.serial += 1
        n = self.serial
        if kind == "save_watched":
            body = TOKEN_LOG if self.rng.random() < 0.3 else f"LIMIT = {n}\n"
            self.write(f"src/retry/mod_{self.rng.randrange(20)}.py", body)
        elif kind == "save_unwatched":
            self.write(f"docs/notes_{self.rng.randrange(20)}.md", f"note {n}\n")
        elif kind == "burst":
            for i in range(self.rng.randrange(20, 60)):
                self.write(f"src/retry/burst/part_{i}.py", f"PART = {n}\n")
        elif kind == "commit":
            self.commit(f"change {n}")
        elif kind == "switch":
            self.commit(f"before switch {n}")
            branch = "side" if self.git("branch", "--show-current").strip() == "main" else "main"
            self.git("checkout", "-q", branch)
        elif kind == "broken_policy":
            self.write("gitmon.yml", self.good_policy + "areas: [\n")
            self.commit(f"broken policy {n}")
        elif kind == "fix_policy":
            self.write("gitmon.yml", self.good_policy)
        elif kind == "odd_name":
            folder = os.fsencode(self.repo / "src" / "retry")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, b"caf\xe9_%d.py" % n), "wb") as fh:
                fh.write(b"X = 1\n")
        elif kind == "sigkill":
            self.sigkill()
        self.counts[kind] += 1
        self.counts["events"] += 1

    def checkpoint(self, deadline: float) -> bool:
        """Make the policy good, commit, save one watched file: True if it got its record."""
        self.alive()
        self.write("gitmon.yml", self.good_policy)
        self.commit(f"checkpoint {self.serial}")
        path = f"src/retry/checkpoint_{self.serial}.py"
        self.write(path, TOKEN_LOG)
        found = wait_for(lambda: self.recorded(path), deadline)
        self.counts["checkpoints"] += 1
        if not found:
            self.counts["lost"] += 1
        return bool(found)

    def recorded(self, path: str) -> bool:
        for entry in reversed(ledger(self.repo)):
            if entry["kind"] == "worktree" and entry["verdict"] == "block":
                files = json.loads((self.repo / ".gitmon" / entry["record"]).read_text())
                if any(f["path"] == path for f in files["change"]["files"]):
                    return True
        return False

    # --- helpers -------------------------------------------------------------------------

    def git(self, *args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=self.repo, env=self.env, check=False,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def gitmon(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "gitmon", *args], cwd=self.repo, env=self.env,
                       check=True, capture_output=True)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def write(self, rel: str, text: str) -> None:
        target = self.repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def ledger(repo: Path) -> list[dict[str, Any]]:
    try:
        lines = (repo / ".gitmon" / "ledger.jsonl").read_text().splitlines()
    except OSError:
        return []
    return [json.loads(line) for line in lines]


def state(repo: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((repo / ".gitmon" / "daemon.json").read_text()))
    except (OSError, ValueError):
        return {}


def wait_for(check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    return None


def left_behind(tmp: Path) -> int:
    base = tmp / f"gitmon-{os.getuid()}"
    return len(list(base.iterdir())) if base.is_dir() else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--checkpoint", type=int, default=100, help="a checked save every N events")
    ap.add_argument("--deadline", type=float, default=120.0, help="seconds for its record")
    ap.add_argument("--debounce", type=float, default=0.2)
    ap.add_argument("--pace", type=float, default=0.3, help="most seconds between events")
    ap.add_argument("--log", type=Path, help="keep the daemons' output in this file")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "daemon_faults.json")
    args = ap.parse_args()
    with TemporaryDirectory(prefix="gitmon-faults-") as work:
        started = time.monotonic()
        counts = run(args, Path(work))
        seconds = round(time.monotonic() - started)
    print(f"events {counts['events']} in {seconds}s ("
          + ", ".join(f"{k} {counts[k]}" for k in WEIGHTS) + ")")
    print(f"records {counts['records']} (failed reviews recorded {counts['failed']}), "
          f"crashes {counts['crashes']}, lost {counts['lost']} of {counts['checkpoints']} "
          f"checkpoints, left behind {counts['left']}, last stop exit {counts['exit']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    settings = {k: v for k, v in vars(args).items() if k not in ("log", "out")}
    args.out.write_text(json.dumps({"args": settings, "seconds": seconds, "counts": counts},
                                   indent=2) + "\n")
    bad = counts["crashes"] or counts["lost"] or counts["left"] or counts["exit"]
    return 1 if bad else 0


def run(args: argparse.Namespace, work: Path) -> dict[str, int]:
    rng = random.Random(args.seed)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    repo, tmp = work / "repo", work / "tmp"
    repo.mkdir()
    tmp.mkdir()
    faults = Faults(repo, tmp, rng, args.debounce, args.log or work / "daemon.log")
    faults.setup()
    try:
        faults.start()
        for i in range(1, args.events + 1):
            faults.event(rng.choices(kinds, weights)[0])
            time.sleep(rng.uniform(0, args.pace))
            if i % 25 == 0:
                faults.alive()
            if i % args.checkpoint == 0 or i == args.events:
                faults.checkpoint(args.deadline)
        faults.counts["exit"] = faults.stop()
    except NoStart:
        faults.counts["exit"] = -1       # given up: the daemon died at each of 3 starts
    finally:
        if faults.proc is not None and faults.proc.poll() is None:
            faults.proc.kill()           # the bench itself failed: leave no daemon behind
            faults.proc.wait()
    entries = [e for e in ledger(repo) if e["source"] == "daemon"]
    faults.counts["records"] = len(entries)
    faults.counts["failed"] = sum(1 for e in entries if e["degraded"] and not e["reviewers"])
    faults.counts["left"] = left_behind(tmp)
    return {k: faults.counts[k] for k in [*WEIGHTS, *TOTALS]}


if __name__ == "__main__":
    raise SystemExit(main())
