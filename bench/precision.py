"""Precision of the shipped rule packs on real code in gitmon's field.

Downloads pinned source releases of retry / circuit-breaker / rate-limit /
HTTP libraries (sdists from PyPI, tarballs from npm), runs every rule over
every file with ONE semgrep call per package, prints findings per rule per
package and writes (or compares with) ``bench/precision.json``.

    python bench/precision.py            # scan, print, compare with the JSON
    python bench/precision.py --write    # scan, print, rewrite the JSON
    python bench/precision.py --list     # also print every finding (triage)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
RESULTS = ROOT / "bench" / "precision.json"
DEFAULT_CACHE = ROOT / ".cache" / "precision"
SEMGREP_FLAGS = ("--metrics=off", "--disable-version-check")


class Package(NamedTuple):
    registry: str  # "pypi" or "npm"
    name: str
    version: str


PACKAGES = (
    Package("pypi", "tenacity", "9.2.1"),
    Package("pypi", "backoff", "2.2.1"),
    Package("pypi", "pybreaker", "1.4.1"),
    Package("pypi", "limits", "5.8.0"),
    Package("pypi", "flask-limiter", "4.1.1"),
    Package("pypi", "slowapi", "0.1.10"),
    Package("pypi", "requests", "2.34.2"),
    Package("pypi", "urllib3", "2.8.0"),
    Package("pypi", "aiohttp", "3.14.5"),
    Package("npm", "p-retry", "7.1.1"),
    Package("npm", "express-rate-limit", "8.7.5"),
    Package("npm", "opossum", "9.0.0"),
    Package("npm", "async-retry", "1.3.3"),
)


class DownloadError(RuntimeError):
    """The registry could not be reached or has no such release."""


def semgrep_executable() -> str:
    found = os.environ.get("GITMON_SEMGREP") or shutil.which("semgrep")
    if found:
        return found
    beside_python = Path(sys.executable).with_name("semgrep")
    if beside_python.exists():
        return str(beside_python)
    raise FileNotFoundError("semgrep not found: put it on PATH or set GITMON_SEMGREP")


def _download(pkg: Package, downloads: Path) -> Path:
    downloads.mkdir(parents=True, exist_ok=True)
    if pkg.registry == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "-q", "-d", str(downloads), f"{pkg.name}=={pkg.version}"]
    else:
        cmd = ["npm", "pack", "--silent", "--pack-destination", str(downloads),
               f"{pkg.name}@{pkg.version}"]
    before = set(downloads.iterdir())
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DownloadError(f"{pkg.name}=={pkg.version}: {exc}") from exc
    new = sorted(set(downloads.iterdir()) - before)
    if proc.returncode != 0 or not new:
        raise DownloadError(f"{pkg.name}=={pkg.version}: {proc.stderr.strip()[-500:]}")
    return new[0]


def fetch(pkg: Package, cache: Path) -> Path:
    """Return the extracted source tree of `pkg`, downloading it if missing."""
    target = cache / "src" / f"{pkg.registry}-{pkg.name}-{pkg.version}"
    if target.is_dir():
        return target
    archive = _download(pkg, cache / "downloads" / f"{pkg.registry}-{pkg.name}-{pkg.version}")
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    # an empty .semgrepignore in the scan root replaces semgrep's default
    # ignore list, which would otherwise skip tests/, docs/, examples/ ...
    (tmp / ".semgrepignore").write_text("")
    tmp.rename(target)
    return target


def scan(tree: Path, rules: Path = RULES) -> dict:
    cmd = [semgrep_executable(), "scan", *SEMGREP_FLAGS, "--json", "--quiet",
           "--no-git-ignore", "--config", str(rules), "."]
    proc = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, timeout=1800)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"semgrep failed on {tree.name}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def rule_id(check_id: str) -> str:
    # semgrep prefixes ids with the config path ("rules.security.<id>")
    return check_id.rsplit(".", 1)[-1]


def measure(cache: Path, listing: bool = False) -> dict:
    packages: dict[str, dict] = {}
    for pkg in PACKAGES:
        tree = fetch(pkg, cache)
        out = scan(tree)
        findings = Counter(rule_id(r["check_id"]) for r in out["results"])
        packages[pkg.name] = {
            "registry": pkg.registry,
            "version": pkg.version,
            "files_scanned": len(out["paths"]["scanned"]),
            "errors": len(out["errors"]),
            "findings": dict(sorted(findings.items())),
        }
        if listing:
            for r in out["results"]:
                print(f"  {pkg.name}: {rule_id(r['check_id'])} "
                      f"{r['path']}:{r['start']['line']}")
    per_rule: Counter[str] = Counter()
    for entry in packages.values():
        per_rule.update(entry["findings"])
    return {
        "version": 1,
        "packages": packages,
        "per_rule": dict(sorted(per_rule.items())),
        "total": sum(per_rule.values()),
        "files_scanned": sum(e["files_scanned"] for e in packages.values()),
    }


def table(result: dict) -> str:
    names = list(result["packages"])
    rules = sorted(result["per_rule"])
    width = max([len(r) for r in rules] + [len("rule / package")])
    lines = [f"{'rule / package':<{width}}  " + "  ".join(names) + "  total"]
    for r in rules:
        cells = [f"{result['packages'][n]['findings'].get(r, 0):>{len(n)}}" for n in names]
        lines.append(f"{r:<{width}}  " + "  ".join(cells) + f"  {result['per_rule'][r]:>5}")
    files = [f"{result['packages'][n]['files_scanned']:>{len(n)}}" for n in names]
    lines.append(f"{'files scanned':<{width}}  " + "  ".join(files)
                 + f"  {result['files_scanned']:>5}")
    lines.append(f"total findings: {result['total']}")
    return "\n".join(lines)


def regressions(result: dict, committed: dict) -> list[str]:
    """Rules (and the total) whose counts exceed the committed numbers."""
    out = []
    if result["total"] > committed["total"]:
        out.append(f"total: {result['total']} > {committed['total']}")
    for rule, count in result["per_rule"].items():
        allowed = committed["per_rule"].get(rule, 0)
        if count > allowed:
            out.append(f"{rule}: {count} > {allowed}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--write", action="store_true", help=f"rewrite {RESULTS.name}")
    parser.add_argument("--list", action="store_true", help="print every finding")
    args = parser.parse_args(argv)
    result = measure(args.cache, listing=args.list)
    print(table(result))
    if args.write:
        RESULTS.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
        return 0
    if not RESULTS.exists():
        print(f"no {RESULTS.name} to compare with; run with --write")
        return 0
    worse = regressions(result, json.loads(RESULTS.read_text()))
    for line in worse:
        print(f"REGRESSION {line}")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())
