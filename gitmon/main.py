"""Entry point: the hook's fast path first, then the click CLI, behind one error handler.

Nothing heavy is imported before we know it is needed: a commit that touches no
watched area is answered without click, GitPython, jinja2, watchdog or semgrep.
"""

from __future__ import annotations

import os
import sys


def entry() -> int:
    """The console script and `python -m gitmon`: main(), then a quick interpreter exit."""
    code = main()
    # Objects that live to the end need no final collection: the hook is measured in ms.
    import gc

    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from gitmon.hook import fastpath

        code = fastpath.try_fast(args)
        if code is not None:
            return code
        return _run_cli(args)
    except KeyboardInterrupt:
        sys.stderr.write("gitmon: interrupted\n")
        return 130
    except Exception as exc:  # the error handler of last resort
        return _handle(exc)


def _run_cli(args: list[str]) -> int:
    import click

    from gitmon.cli import cli

    try:
        result = cli.main(args=args, prog_name="gitmon", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        sys.stderr.write("gitmon: aborted\n")
        return 130
    except click.ClickException as exc:
        exc.show()
        sys.stderr.write(f"  hint: {_usage_hint(exc)}\n")
        return 2
    return int(result or 0)


def _usage_hint(exc: Exception) -> str:
    """What to run next: the help of the command the bad argument was given to."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "gitmon"
    return f"run `{command} --help` to see its options and arguments"


def _handle(exc: Exception) -> int:
    import traceback  # imported here, not at the top: the hook's fast path never needs it

    from gitmon.errors import FatalError

    if isinstance(exc, FatalError):
        sys.stderr.write(f"gitmon: error: {exc}\n")
        return exc.exit_code
    try:
        fd, log = _crash_log()
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            traceback.print_exception(exc, file=fh)
    except OSError:
        log = "(could not write the log)"
    sys.stderr.write(f"gitmon: internal error: {type(exc).__name__}: {exc}\n"
                     f"  hint: this is a bug in gitmon; please report it with the log {log}\n")
    return 3


def _crash_log() -> tuple[int, str]:
    """`<git dir>/gitmon/crash.log`, or a fresh private file outside a repository.

    Never one fixed name in the shared temp folder: another user could plant a link there."""
    import tempfile
    from pathlib import Path

    from gitmon import gitio
    from gitmon.errors import GitError

    try:
        folder = os.path.join(gitio.git_dir(Path(".")), "gitmon")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "crash.log")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        return os.open(path, flags, 0o600), path
    except (OSError, GitError):
        return tempfile.mkstemp(prefix="gitmon-crash-", suffix=".log")
