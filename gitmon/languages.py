"""File extension -> semgrep languages: which rules a file can match.

A light module of its own: the hook's prelauncher filters rules by language before
yaml or the rule loader is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gitmon.helm import in_templates

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


# Comment syntax by language, for suppression markers (a marker counts only in a comment).
# (line-comment tokens, block comments as (open, close), strings as
#  (open, close, backslash escapes, may span lines), spaced): spaced languages (YAML, shell,
# TOML) start a `#` comment or a quoted string only after a space or at the start of a line,
# so `a#b` and `it's` are plain text.
Syntax = tuple[tuple[str, ...], tuple[tuple[str, str], ...],
               tuple[tuple[str, str, bool, bool], ...], bool]
_QUOTES = (('"', '"', True, False), ("'", "'", True, False))
_C_BLOCK = (("/*", "*/"),)
_SYNTAX: Mapping[str, Syntax] = {
    "hash": (("#",), (), _QUOTES, True),
    "python": (("#",), (), (('"""', '"""', True, True), ("'''", "'''", True, True), *_QUOTES),
               False),
    "ruby": (("#",), (), _QUOTES, False),
    "c": (("//",), _C_BLOCK, (('"""', '"""', True, True), *_QUOTES), False),
    "js": (("//",), _C_BLOCK, (("`", "`", True, True), *_QUOTES), False),
    "go": (("//",), _C_BLOCK, (("`", "`", False, True), *_QUOTES), False),
    # `'` is also a lifetime (`&'a str`): only double-quoted and raw strings are skipped
    "rust": (("//",), _C_BLOCK, (('r#"', '"#', False, True), ('"', '"', True, True)), False),
    "php": (("//", "#"), _C_BLOCK, _QUOTES, False),
    "hcl": (("#", "//"), _C_BLOCK, (('"', '"', True, False),), False),
    "html": ((), (("<!--", "-->"),), (), False),
    "lua": (("--",), (("--[[", "]]"),), _QUOTES, False),
    "helm": (("#",), (("{{/*", "*/"), ("{{- /*", "*/")), _QUOTES, True),
    "json": ((), (), (('"', '"', True, False),), False),
}
_COMMENT_STYLE: Mapping[str, str] = {
    ".py": "python", ".pyi": "python", ".rb": "ruby", ".sh": "hash", ".bash": "hash",
    ".yaml": "hash", ".yml": "hash", ".toml": "hash", ".ex": "hash", ".exs": "hash",
    ".env": "hash", ".cfg": "hash", ".ini": "hash", ".conf": "hash", ".properties": "hash",
    ".js": "js", ".jsx": "js", ".mjs": "js", ".cjs": "js", ".ts": "js", ".tsx": "js",
    ".mts": "js", ".go": "go", ".rs": "rust", ".java": "c", ".kt": "c", ".scala": "c",
    ".cs": "c", ".c": "c", ".h": "c", ".cpp": "c", ".hpp": "c", ".cc": "c", ".swift": "c",
    ".php": "php", ".tf": "hcl", ".hcl": "hcl", ".html": "html", ".htm": "html",
    ".xml": "html", ".svg": "html", ".lua": "lua", ".tpl": "helm", ".json": "json",
}


def comment_syntax(path: str) -> Syntax:
    """How comments are written in this file; Helm templates (a chart's templates/ folder,
    `.tpl`) also take `{{/* */}}`; an unknown type takes `#`, as env files and Dockerfiles do."""
    p = Path(path)
    style = _COMMENT_STYLE.get(p.suffix.lower(), "hash")
    if style == "hash" and in_templates(path):
        style = "helm"
    return _SYNTAX[style]
