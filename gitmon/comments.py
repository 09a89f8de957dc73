"""Where the comments are: a small lexer that finds the comment text of each line.

A suppression marker counts only in a comment; a marker in a string (the logged text
itself, or a string on the line above) is not one. Strings are skipped by the language's
own delimiters (`languages.comment_syntax`), so a `#` or `//` inside one starts no comment.
"""

from __future__ import annotations

import functools
import re

from gitmon.languages import Syntax

Spans = dict[int, list[tuple[int, int]]]     # line number -> (start, end) columns of comments


def comment_spans(text: str, syntax: Syntax) -> Spans:
    """The comment columns of every line (1-based line numbers, 0-based columns)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out: Spans = {}
    for start, end in _spans(text, syntax):
        _add(out, starts, text, start, end)
    return out


def comments_of(line: str, spans: list[tuple[int, int]]) -> str:
    return "  ".join(line[a:b] for a, b in spans)


def outside(line: str, spans: list[tuple[int, int]]) -> str:
    """The line with its comments blanked out: code and strings only."""
    for a, b in spans:
        line = line[:a] + " " * (b - a) + line[b:]
    return line


def _spans(text: str, syntax: Syntax) -> list[tuple[int, int]]:
    lines, blocks, strings, spaced = syntax
    tokens = _tokens(syntax)
    opens = dict(blocks)
    quotes = {s[0]: s for s in strings}
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := tokens.search(text, pos)) is not None:
        token, start = m.group(), m.start()
        if spaced and not _may_start(text, start, token in quotes):
            pos = start + 1
        elif token in lines:
            end = _find(text, "\n", m.end())
            spans.append((m.end(), end))
            pos = end
        elif token in opens:
            end = _find(text, opens[token], m.end())
            spans.append((m.end(), end))
            pos = end + len(opens[token])
        else:
            pos = _string_end(text, m.end(), *quotes[token][1:])
    return spans


@functools.lru_cache(maxsize=32)
def _tokens(syntax: Syntax) -> re.Pattern[str]:
    lines, blocks, strings, _ = syntax
    every = [*lines, *(b[0] for b in blocks), *(s[0] for s in strings)]
    # longest first: `"""` before `"`, `{{- /*` before `{{`
    return re.compile("|".join(re.escape(t) for t in sorted(every, key=len, reverse=True))
                      or r"(?!)")


def _may_start(text: str, at: int, quote: bool) -> bool:
    if at == 0 or text[at - 1] in " \t\r\n":
        return True
    return quote and text[at - 1] in ":[{(,=-"


def _find(text: str, what: str, at: int) -> int:
    end = text.find(what, at)
    return len(text) if end < 0 else end


@functools.lru_cache(maxsize=32)
def _stops(close: str, escapes: bool, multiline: bool) -> re.Pattern[str]:
    parts = [re.escape(close)] + ([r"\\."] if escapes else []) + ([] if multiline else ["\n"])
    return re.compile("|".join(parts), re.DOTALL)


def _string_end(text: str, at: int, close: str, escapes: bool, multiline: bool) -> int:
    stops = _stops(close, escapes, multiline)
    while (m := stops.search(text, at)) is not None:
        if m.group() == close:
            return m.end()
        if m.group() == "\n":            # an unclosed one-line string ends with its line
            return m.start()
        at = m.end()
    return len(text)


def _add(out: Spans, starts: list[int], text: str, start: int, end: int) -> None:
    """Split one comment (which may span lines) into per-line column spans."""
    import bisect

    line = bisect.bisect_right(starts, start)
    while start < end:
        line_end = _find(text, "\n", start)
        stop = min(end, line_end)
        out.setdefault(line, []).append((start - starts[line - 1], stop - starts[line - 1]))
        start, line = line_end + 1, line + 1
