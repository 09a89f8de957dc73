"""YAML through libyaml when it is there (pyyaml's pure-Python parser is ~10x slower)."""

from __future__ import annotations

from typing import Any

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
