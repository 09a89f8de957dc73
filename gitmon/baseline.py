"""The baseline file: findings accepted on adoption, by fingerprint (detect-secrets' idea).

A fingerprint is rule + path + hash of the normalised matched code — no line number, no
commit — so moved code stays accepted and a new instance elsewhere still blocks. The file
is committed and reviewed: sorted, stable, no code, no secrets, and versioned with an
upgrade path for files written by older versions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmon.errors import PolicyError
from gitmon.findings import Finding

SCHEMA = "gitmon.baseline/1"
VERSION = 1
# Checks about a change, not about code: accepting them would silence them for good.
CHANGE_SCOPED = frozenset({"missing-test-change", "policy-weakened"})
NOTE = ("Findings accepted by `gitmon baseline`: reported as baselined, never blocking. "
        "Review changes to this file like code.")


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    path: str
    reviewers: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "path": self.path,
                "reviewers": list(self.reviewers), "rule": self.rule}


def entries_of(findings: Iterable[Finding]) -> list[Entry]:
    """The entries accepting these findings: one per fingerprint, sorted."""
    reviewers: dict[str, set[str]] = {}
    first: dict[str, Finding] = {}
    for f in findings:
        if f.suppressed or f.rule in CHANGE_SCOPED:
            continue
        first.setdefault(f.fingerprint, f)
        reviewers.setdefault(f.fingerprint, set()).add(f.reviewer)
    entries = [Entry(fp, f.rule, f.path, tuple(sorted(reviewers[fp]))) for fp, f in first.items()]
    return sorted(entries, key=lambda e: (e.path, e.rule, e.fingerprint))


def dumps(entries: Iterable[Entry]) -> str:
    doc = {"schema": SCHEMA, "version": VERSION, "note": NOTE,
           "findings": [e.to_json() for e in entries]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def read(path: Path) -> list[Entry]:
    """The entries of a baseline file; none if there is no file. Old versions are upgraded."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the baseline file: {exc}",
                          hint="fix its permissions, or re-create it with `gitmon baseline`"
                          ) from exc
    return parse(text, path)


def parse(text: str | bytes, origin: Path, hint: str = "re-create it with `gitmon baseline`",
          ) -> list[Entry]:
    """The entries of a baseline document (a file's text, or a blob from git)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PolicyError(f"{origin}: the baseline file is not valid JSON: {exc}",
                          hint=hint) from exc
    return [_entry(e, origin) for e in upgrade(data, origin)["findings"]]


def fingerprints(path: Path) -> frozenset[str]:
    return frozenset(e.fingerprint for e in read(path))


def upgrade(data: Any, origin: Path) -> dict[str, Any]:
    """Bring a baseline document of any known version to the current one."""
    if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
        raise PolicyError(f"{origin}: a baseline file is an object with a `findings` list",
                          hint="re-create it with `gitmon baseline`")
    doc: dict[str, Any] = data
    version = doc.get("version", 0)
    while version != VERSION:
        step = _UPGRADES.get(version) if isinstance(version, int) else None
        if step is None:
            raise PolicyError(
                f"{origin}: unknown baseline version {version!r} (this gitmon reads up to "
                f"version {VERSION})",
                hint="upgrade gitmon, or re-create the file with `gitmon baseline`")
        doc = step(doc)
        version = doc["version"]
    return doc


def _from_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0: `{"findings": [{"fingerprint": ...}]}`, no schema, no version."""
    findings = [{"fingerprint": str(e.get("fingerprint")), "rule": str(e.get("rule", "")),
                 "path": str(e.get("path", "")), "reviewers": [str(e["reviewer"])]
                 if e.get("reviewer") else []}
                for e in data.get("findings", []) if isinstance(e, dict) and e.get("fingerprint")]
    return {"schema": SCHEMA, "version": 1, "findings": findings}


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _from_v0}


def _entry(e: Any, origin: Path) -> Entry:
    if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str):
        raise PolicyError(f"{origin}: a baseline entry has no `fingerprint`: {e!r:.80}",
                          hint="re-create the file with `gitmon baseline`")
    return Entry(e["fingerprint"], str(e.get("rule", "")), str(e.get("path", "")),
                 tuple(str(r) for r in e.get("reviewers", []) or []))
