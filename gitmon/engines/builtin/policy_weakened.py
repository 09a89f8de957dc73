"""A change to the gitmon policy that weakens a gate (placeholder until the check lands)."""

from __future__ import annotations

from gitmon.engines.builtin.base import CheckContext
from gitmon.findings import Finding


class PolicyWeakened:
    id = "policy-weakened"
    description = "a change to gitmon.yml that weakens a gate"

    def run(self, ctx: CheckContext) -> list[Finding]:
        return []


CHECK = PolicyWeakened()
