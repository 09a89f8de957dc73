"""`gitmon route`: print the routing plan (area -> reviewers -> files); run no rule.

Each area lists the files its paths matched, then (under "by content:") those its
content signals matched, with the signal that did."""

from __future__ import annotations

import json
from collections.abc import Iterable

import click

from gitmon import gitio
from gitmon.change.selection import Selector
from gitmon.records import path_text
from gitmon.routing import Routing, route_and_read
from gitmon.rulecheck import load_policy


def run(*, selector: Selector, cwd: str = ".", policy_path: str | None = None,
        as_json: bool = False) -> int:
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    change = selector.change(root)
    plan, *_ = route_and_read(policy, change)
    if as_json:
        click.echo(json.dumps({
            "areas": {a: {"reviewers": list(policy.areas[a].reviewers), "files": _texts(fs),
                          "by_path": _texts(p for p in fs if plan.signal(p, a) is None),
                          "by_content": {path_text(p): plan.signal(p, a) for p in fs
                                         if plan.signal(p, a) is not None}}
                      for a, fs in plan.area_files.items()},
            "reviewers": {r: _texts(fs) for r, fs in plan.reviewer_files.items()},
            "unrouted": _texts(plan.unrouted),
        }, indent=2))
        return 0
    click.echo(f"policy: {policy.origin}")
    if not plan.area_files:
        click.echo("no changed file falls in a watched area")
    renamed = {f.path: f.old_path for f in change.files if f.old_path}
    for area, files in plan.area_files.items():
        click.echo(f"{area} -> {', '.join(policy.areas[area].reviewers)}")
        _area_files(plan, area, files, renamed)
    for reviewer, files in plan.reviewer_files.items():
        click.echo(f"reviewer {reviewer}: {len(files)} file(s)")
    click.echo(f"unrouted: {len(plan.unrouted)} file(s)")
    for path in plan.unrouted:
        click.echo(f"    {path_text(path)}")
    return 0


def _texts(paths: Iterable[str]) -> list[str]:
    # names that are not UTF-8 as git quotes them: the output stays valid UTF-8 and JSON
    return [path_text(p) for p in paths]


def _area_files(plan: Routing, area: str, files: tuple[str, ...],
                renamed: dict[str, str]) -> None:
    by_path = [p for p in files if plan.signal(p, area) is None]
    by_content = [p for p in files if plan.signal(p, area) is not None]
    for path in by_path:   # a rename says where from: its old path may be what matched
        old = f"  (renamed from {path_text(renamed[path])})" if path in renamed else ""
        click.echo(f"    {path_text(path)}{old}")
    if by_content:
        click.echo("  by content:")
        for path in by_content:
            click.echo(f"    {path_text(path)}  (signal: {plan.signal(path, area)})")
