"""A template-tolerant reading of Helm chart templates, so that the YAML rules run on them.

semgrep cannot parse `{{ ... }}` as YAML, and `helm template` needs helm and the chart's
values. Instead each action becomes a same-length placeholder scalar (`____`) and each
line that holds only actions (`{{- if ... }}`, `{{- end }}`, `{{- toYaml ... | nindent 12 }}`)
becomes blank: every line and column stays where it was, so findings map to the real
lines. What a template inserts stays unknown to the rules: a key that only an include
provides reads as absent, a value that only a template sets reads as a placeholder.
"""

from __future__ import annotations

import re

_ACTION = re.compile(rb"\{\{.*?\}\}", re.S)
PLACEHOLDER = ord("_")
NOTE = "a Helm template: read with its {{ }} actions as placeholders"


def in_templates(path: str) -> bool:
    """A YAML file in a chart's `templates/` folder (its comments may be `{{/* */}}`)."""
    return "templates" in path.split("/")[:-1] and path.lower().endswith((".yaml", ".yml"))


def is_template(path: str, data: bytes) -> bool:
    """A YAML file in a chart's `templates/` folder that uses template actions."""
    return in_templates(path) and b"{{" in data


def tolerant(data: bytes) -> bytes:
    """The template with actions as placeholders and action-only lines blank, same lines."""
    out = bytearray(data)
    inside = bytearray(len(data))            # 1 where a byte belongs to an action
    for m in _ACTION.finditer(data):
        for i in range(m.start(), m.end()):
            if out[i] != ord("\n"):
                out[i], inside[i] = PLACEHOLDER, 1
    start = 0
    for end in [*(m.start() for m in re.finditer(rb"\n", data)), len(data)]:
        text = [i for i in range(start, end) if data[i] not in b" \t\r"]
        if text and all(inside[i] for i in text):
            out[start:end] = b" " * (end - start)
        start = end + 1
    return bytes(out)
