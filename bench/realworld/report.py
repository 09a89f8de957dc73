"""summary.md and triage.md: per-rule precision from triage labels, per-reviewer recall."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

RULES = Path(__file__).resolve().parents[2] / "rules"
TARGET = {"error": 0.95, "warning": 0.80}


def unique(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One entry per key (the same code flagged in several commits counts once)."""
    out: dict[str, dict[str, Any]] = {}
    for f in findings:
        out.setdefault(f["key"], f)
    return out


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}%" if den else "-"


def _tally(items: list[dict[str, Any]], labels: dict[str, Any], by: str) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])   # true, false, untriaged
    for f in items:
        verdict = labels.get(f["key"], {}).get("verdict")
        rows[f[by]][0 if verdict == "true" else 1 if verdict == "false" else 2] += 1
    return rows


def rule_table(findings: dict[str, dict[str, Any]], labels: dict[str, Any]) -> list[str]:
    severity = {f["rule"]: f["severity"] for f in findings.values()}
    lines = ["| rule | severity | findings | true | false | untriaged | precision | target |",
             "|---|---|---|---|---|---|---|---|"]
    for rule, (t, f, u) in sorted(_tally(list(findings.values()), labels, "rule").items()):
        target = TARGET.get(severity[rule])
        met = "-" if target is None or not t + f else ("met" if t / (t + f) >= target else "MISSED")
        lines.append(f"| {rule} | {severity[rule]} | {t + f + u} | {t} | {f} | {u} "
                     f"| {_pct(t, t + f)} | {met} |")
    return lines


def reviewer_table(findings: dict[str, dict[str, Any]], labels: dict[str, Any],
                   cases: list[dict[str, Any]]) -> list[str]:
    tally = _tally(list(findings.values()), labels, "reviewer")
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        caught[case["reviewer"]][0] += case["caught"]
        caught[case["reviewer"]][1] += 1
    lines = ["| reviewer | findings | true | false | untriaged | precision | recall cases "
             "| caught | recall |", "|---|---|---|---|---|---|---|---|---|"]
    for name in sorted(set(tally) | set(caught)):
        t, f, u = tally[name]
        c, n = caught[name]
        lines.append(f"| {name} | {t + f + u} | {t} | {f} | {u} | {_pct(t, t + f)} | {n} | {c} "
                     f"| {_pct(c, n)} |")
    return lines


def recall_lines(cases: list[dict[str, Any]]) -> list[str]:
    # reviewer status "skipped": the default policy did not route the file to it at all
    lines = ["| project | fix commit | path | expected rule | caught | reviewer status | reported |",
             "|---|---|---|---|---|---|---|"]
    for c in cases:
        lines.append(f"| {c['project']} | {c['fix_commit'][:10]} | `{c['path']}` | {c['rule']} "
                     f"| {'yes' if c['caught'] else 'NO'} | {c.get('reviewer_status', '-')} "
                     f"| {', '.join(c['reported']) or '-'} |")
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
