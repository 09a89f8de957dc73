"""How serious a finding is: its own light module, since findings, checks, the verdict and
the reports all need it and none of them needs the policy for it."""

from __future__ import annotations

import enum


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        aliases = {"note": "info", "low": "info", "medium": "warning", "high": "error",
                   "critical": "error", "inventory": "info", "experiment": "info"}
        return cls[aliases.get(text.lower(), text.lower()).upper()]

    @property
    def label(self) -> str:
        return self.name.lower()
