"""`gitmon check`: review a change, gate it, write the record and the reports."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from gitmon import fsio, gitdir, gitio
from gitmon.change.selection import ChangeSource, Selector
from gitmon.daemon import client
from gitmon.pipeline import Pipeline
from gitmon.policy import Policy
from gitmon.reports import renderer
from gitmon.review import EngineLink, Options, Part, Review, load_baseline
from gitmon.rulecheck import load_policy
from gitmon.rulesets import Reader, disk_reader

if TYPE_CHECKING:
    from gitmon.hook.prelaunch import Prelaunch
    from gitmon.record import Record


def run(*, selector: Selector, cwd: str = ".", policy_path: str | None = None,
        fmt: str = "text", outputs: Mapping[str, str] | None = None,
        fail_on: str | None = None, diff_filter: str | None = None, record: bool = True,
        source: str = "check", use_cache: bool = True,
        prelaunched: Prelaunch | None = None) -> int:
    root = gitio.toplevel(cwd)
    policy = load_policy(root, policy_path)
    result, data = execute(root=root, policy=policy, reader=disk_reader(root), selector=selector,
                           fail_on=fail_on, diff_filter=diff_filter, record=record,
                           source=source, use_cache=use_cache, prelaunched=prelaunched)
    emit(data, fmt, outputs or {}, root)
    return result.verdict.exit_code


def execute(*, root: Path, policy: Policy, reader: Reader, selector: ChangeSource,
            fail_on: str | None, diff_filter: str | None, record: bool, source: str,
            use_cache: bool = True, baseline: frozenset[str] | None = None,
            prelaunched: Prelaunch | None = None, state: Path | None = None,
            part: Part | None = None, daemon: EngineLink | None = None,
            engine_off: str | None = None) -> tuple[Review, Record]:
    """The selected change through the pipeline; shared by check, the hooks and ci.

    `baseline` replaces the baseline file on disk (ci reads it from the base commit);
    `prelaunched` is the hook's early semgrep job (see `gitmon.hook.prelaunch`); `state`
    replaces settings.records as the folder of records and cache (ci's $RUNNER_TEMP);
    `part`: one shard of CI's matrix (`gitmon.ci.shard`); `daemon` and `engine_off`: the
    daemon reviewing for the hook from what it reviewed (`gitmon.daemon.staged`).
    """
    flow = Pipeline(root, policy, reader=reader, state=state, write=record)
    if baseline is None:
        baseline = load_baseline(root, policy)
    options = Options(source=source, filter=diff_filter, fail_on=fail_on, use_cache=use_cache,
                      baseline=baseline, prelaunched=prelaunched,
                      daemon=daemon or _daemon(root, policy, selector, use_cache),
                      engine_off=engine_off, part=part)
    # a shard's verdict is not the commit's: no note on it (`gitmon merge` has the verdict)
    outcome = flow.record(flow.review(selector.change(root), options), note=part is None)
    return outcome.review, outcome.record


def _daemon(root: Path, policy: Policy, selector: ChangeSource,
            use_cache: bool) -> client.Link | None:
    """A running daemon may answer for staged content it already reviewed (as the cache
    would: --no-cache asks it nothing). No daemon socket, no link: the hook's review
    then computes no blob ids and no policy digest for nobody to ask."""
    if selector.kind != "staged" or not use_cache:
        return None
    git_dir = gitdir.git_dir(str(root)) or str(gitio.git_dir(root))   # no git process, usually
    if not client.is_own_socket(client.socket_path(git_dir)):
        return None
    return client.Link(git_dir, client.policy_digest(policy.text))


def emit(data: Record, fmt: str, outputs: Mapping[str, str],
         root: Path | None = None) -> None:
    """Print the chosen format and write the --*-output files."""
    write_outputs(data, outputs, root or Path.cwd())
    sys.stdout.write(renderer(fmt)(data))
    sys.stdout.flush()


def write_outputs(data: Record, outputs: Mapping[str, str], root: Path) -> None:
    """Each format to its file, none through a link (see `fsio.write_output`)."""
    for name, target in outputs.items():
        fsio.write_output(target, renderer(name)(data), str(root))
