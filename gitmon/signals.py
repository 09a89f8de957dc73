"""Content signals: an area can claim a file by what it says, not only by where it lives.

A signal is a named regex (multi-line: `^` is the start of any line), optionally scoped
to file extensions: "this file imports tenacity", "this YAML declares a Deployment".
Only code and YAML files are read for signals, and only when a signal could add an area
the file's path did not already give it. A light module (only `re`): the hook's fast
path matches signals from its cached table before any heavy import.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    import yaml

    from gitmon.policy import _Validator

# What "code or YAML" means for signals: the only files ever read to route by content.
READABLE = frozenset({
    "py", "pyi", "go", "rs", "java", "kt", "kts", "scala", "groovy", "js", "jsx", "mjs",
    "cjs", "ts", "tsx", "mts", "cts", "rb", "cs", "php", "ex", "exs", "swift", "c", "cc",
    "cpp", "h", "hpp", "lua", "sh", "tf", "yaml", "yml"})


def extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


class Signal:
    """One named regex and the extensions it reads (empty: every readable extension)."""

    __slots__ = ("_regex", "exts", "name", "pattern")

    def __init__(self, name: str, pattern: str, exts: Iterable[str] = ()) -> None:
        self.name, self.pattern, self.exts = name, pattern, frozenset(exts)
        self._regex: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        # compiled on first use: compiling every signal costs more than the hook's whole run
        if self._regex is None:
            self._regex = re.compile(self.pattern, re.MULTILINE)
        return self._regex

    def reads(self, ext: str) -> bool:
        return ext in READABLE and (not self.exts or ext in self.exts)

    def to_json(self) -> list[object]:
        return [self.name, self.pattern, sorted(self.exts)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signal) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash((self.name, self.pattern, self.exts))

    def __repr__(self) -> str:
        return f"Signal({self.name!r})"


def wants(signals: Mapping[str, tuple[Signal, ...]], path: str, areas: Iterable[str]) -> bool:
    """Must path be read? Only when a signal of an area it is not yet in reads its kind."""
    ext = extension(path)
    have = set(areas)
    return any(s.reads(ext) for area, sigs in signals.items() if area not in have for s in sigs)


def match(signals: Mapping[str, tuple[Signal, ...]], path: str, data: bytes,
          areas: Iterable[str] = ()) -> dict[str, str]:
    """Area -> the first signal that claims path for it (areas path already has are skipped)."""
    ext = extension(path)
    have = set(areas)
    text: str | None = None
    found: dict[str, str] = {}
    for area, sigs in signals.items():
        if area in have:
            continue
        for signal in sigs:
            if not signal.reads(ext):
                continue
            if text is None:
                text = data.decode("utf-8", "replace")
            if signal.regex.search(text):
                found[area] = signal.name
                break
    return found


def from_json(items: Iterable[list[Any]]) -> tuple[Signal, ...]:
    return tuple(Signal(name, pattern, exts) for name, pattern, exts in items)


def parse(v: _Validator, node: yaml.Node, trail: str) -> tuple[Signal, ...]:
    """`content:` of an area: a list of {name, regex, ext?}; a bad regex is named at load."""
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        raise v.fail(node, trail, "expected a list of signals",
                     "write e.g. `content: [{name: tenacity, regex: 'import tenacity', ext: [py]}]`")
    out = []
    for i, item in enumerate(node.value):
        sub = f"{trail}[{i}]"
        keys = v.mapping(item, sub, ("name", "regex", "ext"))
        for required in ("name", "regex"):
            if required not in keys:
                raise v.fail(item, sub, f"missing key `{required}`",
                             "give each signal a `name:` and a `regex:`")
        name = str(v.scalar(keys["name"][1], f"{sub}.name", str))
        pattern = str(v.scalar(keys["regex"][1], f"{sub}.regex", str))
        exts = _exts(v, keys["ext"][1], f"{sub}.ext") if "ext" in keys else []
        try:
            out.append(Signal(name, pattern, exts))
            out[-1].regex   # noqa: B018 - compiled now, so a bad pattern is named at load
        except re.error as exc:
            raise v.fail(keys["regex"][1], f"{sub}.regex",
                         f"bad regex `{pattern}` in signal `{name}`: {exc}",
                         "write a Python regular expression (quote it in single quotes)") from exc
    return tuple(out)


def _exts(v: _Validator, node: yaml.Node, trail: str) -> list[str]:
    out = []
    for item, ext in v.strings(node, trail):
        bare = ext.lstrip(".").lower()
        if bare not in READABLE:
            raise v.fail(item, trail, f"`{ext}` is not a code or YAML extension",
                         f"signals read only code and YAML files: {', '.join(sorted(READABLE))}")
        out.append(bare)
    return out
