"""`gitmon report`: the coordination summary of a period, from the notes and the ledger."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timedelta, timezone

from gitmon import board, fsio, gitio, records
from gitmon.board import summary
from gitmon.commands import status
from gitmon.errors import UsageError
from gitmon.rulecheck import load_policy

FORMATS = ("text", "markdown", "json", "html")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?")
_DAYS = re.compile(r"(\d+)d")


def since_stamp(value: str | None, now: datetime) -> str | None:
    """--since as the ISO prefix records are compared with: a date, a time, or Nd (days ago)."""
    if value is None:
        return None
    if _DATE.fullmatch(value):
        return value
    days = _DAYS.fullmatch(value)
    if days:
        return (now - timedelta(days=int(days.group(1)))).strftime("%Y-%m-%d")
    raise UsageError(f"--since {value}: not a date",
                     hint="give a date (2026-01-31), a UTC time (2026-01-31T09:00:00Z) "
                          "or a number of days (7d)")


def run(*, cwd: str = ".", since: str | None = None, fmt: str = "text",
        output: str | None = None, policy_path: str | None = None) -> int:
    now = datetime.now(timezone.utc)
    stamp = since_stamp(since, now)
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    base = records.records_dir(root, policy.settings.records)
    grid = status.board(cwd, policy_path)
    reviews = board.gather(root, base, stamp)
    data = summary.summarize(reviews, grid, stamp, now.isoformat(timespec="seconds")
                             .replace("+00:00", "Z"))
    text = render(fmt, data)
    if output:
        fsio.write_output(output, text, str(root))
    else:
        sys.stdout.write(text)
    return 0


def render(fmt: str, data: dict[str, object]) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from gitmon.board import render as board_render

    return board_render.RENDERERS[fmt](data)
