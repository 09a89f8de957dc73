"""`--format markdown`: a human report from a jinja2 template (also the CI job summary)."""

from __future__ import annotations

from typing import Any

import jinja2

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("gitmon.reports", "templates"),
    autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_ICONS = {"passed": "✅", "failed": "❌", "pending": "⏳", "skipped": "➖",
          "pass": "✅", "block": "❌", "pending_v": "⏳"}


def _cell(text: object) -> str:
    """Escape text for a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


_ENV.filters["cell"] = _cell


def render(record: dict[str, Any], limit: int | None = None, cut_note: str = "") -> str:
    findings = record["findings"]
    shown = findings if limit is None else findings[:limit]
    return _ENV.get_template("report.md.j2").render(
        record=record, findings=shown, hidden=len(findings) - len(shown), cut_note=cut_note,
        icons=_ICONS,
    )
