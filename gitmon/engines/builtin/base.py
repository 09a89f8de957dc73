"""The interface every built-in check implements."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from gitmon.change import Change
from gitmon.findings import Finding, fingerprint, matched_code
from gitmon.policy import Policy
from gitmon.routing import Routing
from gitmon.severity import Severity


@dataclass(frozen=True)
class CheckContext:
    change: Change
    routing: Routing
    policy: Policy
    reviewer: str
    files: tuple[str, ...]                    # routed to this reviewer, readable
    contents: Mapping[str, bytes]             # new-side content of routed files
    options: Mapping[str, Any]
    read_old: Callable[[str], bytes | None]   # base-side content of a path, if any

    def finding(self, rule: str, severity: Severity, path: str, line: int, message: str,
                end_line: int | None = None) -> Finding:
        severity = Severity.parse(str(self.options.get("severity", severity.label)))
        end = end_line or line
        code = matched_code(self.contents.get(path), line, end) or message
        return Finding(
            reviewer=self.reviewer, rule=rule, severity=severity, path=path, line=line,
            end_line=end, message=message,
            area=self.routing.primary_area(path, self.reviewer, self.policy),
            fingerprint=fingerprint(rule, path, code), engine="builtin",
            snippet=matched_code(self.contents.get(path), line, end),
        )


class Check(Protocol):
    id: str
    description: str

    def run(self, ctx: CheckContext) -> list[Finding]: ...
