"""`--format sarif`: SARIF 2.1.0 built as data (never templated), for GitHub code scanning."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from gitmon import __version__
from gitmon.redact import redact

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000          # GitHub code scanning rejects runs with more
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def build(record: dict[str, Any]) -> dict[str, Any]:
    findings = record["findings"][:MAX_RESULTS]
    rules: dict[str, dict[str, Any]] = {}
    for f in findings:
        rules.setdefault(f["rule"], _rule(f))
    index = {rule_id: i for i, rule_id in enumerate(rules)}
    results = [_result(f, index[f["rule"]]) for f in findings]
    invocation: dict[str, Any] = {"executionSuccessful": record["degraded"] is None}
    if record["degraded"]:
        invocation["toolExecutionNotifications"] = [{
            "level": "error", "message": {"text": f"degraded: {record['degraded']['reason']}"}}]
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


def _rule(f: dict[str, Any]) -> dict[str, Any]:
    message = redact(f["message"])
    first = message.split(". ")[0].strip().rstrip(".")
    return {
        "id": f["rule"],
        "name": "".join(part.capitalize() for part in f["rule"].replace(".", "-").split("-")),
        "shortDescription": {"text": (first or f["rule"])[:1000]},
        "fullDescription": {"text": message[:4000] or f["rule"]},
        "defaultConfiguration": {"level": _LEVELS.get(f["severity"], "warning")},
        "properties": {"reviewer": f["reviewer"], "engine": f.get("engine", "semgrep"),
                       "tags": [f["reviewer"], "gitmon"]},
    }


def _result(f: dict[str, Any], rule_index: int) -> dict[str, Any]:
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
            "artifactLocation": {"uri": quote(f["path"]), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }}],
        "partialFingerprints": {"gitmonFingerprint/v1": f["fingerprint"]},
        "properties": {"reviewer": f["reviewer"], "area": f["area"]},
    }
    if f["suppressed"]:
        result["suppressions"] = [{"kind": "inSource",
                                   "justification": redact(f.get("suppression") or "")}]
    elif f.get("baselined"):
        result["suppressions"] = [{"kind": "external", "justification": "in the gitmon baseline"}]
    return result


def render(record: dict[str, Any]) -> str:
    return json.dumps(build(record), indent=2, ensure_ascii=False) + "\n"
