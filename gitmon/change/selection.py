"""Which change a command looks at: --staged, --worktree, --commit REV or --range BASE..HEAD."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gitmon.change import Change, sources


class ChangeSource(Protocol):
    """Anything that names a change: a command's selector, a pushed ref (`hook.prepush`)."""

    @property
    def kind(self) -> str: ...

    def change(self, root: Path) -> Change: ...


@dataclass(frozen=True)
class Selector:
    kind: str = "worktree"          # staged | worktree | commit | range
    rev: str | None = None          # the REV of --commit, the BASE..HEAD of --range

    def change(self, root: Path) -> Change:
        if self.kind == "staged":
            return sources.staged(root)
        if self.kind == "commit":
            return sources.commit(root, self.rev or "HEAD")
        if self.kind == "range":
            return sources.commit_range(root, self.rev or "")
        return sources.worktree(root)
