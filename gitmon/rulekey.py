"""The rule side of a review's cache key and engine job, from plain data.

Who reviews a path (the reviewers of its areas), the digest of the rules they run, which
rules apply to a set of languages, and the config text semgrep reads: the review
computes them from the loaded `RuleSet` and `Routing`, the hook's prelaunch from its
JSON caches, with these same functions (when the two disagreed, the prelaunched job was
silently thrown away). `hashlib` and `json` only.
"""

from __future__ import annotations

import hashlib
import json

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any, Protocol, TypeVar

    class RuleLike(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def reviewers(self) -> Sequence[str]: ...
        @property
        def body(self) -> Mapping[str, Any]: ...
        @property
        def languages(self) -> frozenset[str]: ...

    RuleT = TypeVar("RuleT", bound=RuleLike)


def owners(areas: Iterable[str], area_reviewers: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """Every reviewer of these areas (a path's owners: part of its review cache key)."""
    return frozenset(r for area in areas for r in area_reviewers[area])


def digest(rules: Iterable[RuleLike], reviewers: frozenset[str] | None = None) -> str:
    """The hash of the rules those reviewers run (None: every rule)."""
    chosen = [r for r in rules if reviewers is None or set(r.reviewers) & reviewers]
    text = json.dumps([[r.id, r.body] for r in chosen], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def for_languages(rules: Iterable[RuleT], languages: set[str] | frozenset[str],
                  ) -> list[RuleT]:
    """The rules that apply to files of these languages (plus the language-free ones)."""
    from gitmon.languages import ALWAYS

    wanted = languages | ALWAYS
    return [r for r in rules if r.languages & wanted]


def config_text(rules: Iterable[RuleLike]) -> str:
    """The rules as semgrep gets them: without `paths:`, which gitmon applies itself to the
    real path (`engines.scope`: the temp tree's path may not be it). JSON is YAML, and far
    quicker to write than YAML."""
    return json.dumps({"rules": [{**{k: v for k, v in r.body.items() if k != "paths"},
                                  "id": r.id} for r in rules]}, default=str)
