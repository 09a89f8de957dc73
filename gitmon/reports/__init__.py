"""Renderers: a record (`gitmon.record.Record`) in, text out.

Each format's module is named once, in `_MODULES`, and imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from gitmon.record import FindingEntry, Record

Renderer = Callable[[Record], str]


_MODULES = {"text": "text", "json": "jsonfmt", "markdown": "markdown", "sarif": "sarif",
            "github": "github"}


def renderer(name: str) -> Renderer:
    """The render function of a format, imported only when used (jinja2 is not cheap)."""
    module = importlib.import_module(f"gitmon.reports.{_MODULES[name]}")
    render: Renderer = module.render
    return render


FORMATS = tuple(_MODULES)


def marker_note(finding: FindingEntry) -> str:
    """Why a suppression marker on the finding was not applied, or "" (every format says it)."""
    problem = finding.get("suppression_problem")
    if not problem or finding.get("suppressed"):
        return ""
    return f"suppression marker not applied: {problem}"
