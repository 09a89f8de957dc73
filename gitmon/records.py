"""Status records (SPEC §5): one JSON document per run, written atomically, plus the ledger."""

from __future__ import annotations

import json
import os
from pathlib import Path

from gitmon import __version__

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
    return root / folder


def ensure_dir(base: Path) -> None:
    if base.is_symlink() or (base / "records").is_symlink():
        # A change could commit `.gitmon` as a link, to make CI write records elsewhere.
        from gitmon.errors import FatalError

        raise FatalError(f"{base} is a symbolic link: gitmon writes records only into a real "
                         "folder", hint="remove the link, or point settings.records at the "
                         "folder itself")
    (base / "records").mkdir(parents=True, exist_ok=True)
    ignore = base / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# gitmon's records, ledger and cache: local state, never committed\n*\n")


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL with a random name is what tempfile.mkstemp does, without its import cost
    # (the hook's fast path writes a record on every commit).
    tmp = str(path.parent / f".tmp-{os.urandom(6).hex()}{path.suffix}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(base: Path, record: dict[str, Any]) -> Path:
    """Write the record atomically, then append its summary line to the ledger."""
    ensure_dir(base)
    path = base / "records" / f"{record['id']}.json"
    atomic_write(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
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
    line = json.dumps(summary, ensure_ascii=False) + "\n"
    # One write() of a short line on an O_APPEND file: concurrent writers don't interleave.
    fd = os.open(base / "ledger.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return path


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
