"""One semgrep process per run, over a temp tree holding the routed files' content.

Content always comes from the change (git blobs or the files on disk), written to a
temp tree, so `--staged` scans exactly what will be committed. The fastest entry
(`--experimental`) is tried first and the plain `semgrep scan` is the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# the job itself lives in a light module (the hook starts it early); re-exported here
from gitmon.engines.job import BASE_ARGS, ENTRIES, SemgrepJob, find_executable

if TYPE_CHECKING:
    from gitmon.rulesets import Rule

__all__ = ["BASE_ARGS", "ENTRIES", "EngineRun", "Match", "SemgrepJob", "find_executable",
           "run_semgrep"]


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
    entry: str = ""


def run_semgrep(executable: str | None, rules: list[Rule], config_text: str,
                contents: Mapping[str, bytes], timeout: float,
                entries: tuple[tuple[str, ...], ...] = ENTRIES) -> EngineRun:
    """Scan contents (repo path -> bytes) with rules; never raises for engine trouble."""
    return SemgrepJob(executable, rules, config_text, contents, timeout, entries).wait()


def _collect(data: dict[str, Any], names: Mapping[str, str], ids: set[str]) -> EngineRun:
    run = EngineRun()
    for result in data.get("results", []):
        path = names.get(_rel(result.get("path", "")))
        if path is None:
            continue
        extra = result.get("extra", {})
        run.matches.setdefault(path, []).append(Match(
            rule=_rule_id(result["check_id"], ids), line=result["start"]["line"],
            end_line=result["end"]["line"], column=result["start"].get("col", 1),
            end_column=result["end"].get("col", 1), severity=extra.get("severity", "WARNING"),
            message=extra.get("message", ""),
        ))
    for error in data.get("errors", []):
        path = names.get(_rel(error.get("path", "") or ""))
        if path is not None:
            kind = error.get("type", "error")
            kind = kind[0] if isinstance(kind, list) and kind else kind
            run.notes[path] = f"semgrep: {kind}"
    return run


def _rule_id(check_id: str, ids: set[str]) -> str:
    """Plain `semgrep scan` prefixes ids with the config's folder; undo that."""
    if check_id in ids:
        return check_id
    return next((i for i in ids if check_id.endswith("." + i)), check_id)


def _rel(path: str) -> str:
    return path[2:] if path.startswith("./") else path
