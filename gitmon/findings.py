"""Findings: identity (fingerprint), inline suppression and the diff filter."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from gitmon.counting import decides
from gitmon.redact import redact, redact_code, redact_message
from gitmon.severity import Severity
from gitmon.suppression import FileMarkers

if TYPE_CHECKING:
    from gitmon.engines.output import Match
    from gitmon.record import FindingEntry

M = TypeVar("M", bound="Match")


@dataclass(frozen=True)
class Finding:
    reviewer: str
    rule: str
    severity: Severity
    path: str
    line: int
    end_line: int
    message: str
    area: str | None
    fingerprint: str
    engine: str = "semgrep"          # semgrep | builtin
    column: int = 1
    end_column: int = 1
    snippet: str = ""
    suppressed: bool = False
    suppression: str | None = None   # the reason given
    suppression_problem: str | None = None   # why a marker found was not applied
    baselined: bool = False

    @property
    def counts(self) -> bool:
        return decides(self.suppressed, self.baselined)

    def _message(self) -> str:
        # semgrep fills a message with matched code; a built-in check writes its own words
        # (policy patterns, config keys), which only the secret detector needs to see
        if self.engine == "builtin":
            return redact(self.message)
        return redact_message(self.message, self.rule, self.snippet)

    def to_json(self) -> FindingEntry:
        data: FindingEntry = {
            "reviewer": self.reviewer, "rule": self.rule, "severity": self.severity.label,
            "path": self.path, "line": self.line, "end_line": self.end_line,
            "column": self.column, "end_column": self.end_column,
            "message": self._message(), "area": self.area,
            "fingerprint": self.fingerprint, "suppressed": self.suppressed,
            "engine": self.engine, "snippet": redact_code(self.snippet, self.rule),
        }
        if self.suppression is not None:
            data["suppression"] = redact_message(self.suppression, self.rule, self.snippet)
        elif self.suppression_problem is not None:
            data["suppression"] = f"({self.suppression_problem}: not applied)"
            data["suppression_problem"] = self.suppression_problem
        data["baselined"] = self.baselined
        data["counts"] = self.counts
        return data


def redact_matches(matches: list[M], content: bytes) -> list[M]:
    """Engine matches as the cache may keep them: semgrep fills a message's $METAVARS with
    the matched code, so a message can carry the very secret its rule found."""
    return [replace(m, message=redact_message(m.message, m.rule,
                                              matched_code(content, m.line, m.end_line)))
            for m in matches]


def fingerprint(rule: str, path: str, code: str) -> str:
    """rule + path + hash of the normalised matched code: no line number, no commit."""
    normal = " ".join(code.split())
    digest = hashlib.sha256(f"{rule}\0{path}\0{normal}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


def matched_code(content: bytes | None, line: int, end_line: int) -> str:
    if content is None:
        return ""
    lines = content.decode("utf-8", "replace").splitlines()
    return "\n".join(lines[max(line - 1, 0):end_line])


def apply_suppressions(findings: Iterable[Finding], contents: Mapping[str, bytes],
                       ) -> list[Finding]:
    """Mark findings suppressed by a comment marker on their first line or the line above.

    A marker that is not applied (no reason, no rule named, in a string) is kept in the
    record with the reason it was not applied.
    """
    findings = list(findings)
    last: dict[str, int] = {}
    for f in findings:
        last[f.path] = max(last.get(f.path, 0), f.line)
    files: dict[str, FileMarkers] = {}
    out = []
    for f in findings:
        if f.path in contents:
            if f.path not in files:
                text = contents[f.path].decode("utf-8", "replace")
                files[f.path] = FileMarkers(f.path, text, upto=last[f.path])
            marker = files[f.path].find(f.line, f.rule)
            if marker is not None and marker.applies:
                f = replace(f, suppressed=True, suppression=marker.text)
            elif marker is not None:
                f = replace(f, suppression_problem=marker.text)
        out.append(f)
    return out
