"""YAML through libyaml when it is there (pyyaml's pure-Python parser is ~10x slower)."""

from __future__ import annotations

from typing import Any, NamedTuple

import yaml

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def load(data: str | bytes) -> Any:
    return yaml.load(data, Loader=Loader)


def compose(text: str) -> yaml.Node | None:
    """The node tree, with line marks for error messages."""
    return yaml.compose(text, Loader=Loader)


def construct(node: yaml.Node) -> Any:
    """The Python value of a composed node, without serialising and parsing it again."""
    return _CONSTRUCTOR.construct_object(node, deep=True)


# Tags a configuration file may spell out; the rest (!!binary, !!timestamp, !!python/...,
# local !tags) build values that no gitmon setting takes, or fail deep inside the loader.
PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null",
                                                          "seq", "map"))
MAX_DEPTH = 32


class Problem(NamedTuple):
    line: int          # 1-based
    message: str
    hint: str


def check_structure(text: str | bytes) -> Problem | None:
    """The first use of a YAML feature a configuration file has no need for, before the
    tree is built: anchors and aliases (an alias bomb grows exponentially), explicit tags,
    and nesting deep enough to exhaust the constructor's recursion."""
    depth = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            return Problem(_line(event), f"alias `*{event.anchor}` is not supported",
                           "write the value out in full instead of an anchor and alias")
        anchor, tag = getattr(event, "anchor", None), getattr(event, "tag", None)
        if anchor is not None:
            return Problem(_line(event), f"anchor `&{anchor}` is not supported",
                           "write the value out in full instead of an anchor and alias")
        if tag is not None and tag not in PLAIN_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            return Problem(_line(event), f"YAML tag `{shown}` is not supported",
                           "remove the tag and write a plain string, number, list or mapping")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(_line(event), f"nested more than {MAX_DEPTH} levels deep",
                               "flatten the structure: no gitmon setting nests this deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0
