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
        from gitmon import fastpath

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
        return 2
    return int(result or 0)


def _handle(exc: Exception) -> int:
    import tempfile  # imported here, not at the top: the hook's fast path never needs them
    import traceback

    from gitmon.errors import FatalError

    if isinstance(exc, FatalError):
        sys.stderr.write(f"gitmon: error: {exc}\n")
        return exc.exit_code
    log = os.path.join(tempfile.gettempdir(), "gitmon-crash.log")
    try:
        with open(log, "w", encoding="utf-8") as fh:
            traceback.print_exception(exc, file=fh)
    except OSError:
        log = "(could not write the log)"
    sys.stderr.write(f"gitmon: internal error: {type(exc).__name__}: {exc}\n"
                     f"  hint: this is a bug in gitmon; please report it with the log {log}\n")
    return 3
