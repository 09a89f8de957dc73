"""Custom rule files are checked when the policy is loaded, not when semgrep first runs.

`load_policy` is the policy as a review uses it: the file read by `gitmon.policy`, then
the custom rule files it names checked here. The step sits above both `policy` and
`rulesets`, so neither imports the other's caller (no import cycle through the policy).

A broken rule used to surface as an engine failure: exit 3, every reviewer pending and no
file named. Now the structure of each rule is checked as it is parsed (`rulesets`), and
what only semgrep can see (a pattern that does not parse) by running semgrep on the file
against an empty folder. That costs seconds, so the digest of each file semgrep accepted
is remembered under the git directory (never in the work tree, where a change could
commit a forged mark). Built-in packs are validated by CI, not here; the hook's idle fast
path never comes here.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from gitmon import __version__, gitio, yamlio
from gitmon.engines.job import ENTRIES, find_executable
from gitmon.errors import GitError, PolicyError
from gitmon.policy import Policy, is_builtin_pack, read_policy
from gitmon.rulesets import Reader, disk_reader, parse_rules, read_entry

CHECKER = 3       # bump when what counts as a rejection changes: old marks then lapse
ARGS = ("--metrics=off", "--disable-version-check", "--json", "--quiet", "--no-git-ignore")


def load_policy(root: Path, explicit: str | None = None) -> Policy:
    """The policy file (`policy.read_policy`) with the custom rule files it names checked."""
    policy = read_policy(root, explicit)
    if any(not is_builtin_pack(e) for r in policy.reviewers.values() for e in r.rules):
        try:
            state: Path | None = gitio.git_dir(root)
        except GitError:
            state = None
        check_custom_rules(policy, disk_reader(root), state)
    return policy


def check_custom_rules(policy: Policy, reader: Reader, state_dir: Path | None) -> None:
    """PolicyError naming the policy key, the rule file and the rule when one is broken."""
    executable = find_executable(policy.settings.semgrep)
    for name, reviewer in policy.reviewers.items():
        for entry in reviewer.rules:
            if is_builtin_pack(entry):
                continue
            for origin, data in read_entry(policy, name, entry, reader):
                trail = f"{policy.origin} ==> at key: reviewers.{name}.rules ==> "
                try:
                    if parse_rules(origin, data) and executable is not None:
                        _validate(executable, origin, data, state_dir, policy)
                except PolicyError as exc:
                    raise PolicyError(trail + exc.message, hint=exc.hint) from exc


def _validate(executable: str, origin: str, data: bytes, state_dir: Path | None,
              policy: Policy) -> None:
    # keyed by what decides the answer: the file, the semgrep at that path, this checker
    key = f"{CHECKER}\0{__version__}\0{executable}\0".encode() + data
    digest = hashlib.sha256(key).hexdigest()[:40]
    mark = state_dir / "gitmon" / "validated" / digest if state_dir is not None else None
    if mark is not None and mark.is_file():
        return
    limit = min(policy.settings.semgrep_timeout, 300.0)
    # the engine's own entries in its order: the fast one sees the same rule errors in a
    # tenth of the time (~0.25 s against ~4 s); the plain one when the fast one fails
    errors = None
    for entry in ENTRIES:
        errors = _semgrep_errors(executable, entry, data, limit)
        if errors is not None:
            break
    if errors is None:
        return              # semgrep itself failed: the review will say so, not the policy
    if errors:
        raise _describe(origin, errors[0], data)
    if mark is not None:
        try:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
        except OSError:
            pass            # only costs the next run the same check


def _semgrep_errors(executable: str, entry: tuple[str, ...], data: bytes, timeout: float,
                    ) -> list[dict[str, Any]] | None:
    """semgrep's rule errors for this file (a scan of an empty folder parses every rule)."""
    with tempfile.TemporaryDirectory(prefix="gitmon-rulecheck-") as tmp:
        config, target = Path(tmp, "rules.yaml"), Path(tmp, "empty")
        config.write_bytes(data)
        target.mkdir()
        # semgrep leaves files in its temp folder (semgrep-mcp): keep them in ours
        env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0",
                   TMPDIR=tmp)
        try:
            proc = subprocess.run([executable, "scan", *entry, *ARGS, "--config", str(config),
                                   str(target)], capture_output=True, timeout=timeout,
                                  cwd=tmp, env=env, check=False)
            out = json.loads(proc.stdout)
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
    errors = out.get("errors") if isinstance(out, dict) else None
    if not isinstance(errors, list):
        return None
    errors = [e for e in errors if isinstance(e, dict) and e.get("level") == "error"]
    # the errors that point at a rule first; semgrep ends with a summary that points nowhere
    return sorted(errors, key=lambda e: not (e.get("rule_id") or e.get("spans")))


def _describe(origin: str, error: dict[str, Any], data: bytes) -> PolicyError:
    spans = error.get("spans") or [{}]
    line = spans[0].get("start", {}).get("line") if isinstance(spans[0], dict) else None
    starts = _rule_starts(data)          # semgrep names either the rule or its line
    rule = error.get("rule_id") or (starts.get(line) if isinstance(line, int) else None)
    if not isinstance(line, int) and rule:
        line = next((at for at, rule_id in starts.items() if rule_id == rule), None)
    text = str(error.get("long_msg") or error.get("message") or error.get("type") or "invalid")
    first = next((part.strip() for part in text.splitlines()
                  if part.strip() and not part.startswith("Rule parse error")), text.strip())
    first = first if len(first) <= 200 else first[:197] + "..."
    where = f"{origin}:{line}" if isinstance(line, int) else origin
    named = f" ==> rule `{rule}`" if rule else ""
    return PolicyError(f"{where}{named} ==> semgrep rejects it: {first}",
                       hint="fix the rule; `semgrep scan --config FILE` shows the full error")


def _rule_starts(data: bytes) -> dict[int, str]:
    """The line each rule starts at, and its id."""
    root = yamlio.compose(data.decode("utf-8"))
    top = dict((k.value, v) for k, v in root.value) if isinstance(root, yaml.MappingNode) else {}
    node = top.get("rules")
    starts = {}
    for item in node.value if isinstance(node, yaml.SequenceNode) else []:
        ids = [v.value for k, v in item.value if k.value == "id"] \
            if isinstance(item, yaml.MappingNode) else []
        if ids:
            starts[item.start_mark.line + 1] = str(ids[0])
    return starts
