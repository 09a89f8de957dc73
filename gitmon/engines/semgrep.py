"""One semgrep process per run, over a temp tree holding the routed files' content.

Content always comes from the change (git blobs or the files on disk), written to a
temp tree, so `--staged` scans exactly what will be committed. The fastest entry
(`--experimental`) is tried first and the plain `semgrep scan` is the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

# the job itself lives in a light module (the hook starts it early); re-exported here
from gitmon.engines.job import BASE_ARGS, ENTRIES, SemgrepJob, find_executable
from gitmon.engines.output import EngineRun, Match

if TYPE_CHECKING:
    from gitmon.rulesets import Rule

__all__ = ["BASE_ARGS", "ENTRIES", "EngineRun", "Match", "SemgrepJob", "find_executable",
           "run_semgrep"]


def run_semgrep(executable: str | None, rules: list[Rule], config_text: str,
                contents: Mapping[str, bytes], timeout: float,
                entries: tuple[tuple[str, ...], ...] = ENTRIES) -> EngineRun:
    """Scan contents (repo path -> bytes) with rules; never raises for engine trouble."""
    return SemgrepJob(executable, rules, config_text, contents, timeout, entries).wait()
