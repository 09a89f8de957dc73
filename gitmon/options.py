"""Options shared by several commands, as decorators (pip-tools' `scripts/options.py`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from gitmon.change.selection import Selector
from gitmon.errors import UsageError
from gitmon.policy_schema import FILTERS
from gitmon.reports import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def selectors(func: F) -> F:
    """--staged, --worktree, --commit REV, --range BASE..HEAD: at most one of them.

    Each is its own parameter (not one shared `kind`), so two given together are an error
    naming both instead of the last one silently winning; the command still receives
    `kind`, `commit` and `range_`."""
    @functools.wraps(func)
    def checked(*args: Any, staged: bool, worktree: bool, commit: str | None,
                range_: str | None, **kwargs: Any) -> Any:
        given = [name for name, value in (("--staged", staged), ("--worktree", worktree),
                                          ("--commit", commit), ("--range", range_))
                 if value not in (None, False)]
        if len(given) > 1:
            raise UsageError(f"{' and '.join(given)} exclude each other: choose one",
                             hint="give one of --staged, --worktree, --commit REV, "
                                  "--range BASE..HEAD (--worktree is the default)")
        kind = "staged" if staged else "worktree"
        return func(*args, kind=kind, commit=commit, range_=range_, **kwargs)

    for decorator in reversed([
        click.option("--staged", is_flag=True,
                     help="Review the index: exactly what will be committed."),
        click.option("--worktree", is_flag=True,
                     help="Review the working tree against HEAD (default), untracked files too."),
        click.option("--commit", "commit", metavar="REV", help="Review one commit."),
        click.option("--range", "range_", metavar="BASE..HEAD",
                     help="Review a range from the merge-base, like a pull request."),
    ]):
        checked = decorator(checked)
    return cast(F, checked)


def make_selector(kind: str, commit: str | None, range_: str | None) -> Selector:
    if commit is not None and range_ is not None:
        raise UsageError("--commit and --range exclude each other: choose one",
                         hint="review one commit with --commit REV, or a range with --range")
    if commit is not None:
        return Selector("commit", _revision("--commit", commit, "REV, e.g. --commit HEAD"))
    if range_ is not None:
        return Selector("range", _revision("--range", range_,
                                           "BASE..HEAD, e.g. --range main..HEAD"))
    return Selector(kind or "worktree")


def _revision(option: str, value: str, example: str) -> str:
    # An empty revision must not fall back to the working tree: that reviews something else.
    if not value.strip():
        raise UsageError(f"{option} needs a revision, got an empty string",
                         hint=f"give {example}")
    return value


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


def _output_option(name: str, what: str, *aliases: str) -> Callable[[F], F]:
    return click.option(f"--{name}-output", *aliases, f"{name}_output", metavar="FILE",
                        help=f"Also write {what} to FILE.")


def output_options(func: F) -> F:
    """--json-output, --sarif-output, --markdown-output: the same on check, ci and audit."""
    for decorator in reversed([_output_option("json", "the JSON record"),
                               _output_option("sarif", "SARIF 2.1.0"),
                               _output_option("markdown", "Markdown")]):
        func = decorator(func)
    return func


def ci_output_options(func: F) -> F:
    """output_options with ci's older --sarif-file kept as an alias, and '' for no SARIF."""
    for decorator in reversed([
        _output_option("json", "the JSON record"),
        click.option("--sarif-output", "--sarif-file", "sarif_output", metavar="FILE",
                     help="Where to write SARIF 2.1.0 for code scanning ('' for none) "
                          "[default: $RUNNER_TEMP/gitmon.sarif, else gitmon.sarif]."),
        _output_option("markdown", "Markdown"),
    ]):
        func = decorator(func)
    return func


def outputs(json_output: str | None, sarif_output: str | None,
            markdown_output: str | None) -> dict[str, str]:
    """The output files by format, each checked before the review runs (exit 2 if unusable)."""
    pairs = {"json": json_output, "sarif": sarif_output, "markdown": markdown_output}
    chosen = {k: v for k, v in pairs.items() if v}
    for name, path in chosen.items():
        check_output(f"--{name}-output", path)
    return chosen


def check_output(option: str, path: str) -> None:
    """A file can be written there: not a folder, and no file in the way of its folders."""
    target = Path(path).absolute()
    if target.is_dir():
        raise UsageError(f"{option} {path} is a folder", hint=f"name a file, e.g. "
                         f"{option} {Path(path) / ('gitmon.' + option.split('-')[2])}")
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: {folder} is not a folder",
                         hint="name a file in a folder that exists or can be created")
