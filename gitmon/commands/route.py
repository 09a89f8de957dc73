"""`gitmon route`: print the routing plan (area -> reviewers -> files); run no rule."""

from __future__ import annotations

import json
from collections.abc import Iterable

import click

from gitmon import gitio
from gitmon.policy import load_policy
from gitmon.records import path_text
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
            "areas": {a: {"reviewers": list(policy.areas[a].reviewers), "files": _texts(fs)}
                      for a, fs in plan.area_files.items()},
            "reviewers": {r: _texts(fs) for r, fs in plan.reviewer_files.items()},
            "unrouted": _texts(plan.unrouted),
        }, indent=2))
        return 0
    click.echo(f"policy: {policy.origin}")
    if not plan.area_files:
        click.echo("no changed file falls in a watched area")
    for area, files in plan.area_files.items():
        click.echo(f"{area} -> {', '.join(policy.areas[area].reviewers)}")
        for path in files:
            click.echo(f"    {path_text(path)}")
    for reviewer, files in plan.reviewer_files.items():
        click.echo(f"reviewer {reviewer}: {len(files)} file(s)")
    click.echo(f"unrouted: {len(plan.unrouted)} file(s)")
    for path in plan.unrouted:
        click.echo(f"    {path_text(path)}")
    return 0


def _texts(paths: Iterable[str]) -> list[str]:
    # names that are not UTF-8 as git quotes them: the output stays valid UTF-8 and JSON
    return [path_text(p) for p in paths]
