"""The audit at the engine's pace, on real histories (issue 11): `gitmon audit` of a range
against its floor, `git log -p` of the range plus ONE bare semgrep run over the distinct
routed blobs with the same rules. Goal: at most 2x.

Each history is cloned from a bare mirror into a temp dir and audited with the built-in
policy (made for these projects). The floor's semgrep run gets exactly what gitmon would
scan: the routed, non-binary file versions under the size limit (later versions of a path
under `v<n>/`), the rules of the routed reviewers for their languages, as gitmon sends them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gitmon import gitio
from gitmon.audit import history
from gitmon.engines.job import BASE_ARGS, find_executable
from gitmon.policy import load_policy
from gitmon.rulesets import disk_reader, languages_of, load_ruleset

MIRRORS = Path("/work/.mirror")
HISTORIES = ("jd+tenacity", "litl+backoff", "sony+gobreaker")


def clone(name: str, into: Path) -> Path:
    source = MIRRORS / name / "repo"
    if not source.is_dir():
        sys.exit(f"no mirror at {source}: fetch it first (or pass other --histories)")
    target = into / name
    subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
    return target


def floor_tree(root: Path, count: int, into: Path) -> tuple[int, int]:
    """Write the distinct routed file versions of the newest count commits and the rules
    to into; return (files, rules)."""
    policy = load_policy(root, None)
    router = history.Router(policy)
    wanted: dict[tuple[str, str], None] = {}
    reviewers: set[str] = set()
    for window in history.windows(router, history.changes(root, history.commits(root, "HEAD", count))):
        for change, routing in window:
            if routing is None:
                continue
            reviewers |= set(routing.reviewer_files)
            for f in change.files:
                if f.path in routing.file_areas and f.special is None and f.new_blob:
                    wanted[(f.path, f.new_blob)] = None
    blobs = gitio.read_blobs(root, [b for _, b in wanted])
    depth: dict[str, int] = {}
    src = into / "src"
    for path, blob in wanted:
        data = blobs.get(blob, b"")
        if len(data) > policy.settings.max_file_size or b"\0" in data[:8192]:
            continue
        n = depth[path] = depth.get(path, -1) + 1
        target = src / (f"v{n}/{path}" if n else path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (src / ".semgrepignore").write_text("")
    ruleset = load_ruleset(policy, disk_reader(root), reviewers)
    rules = ruleset.for_languages(languages_of([p for p, _ in wanted]))
    (into / "rules.json").write_text(ruleset.config_text(rules))
    return sum(depth[p] + 1 for p in depth), len(rules)


def timed(cmd: list[str] | str, cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, shell=isinstance(cmd, str), capture_output=True,
                          check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"benchmark command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode()}")
    return elapsed


def measure(name: str, root: Path, floor: Path, runs: int, count: int) -> dict[str, object]:
    semgrep = find_executable(None)
    if semgrep is None:
        sys.exit("semgrep is not installed: pip install semgrep")
    bare = [semgrep, "scan", "--experimental", *BASE_ARGS, "--config", str(floor / "rules.json"),
            "."]
    audit = [sys.executable, "-m", "gitmon", "audit", "--no-record", "-n", str(count)]
    times: dict[str, list[float]] = {"git-log-p": [], "semgrep": [], "audit-cold": [],
                                     "audit-warm": []}
    for _ in range(runs):    # interleaved: a load spike hits every column alike
        times["git-log-p"].append(timed(f"git log -p --raw -n {count} > /dev/null", root))
        times["semgrep"].append(timed(bare, floor / "src"))
        subprocess.run(["rm", "-rf", str(root / ".gitmon")], check=True)
        times["audit-cold"].append(timed(audit, root))
        times["audit-warm"].append(timed(audit, root))
    med = {k: statistics.median(v) for k, v in times.items()}
    floor_s = med["git-log-p"] + med["semgrep"]
    return {"history": name, "runs": runs,
            "median_seconds": {k: round(v, 3) for k, v in med.items()},
            "floor_seconds": round(floor_s, 3),
            "ratio_cold": round(med["audit-cold"] / floor_s, 2),
            "ratio_warm": round(med["audit-warm"] / floor_s, 2)}


def run(histories: list[str], runs: int, count: int) -> list[dict[str, object]]:
    out = []
    with tempfile.TemporaryDirectory(prefix="gitmon-bench-real-") as tmp:
        for name in histories:
            root = clone(name, Path(tmp))
            floor = Path(tmp, f"{name}-floor")
            files, rules = floor_tree(root, count, floor)
            result = measure(name, root, floor, runs, count)
            result.update(commits=len(history.commits(root, "HEAD", count)),
                          routed_file_versions=files, rules=rules)
            print(result, file=sys.stderr)
            out.append(result)
    return out
