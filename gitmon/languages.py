"""File extension -> semgrep languages: which rules a file can match.

A light module of its own: the hook's prelauncher filters rules by language before
yaml or the rule loader is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

EXTENSIONS: Mapping[str, tuple[str, ...]] = {
    ".py": ("python",), ".pyi": ("python",), ".go": ("go",), ".rs": ("rust",),
    ".java": ("java",), ".js": ("javascript", "js"), ".jsx": ("javascript", "js"),
    ".mjs": ("javascript", "js"), ".cjs": ("javascript", "js"),
    ".ts": ("typescript", "ts"), ".tsx": ("typescript", "ts"), ".mts": ("typescript", "ts"),
    ".yaml": ("yaml",), ".yml": ("yaml",), ".json": ("json",), ".kt": ("kotlin",),
    ".rb": ("ruby",), ".cs": ("csharp", "c#"), ".scala": ("scala",), ".php": ("php",),
    ".tf": ("terraform", "hcl"), ".sh": ("bash",), ".c": ("c",), ".cpp": ("cpp", "c++"),
    ".swift": ("swift",), ".lua": ("lua",), ".ex": ("elixir",), ".toml": ("toml",),
}
ALWAYS = {"generic", "regex", "none"}


def languages_of(paths: list[str]) -> set[str]:
    out: set[str] = set()
    for path in paths:
        out.update(EXTENSIONS.get(Path(path).suffix.lower(), ()))
    return out
