"""`gitmon baseline`: accept the current findings of the watched areas (adoption on an old repo).

Every file tracked at REV under a watched area is reviewed whole (`filter: file`), as if
newly added, and the fingerprints of its findings are written to settings.baseline.
`--check` writes nothing and exits 1 when entries accept findings that no longer exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gitmon import baseline, fsio, gitio
from gitmon.change import Change, FileChange
from gitmon.errors import EXIT_BLOCK, EXIT_PASS, FatalError, UsageError
from gitmon.pipeline import Pipeline
from gitmon.policy import Policy
from gitmon.review import Options
from gitmon.routing import route_paths
from gitmon.rulecheck import load_policy


def run(*, cwd: str = ".", policy_path: str | None = None, rev: str = "HEAD",
        check_only: bool = False) -> int:
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    if gitio.head(root) is None:
        raise UsageError("nothing is committed yet: there is no finding to accept",
                         hint="commit your code first, then run `gitmon baseline`")
    current = current_entries(root, policy, gitio.resolve(root, rev))
    target = root / policy.settings.baseline
    if check_only:
        return _check(target, current)
    fsio.atomic_write(str(target), baseline.dumps(current))   # the file itself no link
    files = len({e.path for e in current})
    sys.stdout.write(f"gitmon: {len(current)} finding(s) in {files} file(s) accepted in "
                     f"{target.relative_to(root)}\n  next: review it and commit it "
                     f"(`git add {target.relative_to(root)}`)\n")
    return EXIT_PASS


def current_entries(root: Path, policy: Policy, sha: str) -> list[baseline.Entry]:
    """Review every watched file at sha whole, and return the entries that accept its findings."""
    tree = gitio.tree_blobs(root, sha)
    routing = route_paths(policy, (path for _, _, path in tree))
    files = tuple(FileChange(path=path, status="A", new_blob=blob, new_mode=mode, whole=True)
                  for mode, blob, path in tree if path in routing.file_areas)
    change = Change("commit", root, None, sha, (sha,), files)
    result = Pipeline(root, policy, write=False).review(
        change, Options(source="baseline", filter="file", fail_on="never"))
    if result.degraded:
        raise FatalError(f"the review could not finish, so no baseline was written: "
                         f"{result.degraded.strip().splitlines()[0]}",
                         hint="fix the engine (see `gitmon rules test`) and run it again")
    return baseline.entries_of(result.findings)


def _check(target: Path, current: list[baseline.Entry]) -> int:
    accepted = baseline.read(target)
    now = {e.fingerprint for e in current}
    stale = [e for e in accepted if e.fingerprint not in now]
    unaccepted = len(now - {e.fingerprint for e in accepted})
    for e in stale:
        sys.stdout.write(f"stale: {e.rule} in {e.path} ({e.fingerprint}): no longer found\n")
    sys.stdout.write(f"gitmon: {len(accepted)} baselined, {len(stale)} stale, {unaccepted} "
                     "current finding(s) not in the baseline\n")
    if stale:
        sys.stdout.write("  next: run `gitmon baseline` to drop the stale entries, and commit "
                         "the file\n")
        return EXIT_BLOCK
    return EXIT_PASS
