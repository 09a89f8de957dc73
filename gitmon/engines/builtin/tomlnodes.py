"""TOML values with the line of each key.

`tomllib` reads the values but keeps no positions, so a line scanner places the
keys: it follows the `[table]` / `[[array]]` headers (array elements become `[i]`
path parts, as tomllib nests them) and the `key = ` lines, skipping multi-line
strings and arrays. A key it cannot place (one inside an inline table) gets the
line of its nearest placed ancestor.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 has no TOML reader in the stdlib; TOML is skipped there
    tomllib = None

AVAILABLE = tomllib is not None

_TOML_KEY = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+))\s*(\.)?')
_TOML_STRINGS = re.compile(r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def toml_values(text: str) -> list[tuple[tuple[str, ...], Any, str, int]]:
    """(key path, value, value as text, line) of every scalar in a TOML document."""
    assert tomllib is not None
    data = tomllib.loads(text)
    lines = _toml_lines(text)
    out = []
    for path, value in _flatten(data, ()):
        line = next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), 1)
        raw = ("true" if value else "false") if isinstance(value, bool) else str(value)
        out.append((path, value, raw, line))
    return out


def _flatten(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _flatten(sub, (*path, str(key)))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _flatten(sub, (*path, f"[{i}]"))
    elif path:
        yield path, value


def _toml_keys(text: str) -> tuple[tuple[str, ...], int]:
    """The dotted key at the start of text, and where it ends."""
    parts, pos = [], 0
    while (m := _TOML_KEY.match(text, pos)) is not None:
        parts.append(next(g for g in m.groups()[:3] if g is not None))
        pos = m.end()
        if m.group(4) is None:
            break
    return tuple(parts), pos


def _toml_lines(text: str) -> dict[tuple[str, ...], int]:
    """Key path -> line, by following headers and `key =` lines (tomllib keeps no positions)."""
    lines: dict[tuple[str, ...], int] = {}
    arrays: dict[tuple[str, ...], int] = {}      # [[name]] -> index of its current element
    table: tuple[str, ...] = ()
    closing: str | None = None                   # inside a multi-line string until this
    depth = 0                                    # open brackets of a multi-line array
    for number, line in enumerate(text.splitlines(), 1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        bare = _TOML_STRINGS.sub(lambda m: m.group() if len(m.group()) == 3 else '""', line)
        bare = bare.split("#", 1)[0]
        if depth == 0 and bare.strip().startswith("["):
            header = bare.strip()
            many = header.startswith("[[")
            names, _ = _toml_keys(header[2 if many else 1:])
            table = _indexed(names, arrays, many)
            lines[table] = number
        elif depth == 0 and "=" in bare:
            keys, end = _toml_keys(line)
            if keys and line[end:].lstrip().startswith("="):
                lines[table + keys] = number
        depth = max(depth + bare.count("[") - bare.count("]"), 0) if "=" in bare or depth else 0
        for quote in ('"""', "'''"):
            if bare.count(quote) % 2:
                closing = quote
    return lines


def _indexed(names: tuple[str, ...], arrays: dict[tuple[str, ...], int],
             many: bool) -> tuple[str, ...]:
    """A header's path as tomllib nests it: array-of-tables elements become `[i]` parts."""
    if many:
        arrays[names] = arrays.get(names, -1) + 1
    path: list[str] = []
    for n in range(1, len(names) + 1):
        path.append(names[n - 1])
        if names[:n] in arrays:
            path.append(f"[{arrays[names[:n]]}]")
    return tuple(path)
