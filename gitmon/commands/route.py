"""`gitmon route`: print the routing plan (area -> reviewers -> files); run no rule."""

from __future__ import annotations

import json

import click

from gitmon import gitio
from gitmon.policy import load_policy
from gitmon.routing import route
from gitmon.selection import Selector


def run(*, selector: Selector, cwd: str = ".", policy_path: str | None = None,
        as_json: bool = False) -> int:
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    change = selector.change(root)
    plan = route(policy, change.files)
    if as_json:
        click.echo(json.dumps({
            "areas": {a: {"reviewers": list(policy.areas[a].reviewers), "files": list(fs)}
                      for a, fs in plan.area_files.items()},
            "reviewers": {r: list(fs) for r, fs in plan.reviewer_files.items()},
            "unrouted": list(plan.unrouted),
        }, indent=2))
        return 0
    click.echo(f"policy: {policy.origin}")
    if not plan.area_files:
        click.echo("no changed file falls in a watched area")
    for area, files in plan.area_files.items():
        click.echo(f"{area} -> {', '.join(policy.areas[area].reviewers)}")
        for path in files:
            click.echo(f"    {path}")
    for reviewer, files in plan.reviewer_files.items():
        click.echo(f"reviewer {reviewer}: {len(files)} file(s)")
    click.echo(f"unrouted: {len(plan.unrouted)} file(s)")
    for path in plan.unrouted:
        click.echo(f"    {path}")
    return 0
