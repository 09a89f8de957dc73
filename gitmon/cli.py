"""The click command group. Each command parses its options, then calls commands/*."""

from __future__ import annotations

import click

from gitmon import __version__
from gitmon.options import (
    check_output,
    ci_output_options,
    fail_on_option,
    filter_option,
    format_option,
    make_selector,
    output_options,
    outputs,
    policy_option,
    record_option,
    selectors,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitmon")
def cli() -> None:
    """gitmon: route changes in watched areas to automated reviewers and gate them.

    \b
    Examples:
      gitmon check                  review the working tree against HEAD
      gitmon check --staged         what the pre-commit hook runs
      gitmon check --range main..HEAD --format sarif
      gitmon route --commit HEAD    which reviewer gets which file
    """


@cli.command()
@selectors
@policy_option
@format_option
@output_options
@fail_on_option
@filter_option
@record_option
@click.option("--source", default="check", show_default=True,
              help="Who ran this review, kept in the record (pre-commit, ci, daemon, ...).")
@click.option("--no-cache", is_flag=True, help="Scan everything again; ignore the review cache.")
def check(kind: str, commit: str | None, range_: str | None, policy_path: str | None, fmt: str,
          json_output: str | None, sarif_output: str | None, markdown_output: str | None,
          fail_on: str | None, diff_filter: str | None, no_record: bool, source: str,
          no_cache: bool) -> int:
    """Review a change and gate it (exit 0 pass, 1 block, 2 usage, 3 could not finish).

    \b
    Examples:
      gitmon check --staged
      gitmon check --commit HEAD --format json
      gitmon check --range origin/main..HEAD --sarif-output gitmon.sarif
    """
    from gitmon.commands import check as command

    return command.run(selector=make_selector(kind, commit, range_), policy_path=policy_path,
                       fmt=fmt, outputs=outputs(json_output, sarif_output, markdown_output),
                       fail_on=fail_on, diff_filter=diff_filter, record=not no_record,
                       source=source, use_cache=not no_cache)


@cli.command()
@selectors
@policy_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def route(kind: str, commit: str | None, range_: str | None, policy_path: str | None,
          as_json: bool) -> int:
    """Print the routing plan (area -> reviewers -> files); runs no rule.

    \b
    Example:
      gitmon route --range main..HEAD
    """
    from gitmon.commands import route as command

    return command.run(selector=make_selector(kind, commit, range_), policy_path=policy_path,
                       as_json=as_json)


def _ci_formats() -> list[str]:
    from gitmon.reports import FORMATS

    return list(FORMATS)


_shard_option = click.option(
    "--shard", metavar="I/N",
    help="Review only shard I of N (CI's matrix); `gitmon merge` folds the shards' records.")


@cli.command()
@click.option("--base", metavar="REV", help="Base of the change (default: from the GitHub event).")
@click.option("--head", metavar="REV", help="Head of the change (default: from the GitHub event).")
@policy_option
@click.option("--format", "fmt", type=click.Choice(_ci_formats()),
              help="What to print on stdout [default: github on GitHub Actions, else text].")
@ci_output_options
@fail_on_option
@filter_option
@record_option
@_shard_option
def ci(base: str | None, head: str | None, policy_path: str | None, fmt: str | None,
       json_output: str | None, sarif_output: str | None, markdown_output: str | None,
       fail_on: str | None, diff_filter: str | None, no_record: bool, shard: str | None) -> int:
    """Review a pull request, push or merge group in CI, with the base commit's policy and rules.

    Base and head come from the GitHub event ($GITHUB_EVENT_NAME and $GITHUB_EVENT_PATH)
    unless given. On a runner the SARIF file and the record go under $RUNNER_TEMP, not
    into the checkout. On GitHub it also writes annotations, the job summary
    ($GITHUB_STEP_SUMMARY) and the step outputs ($GITHUB_OUTPUT): verdict, findings,
    record, sarif.

    \b
    Examples:
      gitmon ci                                   inside GitHub Actions
      gitmon ci --base origin/main --head HEAD    any other CI
      gitmon ci --sarif-output out/gitmon.sarif --json-output out/record.json
      gitmon ci --shard 2/3 --json-output shard-2.json   one job of a matrix of three
    """
    from gitmon.ci import shard as shards
    from gitmon.commands import ci as command

    if sarif_output:
        check_output("--sarif-output", sarif_output)
    return command.run(base=base, head=head, policy_path=policy_path, fmt=fmt,
                       sarif_file=sarif_output, outputs=outputs(json_output, None, markdown_output),
                       fail_on=fail_on, diff_filter=diff_filter, record=not no_record,
                       shard=shards.parse(shard) if shard is not None else None)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="RECORD...")
@click.option("--format", "fmt", type=click.Choice(_ci_formats()),
              help="What to print on stdout [default: github on GitHub Actions, else text; "
                   "text or json for audits].")
@output_options
@click.option("--fail-on-block", is_flag=True, help="Audits: exit 1 when any commit blocks.")
def merge(paths: tuple[str, ...], fmt: str | None, json_output: str | None,
          sarif_output: str | None, markdown_output: str | None, fail_on_block: bool) -> int:
    """Fold the records of CI's shards (`ci --shard I/N`) into one verdict and report.

    RECORD is a JSON record, or a folder searched for them (each artifact of a matrix
    in its own subfolder is fine). The shards must be of one change, each given once;
    a missing shard leaves the verdict pending (exit 3). Summaries of `audit --shard`
    are merged the same way into the summary of the range.

    \b
    Examples:
      gitmon merge records/ --sarif-output gitmon.sarif
      gitmon merge shard-1.json shard-2.json shard-3.json --format json
      gitmon merge audits/ --format json
    """
    from gitmon.commands import merge as command

    return command.run(paths=paths, fmt=fmt,
                       outputs=outputs(json_output, sarif_output, markdown_output),
                       fail_on_block=fail_on_block)


_remote_option = click.option("--remote", default="origin", show_default=True, metavar="NAME",
                              help="The remote whose refs/notes/gitmon is exchanged.")


@cli.command()
@click.argument("rev", required=False, metavar="[REV]")
@policy_option
@click.option("--json", "as_json", is_flag=True, help="Print the board as JSON.")
@click.option("--fetch", is_flag=True,
              help="First fetch refs/notes/gitmon from the remote (CI's verdicts) and merge it.")
@_remote_option
@click.option("--quiet", is_flag=True, hidden=True,
              help="Only tie HEAD to the review of its index (the post-commit hook).")
def status(rev: str | None, policy_path: str | None, as_json: bool, fetch: bool, remote: str,
           quiet: bool) -> int:
    """The coordination board: the latest verdict per area and reviewer.

    With REV, the board of that commit: its notes (refs/notes/gitmon) and the ledger.

    \b
    Examples:
      gitmon status --json
      gitmon status HEAD~1
      gitmon status --fetch          CI's verdicts beside the local ones
    """
    from gitmon.commands import status as command

    return command.run(as_json=as_json, policy_path=policy_path, rev=rev, fetch=fetch,
                       remote=remote, quiet=quiet)


@cli.command()
@click.option("--since", metavar="DATE", help="Only reviews from DATE on (2026-01-31, a UTC time, or 7d).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]),
              default="text", show_default=True, help="Output format.")
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout.")
@policy_option
def report(since: str | None, fmt: str, output: str | None, policy_path: str | None) -> int:
    """The coordination summary of a period, from the ledger and refs/notes/gitmon.

    \b
    Examples:
      gitmon report --since 7d
      gitmon report --format html --output board.html
    """
    from gitmon.commands import report as command

    return command.run(since=since, fmt=fmt, output=output, policy_path=policy_path)


@cli.group()
def notes() -> None:
    """Exchange the verdicts on commits (refs/notes/gitmon) with a remote."""


@notes.command("fetch")
@_remote_option
def notes_fetch(remote: str) -> int:
    """Fetch the remote's notes and merge them into ours (cat_sort_uniq)."""
    from gitmon import gitio
    from gitmon.notes import sync as notes_sync

    if not notes_sync.fetch(gitio.toplevel("."), remote):
        click.echo(f"{remote} has no refs/notes/gitmon yet")
    return 0


@notes.command("push")
@_remote_option
def notes_push(remote: str) -> int:
    """Merge the remote's notes into ours, then push ours (retried when another push won)."""
    from gitmon import gitio
    from gitmon.notes import sync as notes_sync

    notes_sync.push(gitio.toplevel("."), remote)
    click.echo(f"refs/notes/gitmon pushed to {remote}")
    return 0


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing gitmon.yml.")
def init(force: bool) -> int:
    """Write the default policy to gitmon.yml, commented for editing.

    \b
    Example:
      gitmon init && gitmon route
    """
    from gitmon.commands import init as command

    return command.run(force=force)


@cli.group()
def rules() -> None:
    """The active rules per reviewer, and their fixtures."""


@rules.command("list")
@policy_option
def rules_list(policy_path: str | None) -> int:
    """List each reviewer's rules and built-in checks."""
    from gitmon.commands import rules as command

    return command.list_rules(policy_path=policy_path)


@rules.command("test")
@policy_option
@click.option("--no-builtin", is_flag=True,
              help="Test only the policy's own rule files, not the packs gitmon ships.")
def rules_test(policy_path: str | None, no_builtin: bool) -> int:
    """Run the rule packs' semgrep test fixtures.

    \b
    Examples:
      gitmon rules test                 the shipped packs and your own rule folders
      gitmon rules test --no-builtin    only your own (the shipped ones are tested upstream)
    """
    from gitmon.commands import rules as command

    return command.test_rules(policy_path=policy_path, builtin=not no_builtin)


@cli.command()
@click.argument("spec", metavar="[RANGE]", default="HEAD")
@click.option("--max-count", "-n", type=int, metavar="N", help="Only the newest N commits of RANGE.")
@policy_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the summary.")
@output_options
@fail_on_option
@filter_option
@record_option
@click.option("--fail-on-block", is_flag=True, help="Exit 1 when any commit blocks.")
@click.option("--shard", metavar="I/N",
              help="Audit only shard I of N of the commits (CI's matrix); `gitmon merge` "
                   "folds the shards' --json-output summaries.")
def audit(spec: str, max_count: int | None, policy_path: str | None, fmt: str,
          json_output: str | None, sarif_output: str | None, markdown_output: str | None,
          fail_on: str | None, diff_filter: str | None, no_record: bool,
          fail_on_block: bool, shard: str | None) -> int:
    """Review each commit of RANGE (default: all of HEAD's history), one record each.

    Commits are reviewed oldest first, each against its first parent (a merge too),
    with today's policy. Exit 0 even when commits block (it is a report) unless
    --fail-on-block; 2 for a bad range; 3 if the engine degraded.

    \b
    Examples:
      gitmon audit                          every commit of HEAD
      gitmon audit origin/main..HEAD        the commits of a branch
      gitmon audit -n 50 --format json      the last 50 commits, summary as JSON
      gitmon audit --sarif-output audit.sarif   every counting finding, for code scanning
      gitmon audit --shard 1/4 --json-output audit-1.json   a quarter of the commits
    """
    from gitmon.ci import shard as shards
    from gitmon.commands import audit as command

    return command.run(spec=spec, policy_path=policy_path, max_count=max_count, fmt=fmt,
                       outputs=outputs(json_output, sarif_output, markdown_output),
                       fail_on=fail_on, diff_filter=diff_filter, record=not no_record,
                       fail_on_block=fail_on_block,
                       shard=shards.parse(shard) if shard is not None else None)


@cli.command()
@policy_option
@click.option("--rev", default="HEAD", show_default=True, metavar="REV",
              help="Accept the findings of the watched files as they are at this commit.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if entries accept findings that no longer exist.")
def baseline(policy_path: str | None, rev: str, check_only: bool) -> int:
    """Accept the current findings of the watched areas in the baseline file.

    Every tracked file under a watched area is reviewed whole; the fingerprints of its
    findings (rule + path + hash of the code, no line numbers, no code) are written,
    sorted, to settings.baseline (.gitmon-baseline.json): commit it and review it.
    Baselined findings are reported but no longer block.

    \b
    Examples:
      gitmon baseline && git add .gitmon-baseline.json
      gitmon baseline --check
    """
    from gitmon.commands import baseline as command

    return command.run(policy_path=policy_path, rev=rev, check_only=check_only)


@cli.group()
def hook() -> None:
    """Native git hooks: `check --staged` before each commit, the pushed range before a push."""


_hook_type_option = click.option(
    "--type", "hook_types", type=click.Choice(["pre-commit", "pre-push", "post-commit"]), multiple=True,
    default=("pre-commit",), show_default=True, help="Which hook (repeat for both).")


@hook.command("install")
@_hook_type_option
@click.option("--force", is_flag=True,
              help="Replace a foreign hook without keeping it (default: keep it as <hook>.legacy).")
def hook_install(hook_types: tuple[str, ...], force: bool) -> int:
    """Install gitmon's hook where git looks for hooks (core.hooksPath is honoured).

    A hook that is already there is moved to <hook>.legacy and still runs first.

    \b
    Examples:
      gitmon hook install
      gitmon hook install --type pre-commit --type pre-push
    """
    from gitmon.commands import hook as command

    return command.install(hook_types=hook_types, force=force)


@hook.command("uninstall")
@_hook_type_option
def hook_uninstall(hook_types: tuple[str, ...]) -> int:
    """Remove gitmon's hook and put back the hook it replaced.

    \b
    Example:
      gitmon hook uninstall --type pre-push
    """
    from gitmon.commands import hook as command

    return command.uninstall(hook_types=hook_types)


@hook.command("pre-push", hidden=True)
@click.argument("remote", default="origin")
@click.argument("url", required=False)
def hook_pre_push(remote: str, url: str | None) -> int:
    """What the pre-push hook runs: review the pushed refs git passes on stdin."""
    from gitmon.commands import hook as command

    return command.pre_push(remote=remote)


@cli.command()
@policy_option
@click.option("--debounce", type=click.FloatRange(min=0), default=0.5, show_default=True,
              metavar="SECONDS", help="Quiet time after the last change before reviewing.")
@click.option("--once", is_flag=True, help="Review the current state once and exit.")
@click.option("--stop", is_flag=True, help="Stop the daemon watching this repository.")
@click.option("--notify", "notify_cmd", metavar="CMD",
              help="Also run CMD with each verdict line as its last argument.")
@click.option("--breaker-threshold", type=click.IntRange(min=1), default=3, show_default=True,
              help="Consecutive engine failures before reviews go on without semgrep.")
@click.option("--breaker-cooldown", type=click.FloatRange(min=0), default=60.0,
              show_default=True, metavar="SECONDS",
              help="How long the engine rests before it is tried again.")
def watch(policy_path: str | None, debounce: float, once: bool, stop: bool,
          notify_cmd: str | None, breaker_threshold: int, breaker_cooldown: float) -> int:
    """Watch the repository: review each save in a watched area and each new commit.

    \b
    Examples:
      gitmon watch                       run in a terminal beside the editor
      gitmon watch --notify notify-send  a desktop notification per verdict
      gitmon watch --once                review the working tree now, then exit
      gitmon watch --stop                end the daemon of this repository
    """
    from gitmon.commands import watch as command

    return command.run(policy_path=policy_path, debounce=debounce, once=once, stop=stop,
                       notify=notify_cmd, breaker_threshold=breaker_threshold,
                       breaker_cooldown=breaker_cooldown)
