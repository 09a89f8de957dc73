"""`--format json`: the record itself."""

from __future__ import annotations

import json
from typing import Any


def render(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
