"""One line per reviewer verdict, on the terminal and to `--notify CMD`.

    retry: security ✗ 1 error src/retry/client.py:6 A credential (token, ...) is written
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
from collections import Counter

from gitmon import counting
from gitmon.record import FindingEntry, Record, ReviewerEntry

MARKS = {"passed": "✓", "failed": "✗", "pending": "…", "skipped": "-"}
NOTIFY_TIMEOUT = 10.0


def lines(data: Record, label: str) -> list[str]:
    """A line per reviewer that had files to review in this record."""
    out = []
    for name, rev in data["reviewers"].items():
        if not rev["files"]:
            continue
        mine = [f for f in counting.counted(data) if f["reviewer"] == name]
        area = (mine[0]["area"] if mine else None) or _area_of(data, name)
        out.append(f"{area}: {name} {MARKS.get(rev['status'], '?')} "
                   f"{_detail(rev, mine)}  [{label}]")
    return out


def _area_of(data: Record, reviewer: str) -> str:
    return str(next((a for a, v in data["areas"].items() if reviewer in v["reviewers"]), "-"))


def _detail(rev: ReviewerEntry, findings: list[FindingEntry]) -> str:
    if rev["status"] == "pending":
        return f"pending: {rev.get('reason') or 'degraded'}"
    if not findings:
        return str(rev["status"])
    counts = Counter(f["severity"] for f in findings)
    summary = ", ".join(f"{n} {sev}{'s' if n > 1 else ''}" for sev, n in counts.items())
    first = findings[0]
    message = " ".join(str(first["message"]).split())
    message = message if len(message) <= 60 else message[:57] + "..."
    return f"{summary} {first['path']}:{first['line']} {message}"


class Notifier:
    """Print each line; hand it to the user's command too, never waiting on it."""

    def __init__(self, command: str | None) -> None:
        self.argv = shlex.split(command) if command else None

    def send(self, text: str, data: Record) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        if self.argv:
            env = dict(os.environ, GITMON_VERDICT=str(data["verdict"]),
                       GITMON_RECORD=str(data.get("record_path", "")))
            threading.Thread(target=self._run, args=(text, env), daemon=True).start()

    def _run(self, text: str, env: dict[str, str]) -> None:
        assert self.argv is not None
        try:
            subprocess.run([*self.argv, text], env=env, timeout=NOTIFY_TIMEOUT, check=False,
                           stdin=subprocess.DEVNULL, capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            sys.stderr.write(f"gitmon watch: --notify command failed: {exc}\n")
