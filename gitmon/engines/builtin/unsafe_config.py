"""Unsafe resilience settings in YAML/TOML/JSON config (placeholder until the check lands)."""

from __future__ import annotations

from gitmon.engines.builtin.base import CheckContext
from gitmon.findings import Finding


class UnsafeConfig:
    id = "unsafe-config"
    description = "circuit-breaker, retry and rate-limit settings in config files that are unsafe"

    def run(self, ctx: CheckContext) -> list[Finding]:
        return []


CHECK = UnsafeConfig()
