"""`gitmon status`: the coordination board, from the ledger of records."""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

import click

from gitmon import gitio, records
from gitmon.policy import load_policy

DAEMON_STATE = "daemon.json"


def board(cwd: str = ".", policy_path: str | None = None) -> dict[str, Any]:
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    base = records.records_dir(root, policy.settings.records)
    head = gitio.head(root)
    ledger = records.read_ledger(base)
    at_head = _latest(ledger, lambda e: head is not None and e.get("head") == head)
    at_tree = _latest(ledger, lambda e: e.get("kind") in ("worktree", "staged")
                      and e.get("base") == head)
    rows = []
    for area_name, area in policy.areas.items():
        for reviewer in area.reviewers:
            rows.append({"area": area_name, "reviewer": reviewer,
                         "head": _status(at_head, area_name, reviewer),
                         "worktree": _status(at_tree, area_name, reviewer)})
    state = None
    with contextlib.suppress(OSError, ValueError):
        state = json.loads((base / DAEMON_STATE).read_text())
    if isinstance(state, dict):
        state["running"] = state.get("state") != "stopped" and _alive(state.get("pid"))
    return {
        "head": head,
        "head_record": _brief(at_head), "worktree_record": _brief(at_tree),
        "board": rows, "daemon": state, "records": len(ledger),
    }


def _alive(pid: Any) -> bool:
    """The daemon's pid still runs (a killed daemon leaves its last state behind)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _latest(ledger: list[dict[str, Any]], keep: Any) -> dict[str, Any] | None:
    return next((e for e in reversed(ledger) if keep(e)), None)


def _status(entry: dict[str, Any] | None, area: str, reviewer: str) -> str:
    if entry is None:
        return "-"
    if area not in entry.get("areas", {}):
        return "unchanged"
    return str(entry.get("reviewers", {}).get(reviewer, "-"))


def _brief(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    keys = ("id", "source", "kind", "verdict", "finished_at", "findings", "degraded", "record")
    return {k: entry.get(k) for k in keys}


def run(*, cwd: str = ".", as_json: bool = False, policy_path: str | None = None) -> int:
    data = board(cwd, policy_path)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return 0
    head = str(data["head"])[:12] if data["head"] else "(no commits yet)"
    click.echo(f"HEAD {head}  ({data['records']} record(s) in the ledger)")
    for label, key in (("HEAD", "head_record"), ("working tree", "worktree_record")):
        rec = data[key]
        if rec is None:
            click.echo(f"{label}: not reviewed yet")
        else:
            degraded = " (degraded)" if rec["degraded"] else ""
            click.echo(f"{label}: {rec['verdict']}{degraded} by {rec['source']} at "
                       f"{rec['finished_at']} - {rec['findings']} finding(s), {rec['record']}")
    click.echo(f"{'area':<14}{'reviewer':<14}{'HEAD':<12}working tree")
    for row in data["board"]:
        click.echo(f"{row['area']:<14}{row['reviewer']:<14}{row['head']:<12}{row['worktree']}")
    daemon = data["daemon"]
    if daemon:
        click.echo(_daemon_line(daemon))
    return 0


def _daemon_line(d: dict[str, Any]) -> str:
    if not d.get("running"):
        return (f"daemon: not running (last state {d.get('state')}, pid {d.get('pid')}, "
                f"heartbeat {d.get('heartbeat_at')}); start it with `gitmon watch`")
    last = d.get("last_review") or {}
    return (f"daemon: running (pid {d.get('pid')}) since {d.get('running_since')}, heartbeat "
            f"{d.get('heartbeat_at')}; last review {last.get('kind', '-')} "
            f"{last.get('verdict', '-')} at {last.get('at', '-')}; breaker "
            f"{d.get('breaker')}; queue {d.get('queue')}; {d.get('watches')} watches"
            + ("; inotify watch limit hit" if d.get("watch_limit_hit") else ""))
