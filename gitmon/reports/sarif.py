"""`--format sarif`: SARIF 2.1.0 built as data (never templated), for GitHub code scanning.

It keeps within code scanning's limits (one run; at most 25,000 results and rules
per run, 1,000 locations per result, 10 tags per rule) and says so when it cuts.
URIs are relative to the repository root (`%SRCROOT%`), percent-encoded.
`partialFingerprints` carry gitmon's fingerprint (rule + path + normalised code, no
line number), so a finding keeps its identity when the code around it moves.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from gitmon import __version__, counting
from gitmon.record import FindingEntry, Findings
from gitmon.redact import redact
from gitmon.reports import marker_note

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000          # GitHub code scanning rejects runs with more
MAX_RULES = 25_000
MAX_TAGS = 10
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def build(record: Findings) -> dict[str, Any]:
    findings, rules = _within_limits(record["findings"])
    index = {rule_id: i for i, rule_id in enumerate(rules)}
    results = [_result(f, index[f["rule"]]) for f in findings]
    notes = []
    if record["degraded"]:
        notes.append({"level": "error",
                      "message": {"text": f"degraded: {record['degraded']['reason']}"}})
    notes += [{"level": "error" if r["status"] != "passed" else "warning",
               "message": {"text": f"{name}: {r['status']} - {r['reason']}"}}
              for name, r in record.get("reviewers", {}).items()
              if "not fully reviewed:" in r["reason"]]
    if len(findings) < len(record["findings"]):
        notes.append({"level": "warning", "message": {"text": (
            f"{len(record['findings']) - len(findings)} of {len(record['findings'])} findings "
            f"are left out to stay within GitHub code scanning's limits; the record "
            f"{record['id']} has them all")}})
    invocation: dict[str, Any] = {"executionSuccessful": record["degraded"] is None}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gitmon", "version": __version__, "semanticVersion": __version__,
                "informationUri": "https://github.com/gitmon/gitmon",
                "rules": list(rules.values()),
            }},
            "automationDetails": {"id": f"gitmon/{record['source']}/"},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "repository root"}}},
            "invocations": [invocation],
            "results": results,
            "properties": {"verdict": record["verdict"], "record": record["id"]},
        }],
    }


def _within_limits(all_findings: list[FindingEntry],
                   ) -> tuple[list[FindingEntry], dict[str, dict[str, Any]]]:
    """The findings (most severe first, as the record sorts them) and rules that fit."""
    rules: dict[str, dict[str, Any]] = {}
    findings: list[FindingEntry] = []
    for f in all_findings:
        if len(findings) == MAX_RESULTS:
            break
        if f["rule"] not in rules:
            if len(rules) == MAX_RULES:
                continue
            rules[f["rule"]] = _rule(f)
        findings.append(f)
    return findings, rules


def _rule(f: FindingEntry) -> dict[str, Any]:
    message = redact(f["message"])
    first = message.split(". ")[0].strip().rstrip(".")
    return {
        "id": f["rule"],
        "name": "".join(part.capitalize() for part in f["rule"].replace(".", "-").split("-")),
        "shortDescription": {"text": (first or f["rule"])[:1000]},
        "fullDescription": {"text": message[:4000] or f["rule"]},
        "defaultConfiguration": {"level": _LEVELS.get(f["severity"], "warning")},
        "properties": {"reviewer": f["reviewer"], "engine": f.get("engine", "semgrep"),
                       "tags": _tags(f)},
    }


def _tags(f: FindingEntry) -> list[str]:
    tags = ["gitmon", f["reviewer"]]
    if f.get("area"):
        tags.append(f"area:{f['area']}")
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def _result(f: FindingEntry, rule_index: int) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(f["line"], 1),
                              "endLine": max(f["end_line"], f["line"], 1)}
    if f.get("column", 0) >= 1:
        region["startColumn"] = f["column"]
        if f.get("end_column", 0) >= 1 and (f["end_line"] > f["line"]
                                             or f["end_column"] > f["column"]):
            region["endColumn"] = f["end_column"]
    result: dict[str, Any] = {
        "ruleId": f["rule"],
        "ruleIndex": rule_index,
        "level": _LEVELS.get(f["severity"], "warning"),
        "message": {"text": redact(f["message"]) or f["rule"]},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(f["path"]), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }}],
        "partialFingerprints": {"gitmonFingerprint/v1": f["fingerprint"]},
        "properties": {"reviewer": f["reviewer"], "area": f["area"]},
    }
    why = counting.state(f)
    if why == "suppressed":
        result["suppressions"] = [{"kind": "inSource",
                                   "justification": redact(f.get("suppression") or "")}]
    elif why == "baselined":
        result["suppressions"] = [{"kind": "external", "justification": "in the gitmon baseline"}]
    elif f.get("suppression_problem"):
        # a marker is there but rejected: SARIF 2.1.0 §3.35.3, the result is not suppressed
        result["suppressions"] = [{"kind": "inSource", "status": "rejected",
                                   "justification": marker_note(f)}]
    return result


def render(record: Findings) -> str:
    # ASCII-only JSON: a path that is not valid UTF-8 (surrogate-escaped) still serialises.
    return json.dumps(build(record), indent=2) + "\n"


def _uri(path: str) -> str:
    """A relative URI reference: spaces, `%`, `#`, non-ASCII and odd bytes percent-encoded."""
    return quote(path, safe="/", errors="surrogateescape")
