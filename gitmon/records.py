"""Status records (SPEC §5): one JSON document per run, written atomically, plus the ledger."""

from __future__ import annotations

import json
import os
from pathlib import Path

from gitmon import __version__, fsio

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:       # the hook's fast path writes records without loading the engine
    from typing import Any

    from gitmon.review import Review

SCHEMA = "gitmon.record/1"


def new_id(started_at: str) -> str:
    stamp = started_at.replace("-", "").replace(":", "").replace(".", "")
    return f"{stamp}-{os.urandom(4).hex()}"


def build(review: Review, record_id: str | None = None) -> dict[str, Any]:
    change, routing = review.change, review.routing
    files = []
    for f in change.files:
        entry: dict[str, Any] = {"path": f.path, "status": f.status,
                                 "areas": list(routing.areas_of(f.path))}
        if f.old_path:
            entry["old_path"] = f.old_path
        note = review.notes.get(f.path) or (f.special if not routing.areas_of(f.path) else None)
        if note:
            entry["note"] = note
        files.append(entry)
    areas = {
        name: {"files": list(paths), "reviewers": list(review.policy.areas[name].reviewers)}
        for name, paths in routing.area_files.items()
    }
    reviewers = {
        name: {"status": r.status.value, "files": list(r.files), "findings": r.findings,
               "reason": r.reason, "title": review.policy.reviewers[name].title}
        for name, r in review.reviewers.items()
    }
    return {
        "schema": SCHEMA,
        "id": record_id or new_id(review.started_at),
        "source": review.source,
        "started_at": review.started_at,
        "finished_at": review.finished_at,
        "tool": {"name": "gitmon", "version": __version__},
        "change": {"kind": change.kind, "base": change.base, "head": change.head,
                   "commits": list(change.commits), "files": files},
        "areas": areas,
        "reviewers": reviewers,
        "findings": [f.to_json() for f in review.findings],
        "unrouted": len(routing.unrouted),
        "policy": review.policy.origin,
        "filter_dropped": review.dropped,
        "tests_dropped": review.tests_dropped,
        "engine": review.engine,
        "degraded": {"reason": review.degraded} if review.degraded else None,
        "verdict": review.verdict.value,
    }


def records_dir(root: Path, folder: str) -> Path:
    """The state folder (settings.records); the folders between root and it must be real."""
    base = root / folder
    if not Path(folder).is_absolute():
        for parent in list(base.relative_to(root).parents)[-2::-1]:   # outermost first
            if (root / parent).is_symlink():
                raise fsio.WriteError(f"{root / parent} is a symbolic link: gitmon never "
                                      "writes through a link", hint="remove the link (a "
                                      "change may have committed it) and run again")
    return base


IGNORE_TEXT = "# gitmon's records, ledger and cache: local state, never committed\n*\n"


def ensure_dir(base: Path) -> None:
    """base as a real folder (a change could commit `.gitmon` as a link) with its .gitignore.

    Every writer under base calls it first, so a run that creates `.gitmon/` (even with
    --no-record, for the cache) never leaves `git status` dirty.
    """
    fsio.create_once(str(base / ".gitignore"), IGNORE_TEXT, anchor=str(base.parent))


def save(base: Path, rel: str, text: str, mode: int = 0o600) -> Path:
    """Write base/rel atomically: no link followed below base's parent, temp files in base/tmp."""
    ensure_dir(base)
    path = base / rel
    fsio.atomic_write(str(path), text, anchor=str(base.parent), tmp_dir=str(base / "tmp"),
                      mode=mode)
    return path


def atomic_write(path: Path, text: str) -> None:
    """A file outside the state folder (the baseline): its folder trusted, the file no link."""
    fsio.atomic_write(str(path), text)


def write(base: Path, record: dict[str, Any]) -> Path:
    """Write the record, then its ledger line: both or neither (a failed append removes it)."""
    path = save(base, f"records/{record['id']}.json",
                json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    try:
        # One write() of a short line on an O_APPEND file: concurrent writers don't interleave.
        fsio.append(str(base / "ledger.jsonl"), _ledger_line(record, base, path),
                    anchor=str(base.parent))
    except BaseException:
        try:    # noqa: SIM105 (contextlib is not imported on the hook's path)
            path.unlink()
        except OSError:
            pass
        raise
    return path


def _ledger_line(record: dict[str, Any], base: Path, path: Path) -> str:
    summary = {
        "id": record["id"], "source": record["source"], "kind": record["change"]["kind"],
        "head": record["change"]["head"], "base": record["change"]["base"],
        "finished_at": record["finished_at"], "verdict": record["verdict"],
        "degraded": record["degraded"] is not None,
        "areas": {a: v["reviewers"] for a, v in record["areas"].items()},
        "reviewers": {r: v["status"] for r, v in record["reviewers"].items()},
        "findings": len([f for f in record["findings"] if not f["suppressed"]]),
        "record": str(path.relative_to(base)),
    }
    return json.dumps(summary, ensure_ascii=False) + "\n"


def read_ledger(base: Path) -> list[dict[str, Any]]:
    try:
        lines = (base / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out
