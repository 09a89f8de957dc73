"""`--format json`: the record itself."""

from __future__ import annotations

import json

from gitmon.record import Record


def render(record: Record) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
