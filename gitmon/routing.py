"""Routing: changed files -> areas -> reviewers. Unrouted files cost nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gitmon.change import FileChange
from gitmon.policy import Policy


@dataclass(frozen=True)
class Routing:
    file_areas: Mapping[str, tuple[str, ...]]          # routed path -> areas
    area_files: Mapping[str, tuple[str, ...]]          # area -> routed paths
    reviewer_files: Mapping[str, tuple[str, ...]]      # reviewer -> paths (each reviewed once)
    unrouted: tuple[str, ...]

    def areas_of(self, path: str) -> tuple[str, ...]:
        return self.file_areas.get(path, ())

    def owners(self, path: str, policy: Policy) -> frozenset[str]:
        """Every reviewer of the areas path falls in (part of the review cache's key)."""
        return frozenset(r for a in self.areas_of(path) for r in policy.areas[a].reviewers)

    def primary_area(self, path: str, reviewer: str, policy: Policy) -> str | None:
        """The first area of path that this reviewer owns."""
        for area in self.areas_of(path):
            if reviewer in policy.areas[area].reviewers:
                return area
        return None


def route_paths(policy: Policy, paths: Iterable[str]) -> Routing:
    file_areas: dict[str, tuple[str, ...]] = {}
    unrouted: list[str] = []
    for path in paths:
        areas = tuple(name for name, area in policy.areas.items() if area.matches(path))
        if areas:
            file_areas[path] = areas
        else:
            unrouted.append(path)
    area_files: dict[str, list[str]] = {name: [] for name in policy.areas}
    reviewer_files: dict[str, dict[str, None]] = {}
    for path, areas in file_areas.items():
        for name in areas:
            area_files[name].append(path)
            for reviewer in policy.areas[name].reviewers:
                reviewer_files.setdefault(reviewer, {})[path] = None
    return Routing(
        file_areas=file_areas,
        area_files={k: tuple(v) for k, v in area_files.items() if v},
        reviewer_files={k: tuple(v) for k, v in reviewer_files.items()},
        unrouted=tuple(unrouted),
    )


def route(policy: Policy, files: Iterable[FileChange]) -> Routing:
    return route_paths(policy, (f.path for f in files))
