"""semgrep's JSON output read into an EngineRun: matches per file, notes on what it could
not fully scan. Apart from the job that runs semgrep (`engines.job`), which loads this
module only when its results are read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Match:
    rule: str
    line: int
    end_line: int
    column: int
    end_column: int
    severity: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class EngineRun:
    matches: dict[str, list[Match]] = field(default_factory=dict)   # path -> matches
    failure: str | None = None                                      # why it degraded
    notes: dict[str, str] = field(default_factory=dict)             # path -> engine problem
    scanned: set[str] | None = None                                 # paths it says it scanned
    entry: str = ""


def collect(data: dict[str, Any], names: Mapping[str, str], ids: set[str]) -> EngineRun:
    """semgrep's JSON -> matches per file, and a note for each file it could not fully scan.

    Never raises: a result that cannot be read leaves its file unreviewed (or, with no
    file to blame, the whole run degraded), so a malformed report is never a pass.
    """
    run = EngineRun()
    results, errors = data.get("results"), data.get("errors") or []
    if not isinstance(results, list) or not isinstance(errors, list):
        return EngineRun(failure="semgrep gave malformed output: `results` or `errors` is "
                                 "not a list")
    for result in results:
        raw = result.get("path") if isinstance(result, dict) else None
        if not isinstance(raw, str):
            run.failure = "semgrep gave a malformed result: no file path"
            continue
        path = names.get(_rel(raw))
        if path is None:
            continue
        match = _match(result, ids)
        if match is None:
            _note(run, path, "engine error: semgrep gave a malformed result for this file")
        else:
            run.matches.setdefault(path, []).append(match)
    gave_up: dict[tuple[str, str], list[str]] = {}     # (path, kind) -> rules timed out
    for error in errors:
        raw = error.get("path") if isinstance(error, dict) else None
        path = names.get(_rel(raw)) if isinstance(raw, str) else None
        if path is not None and isinstance(error, dict):
            kind, rule = _error_note(error)
            if rule is None:
                _note(run, path, kind)
            else:
                gave_up.setdefault((path, kind), []).append(rule)
    for (path, kind), rules in gave_up.items():
        _note(run, path, f"{kind}: semgrep gave up on rule(s) {', '.join(sorted(set(rules)))}")
    run.scanned = _scanned(data.get("paths"), names)
    return run


def _scanned(paths: Any, names: Mapping[str, str]) -> set[str] | None:
    """The repo paths semgrep says it scanned, or None when its report does not say."""
    scanned = paths.get("scanned") if isinstance(paths, dict) else None
    if not isinstance(scanned, list):
        return None
    return {names[n] for n in (_rel(p) for p in scanned if isinstance(p, str)) if n in names}


def _match(result: dict[str, Any], ids: set[str]) -> Match | None:
    """One result as a Match, or None when a field is missing or of the wrong type."""
    try:
        start, end, extra = result["start"], result["end"], result.get("extra") or {}
        line = _number(start["line"])
        end_line = _number(end.get("line", line))
        if line < 1 or end_line < line:
            return None
        return Match(rule=rule_id(str(result["check_id"]), ids), line=line, end_line=end_line,
                     column=_number(start.get("col", 1)), end_column=_number(end.get("col", 1)),
                     severity=str(extra.get("severity", "WARNING")),
                     message=str(extra.get("message", "")))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a number: {value!r}")
    return value


_UNPARSABLE = ("syntax", "lexical", "parse", "partial")


def _error_note(error: dict[str, Any]) -> tuple[str, str | None]:
    """Why semgrep did not fully scan a file (unparsable, timeout, other error), and the
    rule it gave up on, if it names one (timeouts are per rule: gathered in one note)."""
    kind = error.get("type", "error")
    kind = str(kind[0] if isinstance(kind, list) and kind else kind)
    rule = error.get("rule_id")
    if any(word in kind.lower() for word in _UNPARSABLE):
        line = _error_line(error)
        return f"unparsable: semgrep {kind}" + (f" at line {line}" if line else ""), None
    if "timeout" in kind.lower() or "memory" in kind.lower():
        if isinstance(rule, str):
            return f"engine {kind.lower()}", rule
        return f"engine {kind.lower()}: semgrep gave up", None
    return f"engine error: semgrep {kind}", None


def _error_line(error: dict[str, Any]) -> int | None:
    spans: Any = error.get("spans")
    try:
        return _number(spans[0]["start"]["line"])
    except (KeyError, TypeError, ValueError, IndexError):
        found = re.search(r":(\d+):", str(error.get("message", "")).split("\n", 1)[0])
        return int(found.group(1)) if found else None


def _note(run: EngineRun, path: str, note: str) -> None:
    old = run.notes.get(path)
    if old is None or note not in old.split("; "):
        run.notes[path] = f"{old}; {note}" if old else note


def rule_id(check_id: str, ids: set[str]) -> str:
    """Plain `semgrep scan` prefixes ids with the config's folder; undo that."""
    if check_id in ids:
        return check_id
    return next((i for i in ids if check_id.endswith("." + i)), check_id)


def _rel(path: str) -> str:
    return path[2:] if path.startswith("./") else path
