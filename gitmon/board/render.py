"""`gitmon report` as text, Markdown (jinja2) and one self-contained HTML page (jinja2,
autoescaped, inline CSS and SVG: no network, no script)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

MIN_SLOTS = 14
COLORS = {"pass": "#2e7d32", "block": "#c62828", "pending": "#ef8f00",
          "passed": "#2e7d32", "failed": "#c62828"}


def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gitmon", "templates"), autoescape=autoescape,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)


def bars(days: list[dict[str, Any]], keys: tuple[str, ...], width: int, height: int,
         ) -> list[dict[str, Any]]:
    """Stacked bars (one per day) as SVG rectangles: the geometry is data, the page draws it."""
    top = max([sum(d[k] for k in keys) for d in days] + [1])
    step = width / max(len(days), MIN_SLOTS)   # a short period keeps slim bars
    out = []
    for i, day in enumerate(days):
        y = float(height)
        for key in keys:
            h = day[key] * (height - 2) / top
            if h:
                y -= h
                out.append({"x": round(i * step + 1, 1), "y": round(y, 1),
                            "w": round(max(step - 2, 1), 1), "h": round(h, 1),
                            "fill": COLORS[key], "title": f"{day['day']}: {day[key]} {key}"})
    return out


def charts(data: dict[str, Any]) -> dict[str, Any]:
    trend = data["trend"]
    areas = sorted({a for d in trend for a in d["areas"]})
    per_area = {}
    for area in areas:
        days = [{"day": d["day"], **d["areas"].get(area, {"passed": 0, "failed": 0})}
                for d in trend]
        per_area[area] = bars(days, ("passed", "failed"), 180, 40)
    return {"verdicts": bars(trend, ("pass", "block", "pending"), 560, 120), "areas": per_area}


def markdown(data: dict[str, Any]) -> str:
    return _env(False).get_template("board.md.j2").render(data=data)


def html(data: dict[str, Any]) -> str:
    return _env(True).get_template("board.html.j2").render(data=data, charts=charts(data),
                                                           colors=COLORS)


def text(data: dict[str, Any]) -> str:
    v = data["verdicts"]
    lines = [f"gitmon report since {data['since'] or 'the first record'} "
             f"(generated {data['generated_at']}), HEAD {str(data['head'] or '-')[:12]}",
             f"commits monitored: {data['commits']}  reviews: {data['reviews']} (pass "
             f"{v['pass']}, block {v['block']}, pending {v['pending']})",
             "by source: " + (", ".join(f"{k} {n}" for k, n in data["sources"].items()) or "-"),
             "reviews per reviewer:"]
    lines += [f"  {name:<14}" + "  ".join(f"{k} {n}" for k, n in row.items())
              for name, row in data["reviewers"].items()]
    lines.append("findings per area and rule:")
    lines += [f"  {f['area']:<14}{f['rule']:<44}{f['count']}" for f in data["findings"]] or ["  none"]
    lines.append("blocked changes (latest first):")
    lines += [f"  {b['at']} {b['source']} {b['kind']} {str(b['commit'] or '-')[:12]}: "
              f"{b['outcome']} - " + ", ".join(f"{x['area']}/{x['reviewer']}" for x in b["failed"])
              for b in data["blocks"]] or ["  none"]
    lines.append("suppressions:")
    lines += [f"  {s['area'] or '-'}: {s['rule']} - {s['reason'] or '(no reason given)'}"
              for s in data["suppressions"]] or ["  none"]
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "text": text, "markdown": markdown, "html": html}
