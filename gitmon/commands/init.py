"""`gitmon init`: write the built-in default policy to gitmon.yml."""

from __future__ import annotations

import click

from gitmon import gitio
from gitmon.errors import UsageError
from gitmon.policy import POLICY_FILE, default_policy_text


def run(*, cwd: str = ".", force: bool = False) -> int:
    root = gitio.toplevel(cwd)
    target = root / POLICY_FILE
    if target.exists() and not force:
        raise UsageError(f"{target} already exists",
                         hint="edit it, or pass --force to overwrite it with the default")
    target.write_text(default_policy_text(), encoding="utf-8")
    click.echo(f"wrote {target}: the default policy. Edit the areas and reviewers, then "
               "`gitmon route` shows what a change would be routed to.")
    return 0
