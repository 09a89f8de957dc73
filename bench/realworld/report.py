"""summary.md and triage.md: per-rule precision from triage labels, per-reviewer recall."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

RULES = Path(__file__).resolve().parents[2] / "rules"
TARGET = {"error": 0.95, "warning": 0.80}
TEST_CODE = "test code"     # a false finding whose reason starts so is counted apart too


def unique(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One entry per key (the same code flagged in several commits counts once)."""
    out: dict[str, dict[str, Any]] = {}
    for f in findings:
        out.setdefault(f["key"], f)
    return out


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}%" if den else "-"


def _tally(items: list[dict[str, Any]], labels: dict[str, Any], by: str) -> dict[str, list[int]]:
    """Per `by`: true, false, untriaged, and how many of the false are in test code."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for f in items:
        label = labels.get(f["key"], {})
        verdict = label.get("verdict")
        rows[f[by]][0 if verdict == "true" else 1 if verdict == "false" else 2] += 1
        rows[f[by]][3] += verdict == "false" and label.get("reason", "").startswith(TEST_CODE)
    return rows


def rule_table(findings: dict[str, dict[str, Any]], labels: dict[str, Any]) -> list[str]:
    # a rule re-levelled during a run shows both (warning/info); the lower one's target
    seen: dict[str, set[str]] = defaultdict(set)
    for finding in findings.values():
        seen[finding["rule"]].add(finding["severity"])
    order = ["info", "warning", "error"]
    severity = {rule: "/".join(sorted(levels, key=order.index, reverse=True))
                for rule, levels in seen.items()}
    lines = ["| rule | severity | findings | true | false | untriaged | precision | target "
             "| false in test code |", "|---|---|---|---|---|---|---|---|---|"]
    for rule, (t, f, u, tc) in sorted(_tally(list(findings.values()), labels, "rule").items()):
        target = TARGET.get(severity[rule].split("/")[-1])
        met = "-" if target is None or not t + f else ("met" if t / (t + f) >= target else "MISSED")
        lines.append(f"| {rule} | {severity[rule]} | {t + f + u} | {t} | {f} | {u} "
                     f"| {_pct(t, t + f)} | {met} | {tc} |")
    return lines


def silent_rules(findings: dict[str, dict[str, Any]], rules: Path = RULES) -> list[str]:
    """The rule ids of the built-in packs that no finding on the corpus came from."""
    fired = {f["rule"] for f in findings.values()}
    ids = {m.group(1) for path in rules.rglob("*.yaml")
           for m in re.finditer(r"^\s*- id:\s*([\w.-]+)", path.read_text(), re.M)}
    return sorted(ids - fired)


def reviewer_table(findings: dict[str, dict[str, Any]], labels: dict[str, Any],
                   cases: list[dict[str, Any]]) -> list[str]:
    """Precision of everything a reviewer reported; recall with the default policy at the
    real path, and by the rule once the file is routed to the reviewer."""
    tally = _tally(list(findings.values()), labels, "reviewer")
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        caught[case["reviewer"]][0] += case["caught"]
        caught[case["reviewer"]][1] += bool(case.get("rule_caught", case["caught"]))
        caught[case["reviewer"]][2] += 1
    lines = ["| reviewer | findings | true | false | untriaged | precision | recall cases "
             "| caught | recall | caught once routed |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name in sorted(set(tally) | set(caught)):
        t, f, u, _ = tally[name]
        c, r, n = caught[name]
        lines.append(f"| {name} | {t + f + u} | {t} | {f} | {u} | {_pct(t, t + f)} | {n} | {c} "
                     f"| {_pct(c, n)} | {r} ({_pct(r, n)}) |")
    return lines


def recall_lines(cases: list[dict[str, Any]]) -> list[str]:
    # reviewer status "skipped": the default policy did not route the file to it at all
    lines = ["| project | fix commit | path | expected rule | caught | once routed "
             "| reviewer status | reported |", "|---|---|---|---|---|---|---|---|"]
    for c in cases:
        routed = {True: "yes", False: "NO"}.get(c.get("rule_caught"), "-")
        lines.append(f"| {c['project']} | {c['fix_commit'][:10]} | `{c['path']}` | {c['rule']} "
                     f"| {'yes' if c['caught'] else 'NO'} | {routed} "
                     f"| {c.get('reviewer_status', '-')} | {', '.join(c['reported']) or '-'} |")
    return lines


def triage_lines(findings: dict[str, dict[str, Any]], labels: dict[str, Any]) -> list[str]:
    lines = ["| key | project | where | rule | verdict | reason |", "|---|---|---|---|---|---|"]
    order = sorted(findings.values(), key=lambda f: (f["rule"], f["project"], f["path"]))
    for f in order:
        label = labels.get(f["key"], {})
        where = f"`{f['path']}:{f['line']}`" + (f" @{f['commit'][:8]}" if f["origin"] == "audit"
                                                 else f" ({f['origin']})")
        reason = label.get("reason", "").replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {f['key']} | {f['project']} | {where} | {f['rule']} "
                     f"| {label.get('verdict', 'UNTRIAGED')} | {reason} |")
    return lines
