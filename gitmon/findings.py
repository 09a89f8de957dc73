"""Findings: identity (fingerprint), inline suppression and the diff filter."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from gitmon.policy import Severity
from gitmon.redact import redact


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
    baselined: bool = False

    @property
    def counts(self) -> bool:
        return not (self.suppressed or self.baselined)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "reviewer": self.reviewer, "rule": self.rule, "severity": self.severity.label,
            "path": self.path, "line": self.line, "end_line": self.end_line,
            "column": self.column, "end_column": self.end_column,
            "message": redact(self.message), "area": self.area,
            "fingerprint": self.fingerprint, "suppressed": self.suppressed,
            "engine": self.engine, "snippet": redact(self.snippet),
        }
        if self.suppression is not None:
            data["suppression"] = redact(self.suppression)
        data["baselined"] = self.baselined
        return data


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


_GITMON_IGNORE = re.compile(r"gitmon:\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>.*)")
_NOSEMGREP = re.compile(r"nosemgrep(?::\s*(?P<ids>[\w.\-]+(?:\s*,\s*[\w.\-]+)*))?(?P<reason>.*)")


def suppression_on(line_text: str, rule: str) -> tuple[bool, str] | None:
    """(applies, reason) for a suppression comment on this line, or None if there is none."""
    for pattern in (_GITMON_IGNORE, _NOSEMGREP):
        m = pattern.search(line_text)
        if not m:
            continue
        ids = [i.strip() for i in (m.group("ids") or "").split(",") if i.strip()]
        if ids and not any(_same_rule(rule, i) for i in ids):
            continue
        reason = _clean_reason(m.group("reason"))
        return bool(reason), reason
    return None


def _same_rule(rule: str, named: str) -> bool:
    return rule == named or rule.endswith("." + named) or named == "*"


def _clean_reason(text: str) -> str:
    text = text.strip()
    for end in ("*/", "-->", "#}"):
        if text.endswith(end):
            text = text[: -len(end)]
    return text.strip(" -:—\t")


def apply_suppressions(findings: Iterable[Finding], contents: Mapping[str, bytes],
                       ) -> list[Finding]:
    """Mark findings suppressed by a comment on their first line or the line above.

    A suppression without a reason does not count; it is kept in the record as such.
    """
    split: dict[str, list[str]] = {}
    out = []
    for f in findings:
        if f.path not in contents:
            out.append(f)
            continue
        lines = split.setdefault(f.path, contents[f.path].decode("utf-8", "replace").splitlines())
        for number in (f.line, f.line - 1):
            if not 1 <= number <= len(lines):
                continue
            found = suppression_on(lines[number - 1], f.rule)
            if found is not None:
                applies, reason = found
                f = replace(f, suppressed=applies,
                            suppression=reason if applies else "(no reason given: not applied)")
                break
        out.append(f)
    return out


def severity_rank(f: Finding) -> tuple[int, str, int]:
    return (-int(f.severity), f.path, f.line)
