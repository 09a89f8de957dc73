"""Renderers: a record (dict, SPEC §5) in, text out. Registered once in RENDERERS."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Renderer = Callable[[dict[str, Any]], str]


_MODULES = {"text": "text", "json": "jsonfmt", "markdown": "markdown", "sarif": "sarif",
            "github": "github"}


def renderer(name: str) -> Renderer:
    """The render function of a format, imported only when used (jinja2 is not cheap)."""
    module = importlib.import_module(f"gitmon.reports.{_MODULES[name]}")
    render: Renderer = module.render
    return render


FORMATS = tuple(_MODULES)


def marker_note(finding: dict[str, Any]) -> str:
    """Why a suppression marker on the finding was not applied, or "" (every format says it)."""
    problem = finding.get("suppression_problem")
    if not problem or finding.get("suppressed"):
        return ""
    return f"suppression marker not applied: {problem}"
