"""Writers benchmark: concurrent `gitmon check` runs and SIGKILLs, then count the damage.

On a throwaway repository whose retry code logs a token (so every review runs semgrep,
writes cache entries, a record and a ledger line):
  1. `--writers` `gitmon check` processes at once, `--rounds` times, mixing --commit,
     --worktree, --staged (the hook's path) and --no-cache;
  2. `--kills` reviews SIGKILLed (with their semgrep) at a random moment of their run,
     half of them close to its end, where the files are written;
  3. one more check, as the next run after a crash would be.
Then it verifies: every record parses (torn), every ledger line parses and points to a
record that exists (lost), records without their ledger line (orphans: a kill between
the two writes), every cache entry parses, and no temp file is left (stray). It prints
the counts as JSON and exits 1 if anything was lost, torn or left behind.

    python bench/bench_writers.py [--writers 8] [--rounds 2] [--kills 20] [--seed 1]
                                  [--out bench/results/writers.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOKEN_LOG = ('import logging\nlog = logging.getLogger(__name__)\n\n\ndef call(api_token):\n'
             '    log.debug("retrying with token %s", api_token)\n')
MODES = (["--commit", "HEAD"], ["--worktree"], ["--staged"], ["--commit", "HEAD", "--no-cache"])


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    for i in range(3):
        (root / "src/retry").mkdir(parents=True, exist_ok=True)
        (root / f"src/retry/client_{i}.py").write_text(TOKEN_LOG.replace("call", f"call_{i}"))
    git(root, "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=b@bench.invalid", "commit", "-qm", "x")
    (root / "src/retry/client_0.py").write_text(TOKEN_LOG + "# edited\n")
    git(root, "add", "-A")


def start(root: Path, mode: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "gitmon", "check", *mode], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)     # its own group: a kill takes semgrep too


def concurrent(root: Path, writers: int, rounds: int) -> dict[str, int]:
    """Writers side by side; a run may block (1), never fail (3) or crash."""
    codes: dict[str, int] = {}
    for _ in range(rounds):
        procs = [start(root, MODES[i % len(MODES)]) for i in range(writers)]
        for proc in procs:
            _, err = proc.communicate()
            key = str(proc.returncode)
            codes[key] = codes.get(key, 0) + 1
            if proc.returncode not in (0, 1):
                sys.stderr.write(err.decode(errors="replace"))
    return codes


def kills(root: Path, count: int, rng: random.Random, longest: float) -> int:
    """SIGKILL `count` reviews at random moments; return how many died by the kill."""
    killed = 0
    for i in range(count):
        proc = start(root, MODES[i % len(MODES)])
        # Half anywhere in the run, half near its end, where the cache, record and ledger
        # are written (a window of milliseconds).
        time.sleep(rng.uniform(0, longest) if i % 2 else rng.uniform(0.8, 1.05) * longest)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
    return killed


def inspect(root: Path, started: float) -> dict[str, Any]:
    base = root / ".gitmon"
    torn = lost = orphans = torn_cache = 0
    records = {p.name for p in (base / "records").glob("*.json")}
    for name in records:
        try:
            json.loads((base / "records" / name).read_text())
        except ValueError:
            torn += 1
    named = set()
    for line in (base / "ledger.jsonl").read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            torn += 1
            continue
        named.add(Path(entry["record"]).name)
        lost += not (base / entry["record"]).is_file()
    orphans = len(records - named)
    for entry in (base / "cache").glob("*/*.json"):
        try:
            json.loads(entry.read_text())
        except ValueError:
            torn_cache += 1
    stray = [str(p.relative_to(root)) for folder in (base, root / ".git" / "gitmon")
             for p in folder.rglob(".tmp-*")]
    return {"records": len(records), "ledger_lines": len(named), "lost": lost, "torn": torn,
            "orphans": orphans, "cache_entries": len(list((base / "cache").glob("*/*.json"))),
            "torn_cache": torn_cache, "stray": len(stray), "stray_files": stray,
            "gitignore": (base / ".gitignore").is_file(),
            "seconds": round(time.time() - started, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="gitmon-bench-writers-") as tmp:
        root = Path(tmp)
        build(root)
        t0 = time.perf_counter()
        start(root, MODES[-1]).wait()                    # how long one review takes alone
        single = time.perf_counter() - t0
        codes = concurrent(root, args.writers, args.rounds)
        killed = kills(root, args.kills, rng, longest=single)
        final = subprocess.run([sys.executable, "-m", "gitmon", "check", "--commit", "HEAD"],
                               cwd=root, capture_output=True, check=False)
        result = {"writers": args.writers, "rounds": args.rounds, "exit_codes": codes,
                  "kills": args.kills, "killed_mid_run": killed,
                  "next_run_exit": final.returncode, **inspect(root, started)}
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    bad = result["lost"] or result["torn"] or result["torn_cache"] or result["stray"] \
        or set(codes) - {"0", "1"} or final.returncode not in (0, 1)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
