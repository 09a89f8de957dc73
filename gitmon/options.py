"""Options shared by several commands, as decorators (pip-tools' `scripts/options.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from gitmon.policy import FILTERS
from gitmon.reports import FORMATS
from gitmon.selection import Selector

F = TypeVar("F", bound=Callable[..., Any])


def selectors(func: F) -> F:
    for decorator in reversed([
        click.option("--staged", "kind", flag_value="staged",
                     help="Review the index: exactly what will be committed."),
        click.option("--worktree", "kind", flag_value="worktree", default=True,
                     help="Review the working tree against HEAD (default), untracked files too."),
        click.option("--commit", "commit", metavar="REV", help="Review one commit."),
        click.option("--range", "range_", metavar="BASE..HEAD",
                     help="Review a range from the merge-base, like a pull request."),
    ]):
        func = decorator(func)
    return func


def make_selector(kind: str, commit: str | None, range_: str | None) -> Selector:
    if commit and range_:
        raise click.UsageError("--commit and --range exclude each other: choose one")
    if commit:
        return Selector("commit", commit)
    if range_:
        return Selector("range", range_)
    return Selector(kind or "worktree")


policy_option = click.option(
    "--policy", "policy_path", metavar="PATH", type=click.Path(dir_okay=False),
    help="Policy file to use instead of gitmon.yml (or the built-in default).")
format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="What to print on stdout.")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
    help="Override every reviewer's block_on.")
filter_option = click.option(
    "--filter", "diff_filter", type=click.Choice(FILTERS),
    help="Which findings count: on added lines (default), in the hunk, or anywhere in the file.")
record_option = click.option("--no-record", is_flag=True, help="Write no status record.")


def output_options(func: F) -> F:
    for decorator in reversed([
        click.option("--json-output", metavar="FILE", help="Also write the JSON record here."),
        click.option("--sarif-output", metavar="FILE", help="Also write SARIF 2.1.0 here."),
        click.option("--markdown-output", metavar="FILE", help="Also write Markdown here."),
    ]):
        func = decorator(func)
    return func


def outputs(json_output: str | None, sarif_output: str | None,
            markdown_output: str | None) -> dict[str, str]:
    pairs = {"json": json_output, "sarif": sarif_output, "markdown": markdown_output}
    return {k: v for k, v in pairs.items() if v}
