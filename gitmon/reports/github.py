"""`--format github`: workflow commands (::error/::warning) on the changed lines.

GitHub shows at most 10 errors and 10 warnings per step; the rest are counted here
and listed in the job summary.
"""

from __future__ import annotations

from typing import Any

from gitmon.redact import redact

PER_LEVEL = 10
_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(record: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """(workflow command lines, findings that did not fit within GitHub's limits)."""
    shown: dict[str, int] = {}
    lines, cut = [], []
    for f in record["findings"]:
        if f["suppressed"] or f.get("baselined"):
            continue
        command = _COMMAND.get(f["severity"], "warning")
        if shown.get(command, 0) >= PER_LEVEL:
            cut.append(f)
            continue
        shown[command] = shown.get(command, 0) + 1
        title = f"{f['reviewer']}: {f['rule']}"
        props = (f"file={escape_property(f['path'])},line={f['line']},endLine={f['end_line']},"
                 f"title={escape_property(title)}")
        lines.append(f"::{command} {props}::{escape_data(redact(f['message']))}")
    return lines, cut


def render(record: dict[str, Any]) -> str:
    lines, cut = workflow_commands(record)
    if cut:
        lines.append(f"::notice title=gitmon::{len(cut)} more finding(s) are not annotated "
                     "(GitHub shows 10 errors and 10 warnings per step); see the job summary")
    lines.append(f"gitmon: {record['verdict']}")
    return "\n".join(lines) + "\n"
