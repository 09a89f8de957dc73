"""Engine benchmark (SPEC §7): gitmon's review of routed files against one bare semgrep run.

Builds a throwaway repo whose last commit adds N files under watched areas, then times,
interleaved and repeated:
  bare      one `semgrep scan` with the same rules (those gitmon would pass) on the same files,
            using the same engine entry gitmon uses (`--experimental`)
  gitmon    `gitmon check --commit HEAD --no-record --no-cache` (a cold review)
  hook      the pre-commit hook's own command (`check --staged --source pre-commit`: the
            fast path, no click, semgrep prelaunched) with the same files staged, its
            review cache emptied before each run (a cold review; it writes its record)
  hook cached  the same with the review cache warm: what a commit of reviewed content costs
  cached    `gitmon check --commit HEAD --no-record` after a warm-up (the review cache)
  three     three bare semgrep runs, one per reviewer (what batching saves)
and reports medians and ratios against `bare`, measured in the same run.

    python bench/bench_engine.py [--files 60] [--runs 7] [--out bench/results/engine.json]
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
from collections.abc import Callable
from pathlib import Path

from gitmon.engines.semgrep import BASE_ARGS, find_executable
from gitmon.policy import BUILTIN_ORIGIN, default_policy_text, parse_policy
from gitmon.rulesets import disk_reader, languages_of, load_ruleset

PY = '''import logging
import time

log = logging.getLogger(__name__)


def call_{i}(client, api_token, attempts=5):
    for attempt in range(attempts):
        try:
            return client.get("/v1/items/{i}")
        except ConnectionError:
            log.warning("attempt %d failed", attempt)
            time.sleep(2 ** attempt)
    raise RuntimeError("gave up")
'''
K8S = '''apiVersion: apps/v1
kind: Deployment
metadata: {{name: api-{i}}}
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example/api:1.{i}
'''


def make_repo(root: Path, files: int) -> list[str]:
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b",
               GIT_COMMITTER_EMAIL="b@b")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "base"], cwd=root, env=env,
                   check=True)
    paths = []
    for i in range(files):
        rel = f"src/retry/client_{i}.py" if i % 4 else f"deploy/k8s/api_{i}.yaml"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text((PY if i % 4 else K8S).format(i=i))
        paths.append(rel)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "add"], cwd=root, env=env, check=True)
    return paths


# what hooks/hook.sh runs: -c, not -m (runpy costs ~7 ms)
HOOK = 'import sys; from gitmon.main import entry; sys.argv[0] = "gitmon"; raise SystemExit(entry())'
HOOK_ARGS = ["check", "--staged", "--source", "pre-commit"]


def cold(repo: Path) -> None:
    shutil.rmtree(repo / ".gitmon" / "cache", ignore_errors=True)


def timed(cmd: list[str], cwd: Path, before: Callable[[], None] | None = None) -> float:
    if before is not None:
        before()          # not timed
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr[-400:]!r}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", default="bench/results/engine.json")
    args = parser.parse_args()
    semgrep = find_executable(None)
    if semgrep is None:
        raise SystemExit("semgrep not found")
    policy = parse_policy(default_policy_text(), BUILTIN_ORIGIN)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "repo")
        paths = make_repo(root, args.files)
        ruleset = load_ruleset(policy, disk_reader(root))
        rules = ruleset.for_languages(languages_of(paths))
        config = Path(tmp, "rules.yaml")
        config.write_text(ruleset.config_text(rules))
        per_reviewer = []
        for name in ("security", "reliability", "deployment"):
            mine = [r for r in rules if name in r.reviewers]
            per_reviewer.append(Path(tmp, f"{name}.yaml"))
            per_reviewer[-1].write_text(ruleset.config_text(mine))
        bare = [semgrep, "scan", "--experimental", *BASE_ARGS, "--config", str(config), *paths]
        gitmon = [sys.executable, "-m", "gitmon", "check", "--commit", "HEAD", "--no-record"]
        staged = Path(tmp, "staged")
        subprocess.run(["git", "clone", "-q", str(root), str(staged)], check=True)
        subprocess.run(["git", "reset", "-q", "--soft", "HEAD~1"], cwd=staged, check=True)
        hook = [sys.executable, "-c", HOOK, *HOOK_ARGS]
        cases = {
            "bare": lambda: timed(bare, root),
            "gitmon": lambda: timed([*gitmon, "--no-cache"], root),
            "hook": lambda: timed(hook, staged, before=lambda: cold(staged)),
            "hook cached": lambda: timed(hook, staged),
            "cached": lambda: timed(gitmon, root),
            "three": lambda: sum(timed([semgrep, "scan", "--experimental", *BASE_ARGS,
                                        "--config", str(c), *paths], root)
                                 for c in per_reviewer),
        }
        timed(gitmon, root)                                   # warm the cache and the OS
        timed(hook, staged)                                   # and the hook's routing table
        samples: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for name, run in cases.items():                   # interleaved: noise hits all
                samples[name].append(run())
    medians = {k: statistics.median(v) for k, v in samples.items()}
    result = {
        "files": args.files, "rules": len(rules), "runs": args.runs,
        "median_seconds": {k: round(v, 4) for k, v in medians.items()},
        "ratio_to_bare": {k: round(v / medians["bare"], 3) for k, v in medians.items()},
        "targets": {"gitmon": "<= 1.2", "hook": "<= 1.2", "hook cached": "<= 0.3",
                    "cached": "<= 0.3",
                    "three": "~2.3 (batching saves)"},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
