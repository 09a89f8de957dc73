"""`--format markdown`: a human report from a jinja2 template (also the CI job summary)."""

from __future__ import annotations

import jinja2

from gitmon import counting
from gitmon.record import FindingEntry, Record
from gitmon.reports import marker_note

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
_ENV.filters["marker_note"] = marker_note
_ENV.filters["counted"] = counting.counted
_ENV.filters["state"] = counting.state


def render(record: Record, limit: int | None = None, cut_note: str = "") -> str:
    """The Markdown report; with a limit, only the first `limit` findings are listed."""
    findings = record["findings"]
    shown = findings if limit is None else findings[:limit]
    return _ENV.get_template("report.md.j2").render(
        record=record, findings=shown, hidden=len(findings) - len(shown), cut_note=cut_note,
        icons=_ICONS,
    )


SUMMARY_CAP = 1024 * 1024      # GitHub's limit for one step's job summary, in bytes


def summary(record: Record, not_annotated: list[FindingEntry],
            files: dict[str, str], budget: int = SUMMARY_CAP) -> str:
    """The CI job summary: the report, the findings without annotation, within budget bytes."""
    limit = len(record["findings"])
    while True:
        cut = not_annotated[:limit]
        text = _ENV.get_template("summary.md.j2").render(
            record=record, findings=record["findings"][:limit],
            hidden=len(record["findings"]) - limit, icons=_ICONS, files=files,
            cut_note="GitHub caps a job summary at 1 MiB", not_annotated=cut,
            hidden_cut=len(not_annotated) - len(cut))
        size = len(text.encode("utf-8"))
        if size <= budget or limit == 0:
            return text
        # Shrink in proportion to the excess, and by at least one row, until it fits.
        limit = min(limit - 1, int(limit * budget / size * 0.95))
        limit = max(limit, 0)
