"""`gitmon rules list|test`: the active rules per reviewer; run the packs' fixtures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from gitmon import gitio
from gitmon.engines.builtin import CHECKS
from gitmon.engines.semgrep import find_executable
from gitmon.errors import FatalError
from gitmon.policy import BUILTIN_PACKS
from gitmon.rulecheck import load_policy
from gitmon.rulesets import builtin_rules_dir, disk_reader, load_ruleset


def list_rules(*, cwd: str = ".", policy_path: str | None = None) -> int:
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    ruleset = load_ruleset(policy, disk_reader(root))
    for name, reviewer in policy.reviewers.items():
        block = reviewer.block_on.label if reviewer.block_on else "never"
        click.echo(f"{name} ({reviewer.title}; blocks on {block})")
        for rule in ruleset.rules:
            if name in rule.reviewers:
                severity = str(rule.body.get("severity", "WARNING")).lower()
                langs = ",".join(sorted(rule.languages))
                click.echo(f"  rule  {rule.id}  [{severity}; {langs}]")
        for check in reviewer.checks:
            click.echo(f"  check {check.id}  - {CHECKS[check.id].description}")
    return 0


def test_rules(*, cwd: str = ".", policy_path: str | None = None, builtin: bool = True) -> int:
    """Run `semgrep --test` on the built-in packs (unless not wanted) and the policy's own
    rule folders; exit 1 when a fixture fails, 0 when there was nothing to test."""
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    executable = find_executable(policy.settings.semgrep)
    if executable is None:
        raise FatalError("semgrep was not found", hint="install it: `pip install semgrep`")
    targets: list[Path] = [builtin_rules_dir()] if builtin else []
    for reviewer in policy.reviewers.values():
        for entry in reviewer.rules:
            if entry not in BUILTIN_PACKS and (root / entry).exists():
                targets.append(root / entry)
    if not targets:
        click.echo("no rule files of the policy's own to test")
    worst = 0
    for target in dict.fromkeys(targets):
        click.echo(f"semgrep --test {target}")
        proc = subprocess.run([executable, "--test", "--metrics=off",
                               "--disable-version-check", str(target)], check=False)
        worst = max(worst, proc.returncode)
    return 1 if worst else 0
