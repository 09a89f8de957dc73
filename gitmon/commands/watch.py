"""`gitmon watch`: the daemon, `--once` for one review of the current state,
`--stop` to end the daemon watching this repository."""

from __future__ import annotations

from pathlib import Path

import click

from gitmon import gitio, records
from gitmon.errors import UsageError
from gitmon.rulecheck import load_policy


def run(*, cwd: str = ".", policy_path: str | None = None, debounce: float = 0.5,
        once: bool = False, stop: bool = False, notify: str | None = None,
        breaker_threshold: int = 3, breaker_cooldown: float = 60.0) -> int:
    if once and stop:
        raise UsageError("--once and --stop exclude each other",
                         hint="`gitmon watch --once` reviews now; `--stop` ends the daemon")
    root = gitio.toplevel(cwd)
    gitio.optional_locks(False)   # never take a lock the user's own git is waiting for
    if stop:
        return _stop(root, policy_path)
    if once:
        return _once(root, policy_path, notify)
    from gitmon.daemon.service import Config, Service

    return Service(Config(root, policy_path, debounce, notify, breaker_threshold,
                          breaker_cooldown)).run()


def _once(root: Path, policy_path: str | None, notify: str | None) -> int:
    from gitmon.daemon import notify as notify_mod
    from gitmon.daemon.breaker import Breaker
    from gitmon.daemon.loop import Loop
    from gitmon.pipeline import WriteGuard

    loop = Loop(root, policy_path, Breaker(), WriteGuard(), notify_mod.Notifier(notify), None)
    outcome = loop.initial()
    data = outcome.record
    click.echo(f"gitmon watch --once: {str(data['verdict']).upper()} - working tree, "
               f"{len(data['findings'])} finding(s), {data.get('record_path')}")
    return outcome.review.verdict.exit_code


def _stop(root: Path, policy_path: str | None) -> int:
    from gitmon.daemon.lock import LOCK_FILE, stop

    base = records.records_dir(root, load_policy(root, policy_path).settings.records)
    pid = stop(base / LOCK_FILE)
    if pid is None:
        click.echo("gitmon watch: no daemon is watching this repository")
    else:
        click.echo(f"gitmon watch: stopped the daemon (pid {pid})")
    return 0
