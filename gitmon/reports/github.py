"""GitHub Actions: workflow commands (::error/::warning/::notice) and step outputs.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and
drops the rest silently, so we choose which findings get one (the most severe
first) and tell the job summary which were cut. Every value is escaped the way
the runner unescapes it; text that is not ours (paths, messages, the plain
report) can never start a workflow command of its own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from gitmon import counting
from gitmon.record import FindingEntry, Record
from gitmon.redact import redact
from gitmon.reports import marker_note

PER_LEVEL = 10
_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message after `::`: the runner unescapes %25, %0D and %0A."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property: also `:` and `,`, which end a value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: str | int) -> str:
    text = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    return f"::{name}{' ' + text if text else ''}::{escape_data(message)}"


@dataclass(frozen=True)
class Annotations:
    lines: list[str]
    cut: list[FindingEntry] = field(default_factory=list)   # findings with no annotation


def annotate(record: Record, prefix: str = "") -> Annotations:
    """The workflow commands for a record, within GitHub's per-step limits.

    prefix: the repository's folder within GITHUB_WORKSPACE ("" when it is the workspace).
    """
    shown = counting.counted(record)
    budget = {"error": PER_LEVEL, "warning": PER_LEVEL, "notice": PER_LEVEL}
    lines: list[str] = []
    if record["degraded"]:
        budget["error"] -= 1
        lines.append(command("error", f"gitmon could not finish: {record['degraded']['reason']}; "
                             "the affected reviewers are pending, not passed", title="gitmon"))
    for name, r in record["reviewers"].items():     # files a reviewer could not read
        level = "warning" if r["status"] == "passed" else "error"
        if "not fully reviewed:" in r["reason"] and budget[level] > 1:
            budget[level] -= 1
            lines.append(command(level, f"{name}: {r['status']} - {r['reason']}", title="gitmon"))
    picked, cut = _pick(shown, budget)
    if cut and budget["notice"] == _used(picked, "notice"):
        budget["notice"] -= 1      # keep one notice for the note about what was cut
        picked, cut = _pick(shown, budget)
    lines += [_finding(f, prefix) for f in picked]
    if cut:
        lines.append(command(
            "notice", f"{len(cut)} more finding(s) are not annotated (GitHub shows "
            f"{PER_LEVEL} errors, {PER_LEVEL} warnings and {PER_LEVEL} notices per step): "
            "see the job summary", title="gitmon"))
    return Annotations(lines, cut)


def _pick(findings: list[FindingEntry], budget: dict[str, int],
          ) -> tuple[list[FindingEntry], list[FindingEntry]]:
    used: dict[str, int] = {}
    picked, cut = [], []
    for f in findings:
        name = _COMMAND.get(f["severity"], "warning")
        if used.get(name, 0) < budget[name]:
            used[name] = used.get(name, 0) + 1
            picked.append(f)
        else:
            cut.append(f)
    return picked, cut


def _used(picked: list[FindingEntry], name: str) -> int:
    return sum(1 for f in picked if _COMMAND.get(f["severity"], "warning") == name)


def _finding(f: FindingEntry, prefix: str = "") -> str:
    props: dict[str, str | int] = {"file": prefix + f["path"]}
    if f["line"] >= 1:
        props.update(line=f["line"], endLine=max(f["end_line"], f["line"]))
    props["title"] = f"{f['reviewer']}: {f['rule']}"
    note = marker_note(f)
    message = redact(f["message"]) + (f" ({note})" if note else "")
    return command(_COMMAND.get(f["severity"], "warning"), message, **props)


def quoted(text: str) -> str:
    """Text printed between ::stop-commands:: markers, so none of its lines is a command."""
    token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{text.rstrip(chr(10))}\n::{token}::\n"


def output(name: str, value: str) -> str:
    """One entry for $GITHUB_OUTPUT; a multi-line value uses a delimiter it cannot contain."""
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def render(record: Record) -> str:
    """`--format github`: the annotations, then the verdict."""
    lines = annotate(record).lines
    lines.append(f"gitmon: {record['verdict']}")
    return "\n".join(lines) + "\n"
