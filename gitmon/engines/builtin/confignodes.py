"""Config files (YAML, JSON, TOML) as flat, line-tracked settings.

A check that reports on a config key must name the key's line, and none of the
standard loaders keeps positions, so each format gets its own way:

- YAML: `yaml.compose_all` node marks (every document of a multi-document file).
- JSON: a small scanner over objects and arrays that hands every scalar to the
  stdlib decoder (`raw_decode` says where it ends). pyyaml is not used for
  JSON: it rejects tab indentation and reads `1e3` as a string.
- TOML: `tomllib` reads the values and a line scanner places the keys (see
  tomlnodes.py). Python 3.10 has no tomllib: TOML files are skipped there.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from gitmon.engines.builtin import tomlnodes

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


@dataclass(frozen=True)
class Setting:
    path: tuple[str, ...]      # section names from the root, the key last; dotted keys split
    value: Any                 # the scalar as the format's loader reads it (None for null)
    raw: str                   # the value as written, for messages
    line: int                  # 1-based line of the key
    value_line: int            # line where the value starts (YAML block style may differ)


def config_format(path: str) -> str | None:
    dot = path.rfind(".")
    return FORMATS.get(path[dot:].lower()) if dot >= 0 else None


def read_settings(path: str, data: bytes) -> list[Setting] | None:
    """Every scalar setting of a config file, or None if it is not one or does not parse."""
    kind = config_format(path)
    try:
        text = data.decode("utf-8-sig")
        if kind == "yaml":
            return list(_yaml_settings(text))
        if kind == "json":
            return _JsonScanner(text).settings()
        if kind == "toml" and tomlnodes.AVAILABLE:
            return [Setting(path, value, raw, line, line)
                    for path, value, raw, line in tomlnodes.toml_values(text)]
    except (UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError):
        return None
    return None


def _split(key: str) -> tuple[str, ...]:
    # `resilience4j.circuitbreaker.instances.a.failureRateThreshold: 0` (Spring style)
    # names the same setting as the nested form, so dotted keys become sections.
    return tuple(part for part in key.split(".") if part) or (key,)


# --- YAML -----------------------------------------------------------------------------

def _yaml_settings(text: str) -> Iterator[Setting]:
    loader = yaml.SafeLoader("")
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if document is not None:
            yield from _yaml_walk(loader, document, (), 0)


def _yaml_walk(loader: yaml.SafeLoader, node: yaml.Node, path: tuple[str, ...],
               key_line: int) -> Iterator[Setting]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            # `<<: *defaults` repeats settings already reported where the anchor is defined.
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                yield from _yaml_walk(loader, value, path + _split(str(key.value)),
                                      key.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _yaml_walk(loader, item, (*path, f"[{i}]"), item.start_mark.line + 1)
    elif path:
        try:
            value = loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError):
            value = node.value
        raw = node.value if node.value != "" or not node.tag.endswith(":null") else "null"
        yield Setting(path, value, str(raw), key_line, node.start_mark.line + 1)


# --- JSON -----------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _JsonScanner:
    """Recursive descent over JSON text that remembers where every key starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.out: list[Setting] = []

    def settings(self) -> list[Setting]:
        end = self.value(self.skip(0), (), 1)
        if self.skip(end) != len(self.text):
            raise ValueError(f"extra data at line {self.line(end)}")
        return self.out

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, path: tuple[str, ...], key_line: int) -> int:
        char = self.text[pos:pos + 1]
        if char == "{":
            return self.members(pos + 1, path)
        if char == "[":
            return self.items(pos + 1, path)
        try:
            # Scalars (strings, numbers, literals) are the stdlib's job; it reports where they end.
            value, end = _DECODER.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{exc.msg} at line {exc.lineno}") from exc
        if path:
            self.out.append(Setting(path, value, self.text[pos:end], key_line, self.line(pos)))
        return end

    def members(self, pos: int, path: tuple[str, ...]) -> int:
        pos = self.skip(pos)
        if self.text.startswith("}", pos):
            return pos + 1
        while True:
            if not self.text.startswith('"', pos):
                raise ValueError(f"expected a key at line {self.line(pos)}")
            key, end = _DECODER.raw_decode(self.text, pos)
            colon = self.skip(end)
            if not self.text.startswith(":", colon):
                raise ValueError(f"expected ':' at line {self.line(colon)}")
            pos = self.skip(self.value(self.skip(colon + 1), path + _split(key), self.line(pos)))
            if self.text.startswith("}", pos):
                return pos + 1
            if not self.text.startswith(",", pos):
                raise ValueError(f"expected ',' or '}}' at line {self.line(pos)}")
            pos = self.skip(pos + 1)

    def items(self, pos: int, path: tuple[str, ...]) -> int:
        pos, index = self.skip(pos), 0
        if self.text.startswith("]", pos):
            return pos + 1
        while True:
            pos = self.skip(self.value(pos, (*path, f"[{index}]"), self.line(pos)))
            if self.text.startswith("]", pos):
                return pos + 1
            if not self.text.startswith(",", pos):
                raise ValueError(f"expected ',' or ']' at line {self.line(pos)}")
            pos, index = self.skip(pos + 1), index + 1
