"""One semgrep process per run, over a temp tree holding the routed files' content.

Content always comes from the change (git blobs or the files on disk), written to a
temp tree, so `--staged` scans exactly what will be committed. The fastest entry
(`--experimental`) is tried first and the plain `semgrep scan` is the fallback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmon.rulesets import Rule

BASE_ARGS = ("--metrics=off", "--disable-version-check", "--json", "--no-git-ignore",
             "--disable-nosem", "--max-target-bytes=0", "--quiet")


@dataclass(frozen=True)
class Match:
    rule: str
    line: int
    end_line: int
    column: int
    end_column: int
    severity: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class EngineRun:
    matches: dict[str, list[Match]] = field(default_factory=dict)   # path -> matches
    failure: str | None = None                                      # why it degraded
    notes: dict[str, str] = field(default_factory=dict)             # path -> engine problem
    entry: str = ""


def find_executable(configured: str | None) -> str | None:
    """GITMON_SEMGREP, then settings.semgrep, then the semgrep installed beside gitmon, then PATH."""
    name = os.environ.get("GITMON_SEMGREP") or configured
    if name is None:
        beside = Path(sys.executable).parent / "semgrep"
        if os.access(beside, os.X_OK):
            return str(beside)
        name = "semgrep"
    if os.sep in name:
        return name if os.access(name, os.X_OK) else None
    return shutil.which(name)


def run_semgrep(executable: str | None, rules: list[Rule], config_text: str,
                contents: Mapping[str, bytes], timeout: float,
                entries: tuple[tuple[str, ...], ...] = (("--experimental",), ())) -> EngineRun:
    """Scan contents (repo path -> bytes) with rules; never raises for engine trouble."""
    if not contents or not rules:
        return EngineRun()
    if executable is None:
        return EngineRun(failure="semgrep was not found: install it (`pip install semgrep`) "
                                 "or name it in settings.semgrep / GITMON_SEMGREP")
    with tempfile.TemporaryDirectory(prefix="gitmon-") as tmp:
        src = Path(tmp, "src")
        names = _write_tree(src, contents)
        (src / ".semgrepignore").write_text("")
        config = Path(tmp, "rules.yaml")
        config.write_text(config_text, encoding="utf-8")
        failure = "semgrep did not run"
        for entry in entries:
            outcome = _invoke(executable, entry, config, src, timeout)
            if isinstance(outcome, str):
                failure = outcome
                continue
            run = _collect(outcome, names, {r.id for r in rules})
            run.entry = " ".join(("semgrep scan", *entry))
            return run
        return EngineRun(failure=failure)


def _write_tree(src: Path, contents: Mapping[str, bytes]) -> dict[str, str]:
    """Write each file under a safe relative name; return temp name -> repo path."""
    names: dict[str, str] = {}
    for i, (path, data) in enumerate(sorted(contents.items())):
        suffix = Path(path).suffix if _safe(Path(path).suffix) else ""
        rel = path if _safe(path) else f"_gitmon_{i}/file{suffix}"
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        names[rel] = path
    return names


def _safe(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    parts = path.split("/")
    return (path.isprintable() and not path.startswith("/") and ".." not in parts
            and "" not in parts and not any(p.startswith(".semgrep") for p in parts))


def _invoke(executable: str, entry: tuple[str, ...], config: Path, src: Path,
            timeout: float) -> dict[str, Any] | str:
    cmd = [executable, "scan", *entry, *BASE_ARGS, "--config", str(config), "."]
    env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
    try:
        proc = subprocess.run(cmd, cwd=src, capture_output=True, timeout=timeout, env=env,
                              check=False)
    except subprocess.TimeoutExpired:
        return f"semgrep timed out after {timeout:g}s (settings.semgrep_timeout)"
    except OSError as exc:
        return f"semgrep could not be started: {exc.strerror}"
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return f"semgrep crashed (exit {proc.returncode}): {' / '.join(tail) or 'no output'}"
    if not isinstance(data, dict) or "results" not in data:
        return f"semgrep gave unexpected output (exit {proc.returncode})"
    fatal = [e for e in data.get("errors", []) if e.get("level") == "error" and not e.get("path")]
    if fatal or proc.returncode not in (0, 1):
        message = (fatal[0].get("message") if fatal else None) or f"exit {proc.returncode}"
        return f"semgrep failed: {str(message).strip()[:300]}"
    return data


def _collect(data: dict[str, Any], names: Mapping[str, str], ids: set[str]) -> EngineRun:
    run = EngineRun()
    for result in data.get("results", []):
        path = names.get(_rel(result.get("path", "")))
        if path is None:
            continue
        extra = result.get("extra", {})
        run.matches.setdefault(path, []).append(Match(
            rule=_rule_id(result["check_id"], ids), line=result["start"]["line"],
            end_line=result["end"]["line"], column=result["start"].get("col", 1),
            end_column=result["end"].get("col", 1), severity=extra.get("severity", "WARNING"),
            message=extra.get("message", ""),
        ))
    for error in data.get("errors", []):
        path = names.get(_rel(error.get("path", "") or ""))
        if path is not None:
            kind = error.get("type", "error")
            kind = kind[0] if isinstance(kind, list) and kind else kind
            run.notes[path] = f"semgrep: {kind}"
    return run


def _rule_id(check_id: str, ids: set[str]) -> str:
    """Plain `semgrep scan` prefixes ids with the config's folder; undo that."""
    if check_id in ids:
        return check_id
    return next((i for i in ids if check_id.endswith("." + i)), check_id)


def _rel(path: str) -> str:
    return path[2:] if path.startswith("./") else path
