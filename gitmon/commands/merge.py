"""`gitmon merge RECORD...`: fold the records of CI's shards into one verdict and report.

The inputs are the JSON records of `gitmon ci --shard I/N` (or the summaries of `gitmon
audit --shard I/N --json-output`), as files or folders of them (searched recursively, as
a download of several artifacts lays them out). The merged record is printed and written
like `gitmon ci`'s, and the exit code is the usual one: a missing shard is pending, never
a pass.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gitmon import fsio, installed, records
from gitmon.audit.summary import SCHEMA as AUDIT_SCHEMA
from gitmon.ci import fold, fold_audit
from gitmon.errors import EXIT_BLOCK, EXIT_FAILURE, EXIT_PASS, UsageError
from gitmon.verdict import Verdict

HINT = "give the JSON records that `gitmon ci --shard I/N --json-output FILE` wrote"


def run(*, paths: Sequence[str], fmt: str | None = None, outputs: Mapping[str, str],
        fail_on_block: bool = False, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    docs = load(paths)
    kinds = {kind(origin, doc) for origin, doc in docs}
    if len(kinds) > 1:
        raise UsageError("records of `gitmon ci` and summaries of `gitmon audit` cannot be "
                         "merged together", hint="merge each kind on its own")
    if kinds == {"audit"}:
        return _audits(docs, fmt or "text", outputs, fail_on_block)
    from gitmon.commands import ci

    data = fold.fold(docs)
    shard = data.get("shard")
    missing = shard.get("missing", []) if shard is not None else []
    if shard is not None and missing:
        said = ", ".join(f"shard {i}" for i in missing)
        sys.stderr.write(f"gitmon: {said} of {shard['total']} missing: its files were not "
                         "reviewed, so the verdict cannot be a pass\n")
    fmt = fmt or ("github" if env.get("GITHUB_ACTIONS") == "true" else "text")
    ci.report(data, fmt, {k: os.path.abspath(v) for k, v in outputs.items()}, env, Path.cwd())
    return Verdict(data["verdict"]).exit_code


def load(paths: Sequence[str]) -> list[fold.Doc]:
    """Each JSON file named, and every *.json under each folder named."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                raise UsageError(f"{given} holds no .json file", hint=HINT)
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{given}: no such file or folder", hint=HINT)
    return [(str(p), _read(p)) for p in files]


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path} is not a readable JSON file: {exc}", hint=HINT) from exc
    if not isinstance(doc, dict):
        raise UsageError(f"{path} is not a gitmon record: the JSON is not an object", hint=HINT)
    return doc


def kind(origin: str, doc: dict[str, Any]) -> str:
    """"record" or "audit", for a document with everything the fold reads."""
    schema = doc.get("schema")
    needed: Sequence[str]
    if schema == records.SCHEMA:
        needed, name = _record_keys(), "record"
    elif schema == AUDIT_SCHEMA:
        needed, name = fold_audit.NEEDED, "audit"
    else:
        raise UsageError(f"{origin} is not a gitmon record (its schema is {schema!r}, not "
                         f"{records.SCHEMA!r} or {AUDIT_SCHEMA!r})", hint=HINT)
    lacking = [k for k in needed if k not in doc]
    shard = doc.get("shard")
    if isinstance(shard, dict) and "merged" in shard:
        raise UsageError(f"{origin} is already a merged {name} (of shards {shard['merged']})",
                         hint="merge the shards' own records")
    if shard is not None and not (isinstance(shard, dict) and isinstance(shard.get("index"), int)
                                  and isinstance(shard.get("total"), int)):
        lacking.append("shard.index/total")
    if lacking:
        raise UsageError(f"{origin} is not a whole gitmon {name}: it lacks {', '.join(lacking)}",
                         hint=HINT)
    return name


def _record_keys() -> list[str]:
    """What every record has, as its JSON schema requires it."""
    schema = Path(installed.PACKAGE, "schemas", "record-1.schema.json")
    required: list[str] = json.loads(schema.read_text(encoding="utf-8"))["required"]
    return required


def _audits(docs: Sequence[fold.Doc], fmt: str, outputs: Mapping[str, str],
            fail_on_block: bool) -> int:
    from gitmon.commands.audit import output_text

    if "sarif" in outputs or fmt not in ("text", "json"):
        raise UsageError("merged audit summaries give text or JSON (--json-output, "
                         "--markdown-output)", hint="upload each shard's --sarif-output to "
                         "code scanning, with its own category")
    summary, shard = fold_audit.fold(docs)
    doc = dict(summary.to_json(), shard=shard)
    texts = {"json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "text": summary.text()}
    for name, target in outputs.items():
        fsio.write_output(target, output_text(name, texts, summary, []), str(Path.cwd()))
    sys.stdout.write(texts[fmt])
    if summary.degraded:
        return EXIT_FAILURE
    return EXIT_BLOCK if fail_on_block and summary.blocked else EXIT_PASS
