"""Status records: one JSON document per run, written atomically, plus the ledger.

The shape is `gitmon.record.Record` (`gitmon/schemas/record-1.schema.json`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from gitmon import __version__, counting, fsio

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:       # the hook's fast path writes records without loading the engine
    from collections.abc import Iterable, Mapping
    from typing import Any

    from gitmon.record import FileEntry, Record
    from gitmon.review import Review

SCHEMA = "gitmon.record/1"


def new_id(started_at: str) -> str:
    stamp = started_at.replace("-", "").replace(":", "").replace(".", "")
    return f"{stamp}-{os.urandom(4).hex()}"


def now() -> str:
    """UTC now as records write it (`2026-01-02T03:04:05.678Z`); `time` only, for the hook."""
    import time

    secs, nanos = divmod(time.time_ns(), 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{nanos // 1_000_000:03d}Z"


# What a review that loaded no rule and scanned nothing reports as its engine, and why a
# reviewer with no file to review was skipped (verdict.judge says it too).
IDLE_ENGINE = {"cached": 0, "scanned": 0, "rules": 0}
NO_ROUTED_FILES = "no routed files"


def build(review: Review, record_id: str | None = None) -> Record:
    change, routing = review.change, review.routing
    files = []
    for f in change.files:
        entry = file_entry(f.path, f.status, list(routing.areas_of(f.path)), f.old_path)
        note = review.notes.get(f.path) or (f.special if not routing.areas_of(f.path) else None)
        if note:
            entry["note"] = note
        files.append(entry)
    areas = {
        name: {"files": _texts(paths), "reviewers": list(review.policy.areas[name].reviewers)}
        for name, paths in routing.area_files.items()
    }
    reviewers = {
        name: {"status": r.status.value, "files": _texts(r.files), "findings": r.findings,
               "reason": r.reason, "title": review.policy.reviewers[name].title}
        for name, r in review.reviewers.items()
    }
    record = document(
        record_id=record_id, source=review.source, times=(review.started_at, review.finished_at),
        change={"kind": change.kind, "base": change.base, "head": change.head,
                "commits": list(change.commits), "files": files},
        areas=areas, reviewers=reviewers,
        findings=[dict(f.to_json(), path=path_text(f.path)) for f in review.findings],
        unrouted=len(routing.unrouted), policy=review.policy.origin,
        dropped=(review.dropped, review.tests_dropped), engine=review.engine,
        degraded=review.degraded, verdict=review.verdict.value)
    if review.part is not None:     # one shard of CI's matrix (`gitmon merge` folds them)
        record["shard"] = review.part
    return record


def unrouted(*, source: str, base: str | None, names: Iterable[tuple[str, str]],
             titles: Mapping[str, str], policy: str) -> Record:
    """The record of a staged change with no file in a watched area, from plain data (the
    hook's fast path has no Review): what `build` writes for it (a test holds them equal)."""
    stamp = now()
    files = [file_entry(path, status[:1], []) for status, path in names]
    return document(
        record_id=None, source=source, times=(stamp, stamp),
        change={"kind": "staged", "base": base, "head": None, "commits": [], "files": files},
        areas={}, reviewers={name: {"status": "skipped", "files": [], "findings": 0,
                                    "reason": NO_ROUTED_FILES, "title": title}
                             for name, title in titles.items()},
        findings=[], unrouted=len(files), policy=policy, dropped=(0, 0),
        engine=dict(IDLE_ENGINE), degraded=None, verdict="pass")


def document(*, record_id: str | None, source: str, times: tuple[str, str],
             change: dict[str, Any], areas: dict[str, Any], reviewers: dict[str, Any],
             findings: list[dict[str, Any]], unrouted: int, policy: str,
             dropped: tuple[int, int], engine: Mapping[str, object], degraded: str | None,
             verdict: str) -> Record:
    """The record's one shape (record-1.schema.json, `gitmon.record.Record`), whoever
    fills it in."""
    record: Record = _plain({
        "schema": SCHEMA,
        "id": record_id or new_id(times[0]),
        "source": source,
        "started_at": times[0],
        "finished_at": times[1],
        "tool": {"name": "gitmon", "version": __version__},
        "change": change,
        "areas": areas,
        "reviewers": reviewers,
        "findings": findings,
        "unrouted": unrouted,
        "policy": policy,
        "filter_dropped": dropped[0],
        "tests_dropped": dropped[1],
        "engine": engine,
        "degraded": {"reason": degraded} if degraded else None,
        "verdict": verdict,
    })
    return record


def file_entry(path: str, status: str, areas: list[str], old_path: str | None = None,
               ) -> FileEntry:
    """A changed file as the record lists it; shared with the hook's fast path."""
    entry: FileEntry = {"path": path_text(path), "status": status, "areas": areas}
    if path_text(path) != path:
        entry["path_bytes"] = _b64(path)
    if old_path:
        entry["old_path"] = path_text(old_path)
        if entry["old_path"] != old_path:
            entry["old_path_bytes"] = _b64(old_path)
    return entry


def path_text(path: str) -> str:
    """A path as JSON can hold it: itself when it is UTF-8, else git's quoted form.

    git hands us names as bytes (kept in str by surrogateescape); a name that is not UTF-8
    is shown as `git ls-files` shows it (`"caf\\351.py"`, octal escapes in double quotes),
    and the file entry carries its exact bytes in base64 (`path_bytes`)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return '"' + "".join(_quote_byte(b) for b in os.fsencode(path)) + '"'


_C_ESCAPES = {0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v",
              0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def _quote_byte(byte: int) -> str:
    if byte in _C_ESCAPES:
        return _C_ESCAPES[byte]
    return chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}"


def _b64(path: str) -> str:
    # binascii, not base64: the hook's fast path builds file entries too
    import binascii

    return binascii.b2a_base64(os.fsencode(path), newline=False).decode("ascii")


def _texts(paths: Iterable[str]) -> list[str]:
    return [path_text(p) for p in paths]


def _plain(value: Any) -> Any:
    """Any other text holding undecodable bytes (a message naming an odd file): escaped,
    so that the record can be written as UTF-8 at all."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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


def save(base: Path, rel: str, text: str, mode: int = 0o600, durable: bool = True) -> Path:
    """Write base/rel atomically: no link followed below base's parent, temp files in base/tmp."""
    ensure_dir(base)
    path = base / rel
    fsio.atomic_write(str(path), text, anchor=str(base.parent), tmp_dir=str(base / "tmp"),
                      mode=mode, durable=durable)
    return path


def write(base: Path, record: Record) -> Path:
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


def _ledger_line(record: Record, base: Path, path: Path) -> str:
    summary = {
        "id": record["id"], "source": record["source"], "kind": record["change"]["kind"],
        "head": record["change"]["head"], "base": record["change"]["base"],
        "finished_at": record["finished_at"], "verdict": record["verdict"],
        "degraded": record["degraded"] is not None,
        "areas": {a: v["reviewers"] for a, v in record["areas"].items()},
        "reviewers": {r: v["status"] for r, v in record["reviewers"].items()},
        "findings": len(counting.counted(record)),
        "record": str(path.relative_to(base)),
    }
    return json.dumps(summary, ensure_ascii=False) + "\n"


def read_record(base: Path, entry: dict[str, Any]) -> Record | None:
    """The record a ledger line points to, or None when it is gone or does not parse."""
    try:
        record: Record = json.loads((base / str(entry.get("record"))).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("schema") == SCHEMA else None


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
