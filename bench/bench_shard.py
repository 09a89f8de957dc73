"""CI's matrix benchmark: `gitmon ci` in one job against `gitmon ci --shard I/N` + `merge`.

Builds a throwaway repo whose pull request changes F routed Python files (retry and
service code, a tenth of them logging a token), then times, repeated and interleaved:
  one       `gitmon ci --no-record` over the whole pull request
  shard I   `gitmon ci --shard I/N --no-record`, for each I (one after the other here;
            on a matrix they run side by side, so the wall time is the slowest shard)
  merge     `gitmon merge` of the N records
and checks that the merged findings equal the one run's. It reports medians, each
shard's share of the files and `matrix` = slowest shard + merge, against `one`.

    python bench/bench_shard.py [--files 400] [--shards 3] [--runs 3]
                                [--out bench/results/shard.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD = ("import requests\n\n\ndef call_{i}(session, url):\n    for attempt in range(3):\n"
        "        try:\n            return session.get(url, timeout=5)\n"
        "        except requests.ConnectionError:\n            continue\n    return None\n")
BAD = ("import logging\nlog = logging.getLogger(__name__)\n\n\ndef call_{i}(api_token):\n"
       "    log.debug('retrying with token %s', api_token)\n")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


def build(root: Path, files: int) -> tuple[str, str]:
    """main with a README; a feature commit adding `files` routed files. (base, head)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("# bench\n")
    git(root, "add", "-A")
    git(root, "-c", "user.name=b", "-c", "user.email=b@b.invalid", "commit", "-qm", "base")
    base = git(root, "rev-parse", "HEAD")
    for i in range(files):
        folder = root / ("src/retry" if i % 2 else "src/services") / f"pkg{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        text = (BAD if i % 10 == 0 else GOOD).format(i=i) * (1 + i % 4)   # sizes vary
        (folder / f"mod_{i}.py").write_text(text)
    git(root, "add", "-A")
    git(root, "-c", "user.name=b", "-c", "user.email=b@b.invalid", "commit", "-qm", "feature")
    return base, git(root, "rev-parse", "HEAD")


def timed(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return time.perf_counter() - started


def gitmon(*args: str) -> list[str]:
    return [sys.executable, "-m", "gitmon", *args]


def one_round(root: Path, change: tuple[str, str], shards: int, out: Path,
              times: dict[str, list[float]]) -> None:
    ci = ["ci", "--base", change[0], "--head", change[1], "--no-record", "--sarif-output", ""]
    times.setdefault("one", []).append(
        timed(gitmon(*ci, "--json-output", str(out / "one.json")), root))
    for i in range(1, shards + 1):
        record = out / "shards" / f"shard-{i}.json"
        times.setdefault(f"shard {i}", []).append(
            timed(gitmon(*ci, "--shard", f"{i}/{shards}", "--json-output", str(record)), root))
    times.setdefault("merge", []).append(
        timed(gitmon("merge", str(out / "shards"), "--json-output", str(out / "merged.json")),
              root))


def findings(path: Path) -> list[tuple[str, str, int]]:
    return sorted((f["fingerprint"], f["reviewer"], f["line"])
                  for f in json.loads(path.read_text())["findings"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="bench/results/shard.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gitmon-bench-shard-") as tmp:
        root, out = Path(tmp) / "repo", Path(tmp) / "out"
        change = build(root, args.files)
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):
            one_round(root, change, args.shards, out, times)
        same = findings(out / "one.json") == findings(out / "merged.json")
        shares = [len(json.loads((out / "shards" / f"shard-{i}.json").read_text())
                      ["shard"]["files"]) for i in range(1, args.shards + 1)]
    report = summarise(times, args, shares, same)
    print(json.dumps(report, indent=2))
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0 if same else 1


def summarise(times: dict[str, list[float]], args: argparse.Namespace, shares: list[int],
              same: bool) -> dict[str, object]:
    medians = {k: round(statistics.median(v), 3) for k, v in times.items()}
    slowest = max(medians[f"shard {i}"] for i in range(1, args.shards + 1))
    matrix = round(slowest + medians["merge"], 3)
    return {"files": args.files, "shards": args.shards, "runs": args.runs,
            "files_per_shard": shares, "medians_s": medians, "raw_s": times,
            "matrix_wall_s": matrix, "matrix_vs_one": round(matrix / medians["one"], 2),
            "merged_findings_equal_one_run": same}


if __name__ == "__main__":
    raise SystemExit(main())
