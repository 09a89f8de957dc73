"""`gitmon status`: the coordination board, from the ledger of records."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import click

from gitmon import gitio, notes, records
from gitmon.daemon.heartbeat import STATE_FILE
from gitmon.notes import sync as notes_sync
from gitmon.notes import tie
from gitmon.rulecheck import load_policy
from gitmon.tempfiles import pid_alive


def board(cwd: str = ".", policy_path: str | None = None,
          rev: str | None = None) -> dict[str, Any]:
    """The board of HEAD and the working tree, or of one commit (rev)."""
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    base = records.records_dir(root, policy.settings.records)
    head = gitio.head(root) if rev is None else gitio.resolve(root, f"{rev}^{{commit}}")
    ledger = records.read_ledger(base)
    at_head = _latest(ledger, lambda e: head is not None and e.get("head") == head)
    if at_head is None and head is not None:
        at_head = tie.tie_head(root, base, ledger, head)
    at_tree = None if rev is not None else _latest(
        ledger, lambda e: e.get("kind") in ("worktree", "staged") and e.get("base") == head)
    by_source = _by_source(notes.read(root, head)) if head else {}
    rows = []
    for area_name, area in policy.areas.items():
        for reviewer in area.reviewers:
            rows.append({"area": area_name, "reviewer": reviewer,
                         "head": _status(at_head, area_name, reviewer),
                         "worktree": _status(at_tree, area_name, reviewer),
                         "notes": {src: _note_status(n, area_name, reviewer)
                                   for src, n in by_source.items()}})
    state = None
    with contextlib.suppress(OSError, ValueError):
        state = json.loads((base / STATE_FILE).read_text())
    if isinstance(state, dict):
        state["running"] = state.get("state") != "stopped" and _alive(state.get("pid"))
    return {
        "head": head, "rev": rev,
        "head_record": _brief(at_head), "worktree_record": _brief(at_tree),
        "notes": {src: _note_brief(n) for src, n in by_source.items()},
        "board": rows, "daemon": state, "records": len(ledger),
    }


def _by_source(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The newest note line of each source (hook, daemon, ci, ...)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in sorted(lines, key=lambda n: str(n.get("at"))):
        out[str(entry.get("source"))] = entry
    return out


def _note_status(entry: dict[str, Any], area: str, reviewer: str) -> str:
    if area not in entry.get("areas", {}):
        return "unchanged"
    return str(entry.get("reviewers", {}).get(reviewer, {}).get("status", "-"))


def _note_brief(entry: dict[str, Any]) -> dict[str, Any]:
    count = sum(int(f.get("count", 0)) for f in entry.get("findings", []))
    return {"id": entry.get("id"), "kind": entry.get("kind"), "verdict": entry.get("verdict"),
            "at": entry.get("at"), "tied": entry.get("tied"), "findings": count,
            "tool": entry.get("tool"), "policy": entry.get("policy")}


def _alive(pid: Any) -> bool:
    """The daemon's pid still runs (a killed daemon leaves its last state behind)."""
    return isinstance(pid, int) and pid_alive(pid)


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
    keys = ("id", "source", "kind", "verdict", "finished_at", "findings", "degraded", "record",
            "tied")
    return {k: entry.get(k) for k in keys}


def run(*, cwd: str = ".", as_json: bool = False, policy_path: str | None = None,
        rev: str | None = None, fetch: bool = False, remote: str = "origin",
        quiet: bool = False) -> int:
    if fetch:
        _fetch(cwd, remote)
    data = board(cwd, policy_path, rev)
    if quiet:
        return 0
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return 0
    head = str(data["head"])[:12] if data["head"] else "(no commits yet)"
    label = "HEAD" if rev is None else rev
    click.echo(f"{label} {head}  ({data['records']} record(s) in the ledger)")
    shown = (("HEAD", "head_record"),) if rev is not None else \
        (("HEAD", "head_record"), ("working tree", "worktree_record"))
    for name, key in shown:
        rec = data[key]
        if rec is None:
            click.echo(f"{name}: not reviewed yet")
        else:
            degraded = " (degraded)" if rec["degraded"] else ""
            tied = " (the index it was made from)" if rec.get("tied") else ""
            click.echo(f"{name}: {rec['verdict']}{degraded} by {rec['source']}{tied} at "
                       f"{rec['finished_at']} - {rec['findings']} finding(s), {rec['record']}")
    for src, n in data["notes"].items():
        click.echo(f"note {src}: {n['verdict']} at {n['at']} ({n['kind']}) - "
                   f"{n['findings']} finding(s), gitmon {n['tool']}")
    _grid(data, rev is None)
    daemon = data["daemon"]
    if daemon and rev is None:
        click.echo(_daemon_line(daemon))
    return 0


def _fetch(cwd: str, remote: str) -> None:
    root = gitio.toplevel(cwd)
    if not notes_sync.fetch(root, remote):
        click.echo(f"{remote} has no {notes.REF} yet: only local verdicts below", err=True)


def note_columns(data: dict[str, Any]) -> list[str]:
    """The note sources worth a column: all but the note of the review the HEAD column shows."""
    shown = (data["head_record"] or {}).get("id")
    return [s for s, n in data["notes"].items() if n["id"] != shown]


def _grid(data: dict[str, Any], worktree: bool) -> None:
    """HEAD's ledger column, the working tree's, then one column per source of HEAD's notes."""
    sources = note_columns(data)
    head = ["area", "reviewer", "HEAD"] + (["working tree"] if worktree else [])
    head += [f"note:{s}" for s in sources]
    widths = [14, 14, 12] + ([14] if worktree else []) + [max(12, len(s) + 7) for s in sources]
    click.echo("".join(f"{h:<{w}}" for h, w in zip(head, widths, strict=True)).rstrip())
    for row in data["board"]:
        cells = [row["area"], row["reviewer"], row["head"]] + ([row["worktree"]] if worktree else [])
        cells += [row["notes"][s] for s in sources]
        click.echo("".join(f"{c:<{w}}" for c, w in zip(cells, widths, strict=True)).rstrip())


def _daemon_line(d: dict[str, Any]) -> str:
    if not d.get("running"):
        return (f"daemon: not running (last state {d.get('state')}, pid {d.get('pid')}, "
                f"heartbeat {d.get('heartbeat_at')}); start it with `gitmon watch`")
    last = d.get("last_review") or {}
    return (f"daemon: running (pid {d.get('pid')}) since {d.get('running_since')}, heartbeat "
            f"{d.get('heartbeat_at')}; last review {last.get('kind', '-')} "
            f"{last.get('verdict', '-')} at {last.get('at', '-')}; breaker "
            f"{d.get('breaker')}; engine {d.get('engine', 'one-shot')}; queue {d.get('queue')}; "
            f"{d.get('watches')} watches"
            + ("; inotify watch limit hit" if d.get("watch_limit_hit") else ""))
