"""`--format text`: short, one line per finding, colour only on a terminal."""

from __future__ import annotations

from gitmon import counting
from gitmon.record import FindingEntry, Record
from gitmon.reports import marker_note
from gitmon.terminal import use_colour

_COLOURS = {"error": "31", "warning": "33", "info": "36", "block": "1;31", "pass": "1;32",
            "pending": "1;33", "failed": "31", "passed": "32", "skipped": "2"}


def paint(text: str, key: str, colour: bool) -> str:
    code = _COLOURS.get(key)
    return f"\033[{code}m{text}\033[0m" if colour and code else text


def render(record: Record, colour: bool | None = None) -> str:
    colour = use_colour() if colour is None else colour
    if record.get("source") in HOOK_SOURCES:
        return render_compact(record, colour)
    lines = []
    for f in record["findings"]:
        tag = counting.state(f)
        sev = paint(f["severity"], f["severity"], colour and tag is None)
        extra = f" ({tag}: {f.get('suppression') or 'in baseline'})" if tag else _note(f)
        lines.append(f"{f['path']}:{f['line']}: {sev} [{f['reviewer']}] {f['rule']}: "
                     f"{_one_line(f['message'])}{extra}")
    if record["degraded"]:
        lines.append(paint(f"degraded: {record['degraded']['reason']}", "pending", colour))
    for name, r in record["reviewers"].items():
        if r["status"] != "skipped":
            lines.append(f"  {name}: {paint(r['status'], r['status'], colour)} - {r['reason']}")
    lines += [f"  note: {entry['path']}: {entry['note']}" for entry in record["change"]["files"]
              if "note" in entry and entry["areas"]]
    routed = sum(1 for f in record["change"]["files"] if f["areas"])
    verdict = record["verdict"]
    summary = (f"gitmon: {paint(verdict.upper(), verdict, colour)} - {routed} routed file(s), "
               f"{record['unrouted']} unrouted, {_count(record)} finding(s)")
    lines.append(summary)
    if verdict == "block":
        lines.append("  fix the findings above, or suppress one with a reason: "
                     "`gitmon: ignore[RULE] why` on or above the line")
    elif verdict == "pending":
        lines.append("  a reviewer could not finish: see its reason above (fix the engine problem "
                     "and run again; for files it cannot read, see settings.on_unreviewable)")
    return "\n".join(lines) + "\n"


HOOK_SOURCES = ("pre-commit", "pre-push")


def render_compact(record: Record, colour: bool) -> str:
    """What a git hook prints: findings that count, the verdict, how to fix or bypass."""
    lines = [f"{f['path']}:{f['line']}: {paint(f['severity'], f['severity'], colour)} "
             f"[{f['reviewer']}] {f['rule']}: {_first_sentence(f['message'])}{_note(f)}"
             for f in counting.counted(record)]
    if record["degraded"]:
        lines.append(paint(f"degraded: {record['degraded']['reason']}", "pending", colour))
    lines += [f"  {name}: {paint(r['status'], r['status'], colour)} - {r['reason']}"
              for name, r in record["reviewers"].items() if "not fully reviewed:" in r["reason"]]
    verdict = record["verdict"]
    lines.append(f"gitmon: {paint(verdict.upper(), verdict, colour)} - {_count(record)} finding(s) in "
                 f"{sum(1 for f in record['change']['files'] if f['areas'])} routed file(s)")
    if verdict != "pass":
        lines.append("  fix it, or suppress a finding with a reason (`gitmon: ignore[RULE] why` on or "
                     "above the line); bypass once: --no-verify (git commit/git push)")
    return "\n".join(lines) + "\n"


def _count(record: Record) -> int:
    return len(counting.counted(record))


def _note(f: FindingEntry) -> str:
    note = marker_note(f)
    return f" ({note})" if note else ""


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _first_sentence(message: str) -> str:
    """A hook's line stays short: the rule's first sentence (the record keeps the rest)."""
    text = _one_line(message)
    end = text.find(". ")
    return text if end < 0 or end > 160 else text[: end + 1]
