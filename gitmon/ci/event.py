"""Which commits a CI run reviews: from --base/--head, or from the GitHub event payload.

GitHub writes the event that started the workflow to the JSON file named by
GITHUB_EVENT_PATH; GITHUB_EVENT_NAME says which shape it has. Only the shas are
taken from it: the payload is data from the pull request's author, never code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmon import gitio
from gitmon.errors import UsageError

EVENT_VARIABLES = ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH")


@dataclass(frozen=True)
class Target:
    """What to review: the range base..head (base None = head's commit alone)."""

    base: str | None
    head: str
    origin: str                      # where base/head came from, for messages and the log
    from_event: bool = True


@dataclass(frozen=True)
class Skip:
    """An event that has nothing to review (a deleted branch)."""

    reason: str


def target(root: Path, env: Mapping[str, str], base: str | None, head: str | None,
           ) -> Target | Skip:
    """--base/--head win; what they leave out comes from the GitHub event."""
    if base and head:
        return Target(base, head, "--base/--head", from_event=False)
    event = _load(env)
    if event is None:
        unset = [v for v in EVENT_VARIABLES if not env.get(v)]
        raise UsageError(f"no --base/--head given and no GitHub event to read them from "
                         f"({' and '.join(unset)} {'are' if len(unset) > 1 else 'is'} not set)",
                         hint="outside GitHub Actions pass both revisions, e.g. `gitmon ci "
                              "--base origin/main --head HEAD`; on GitHub Actions the runner "
                              "sets GITHUB_EVENT_NAME and GITHUB_EVENT_PATH for you")
    name, payload = event
    found = from_event(root, name, payload)
    if isinstance(found, Skip):
        return found
    return Target(base or found.base, head or found.head, found.origin,
                  from_event=not (base or head))


def _load(env: Mapping[str, str]) -> tuple[str, dict[str, Any]] | None:
    name, path = env.get("GITHUB_EVENT_NAME", ""), env.get("GITHUB_EVENT_PATH", "")
    if not name or not path:
        return None
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the GitHub event file {path}: {exc}",
                         hint="run inside GitHub Actions, or pass --base and --head") from exc
    if not isinstance(payload, dict):
        raise UsageError(f"the GitHub event file {path} is not a JSON object",
                         hint="pass --base and --head")
    return name, payload


def from_event(root: Path, name: str, payload: dict[str, Any]) -> Target | Skip:
    if name in ("pull_request", "pull_request_target"):
        pr = payload.get("pull_request") or {}
        return Target(_sha(pr, "base", "sha"), _sha(pr, "head", "sha"), f"{name} event")
    if name == "merge_group":
        group = payload.get("merge_group") or {}
        return Target(_sha(group, "base_sha"), _sha(group, "head_sha"), "merge_group event")
    if name == "push":
        return _push(root, payload)
    raise UsageError(f"gitmon ci cannot tell what to review from a `{name}` event",
                     hint="run it on pull_request, push or merge_group, or pass --base and --head")


def _push(root: Path, payload: dict[str, Any]) -> Target | Skip:
    after = _sha(payload, "after")
    if after == gitio.NULL_SHA:
        return Skip("the push deleted a branch: nothing to review")
    before = _sha(payload, "before")
    if before != gitio.NULL_SHA:
        return Target(before, after, "push event")
    # A new branch: review what it adds to the default branch, if we can see that branch.
    default = str((payload.get("repository") or {}).get("default_branch") or "")
    for ref in (f"refs/remotes/origin/{default}", f"refs/heads/{default}"):
        sha = _resolve(root, ref) if default else None
        if sha and sha != after:
            return Target(sha, after, f"push event (new branch, from {default})")
    return Target(None, after, "push event (new branch: its last commit only)")


def _resolve(root: Path, ref: str) -> str | None:
    try:
        return gitio.resolve(root, ref)
    except UsageError:
        return None


def _sha(data: Any, *keys: str) -> str:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, str) or not data:
        raise UsageError(f"the GitHub event has no `{'.'.join(keys)}`",
                         hint="pass --base and --head")
    return data
