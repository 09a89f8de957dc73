"""Checks a policy's gitignore-style path pattern up front, so a bad one is named at load.

pathspec compiles some patterns that git would read differently or that can never match:
`[z-a]` fails only when the regex is compiled, `[a` silently matches nothing, `[[:alpha:]]`
is read as a literal, `***` is three single stars. Each is refused here with the reason.
"""

from __future__ import annotations

import re
import warnings

import pathspec

_STARS = re.compile(r"(?<!\\)\*{3,}")
_POSIX_CLASS = re.compile(r"\[\[?[:.=]")


def problem(pattern: str) -> str | None:
    """Why pattern is not a usable gitignore-style glob; None when it is."""
    text = pattern[1:] if pattern.startswith("!") else pattern
    if not text.strip():
        return "empty path pattern"
    if text.startswith("#"):
        return "a leading `#` makes the pattern a comment that matches nothing (write `\\#`)"
    if _STARS.search(text):
        return "three or more `*` in a row mean nothing more than `*` (use `*` or `**/`)"
    if _POSIX_CLASS.search(text):
        return "character classes like `[[:alpha:]]` are not supported (list the characters)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # re's FutureWarning on `[[`: refused above
            spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    except re.error as exc:   # e.g. the range of `[z-a]` runs backwards
        return f"a character set in it is invalid ({exc.msg})"
    except (ValueError, TypeError) as exc:
        return str(exc)
    if any(p.regex is None for p in spec.patterns):
        return "an unclosed or empty `[...]` makes the pattern match nothing"
    return None
