"""Did a change alter behaviour? `missing-test-change` asks before it wants a test.

A change that only touches comments, docstrings, whitespace, type annotations, typing
imports (or any import only annotations used), `__version__`, or a JVM file's imports and
`@Override` marks has no behaviour to test. Python is compared by its syntax tree with
those parts stripped; other languages by their text with comments and every whitespace
removed (`gitmon.comments` knows each language's comment and string syntax).
When either side cannot be read as such, the change counts as a behaviour change.
"""

from __future__ import annotations

import ast
import re

from gitmon.comments import comment_spans, outside
from gitmon.languages import Syntax, comment_syntax

_TYPING_MODULES = frozenset({"typing", "typing_extensions", "__future__", "types",
                             "collections.abc", "_typeshed"})
_TYPING_BASES = frozenset({"Protocol", "TypedDict"})
_TYPING_CALLS = frozenset({"TypeVar", "ParamSpec", "TypeVarTuple", "NewType"})
_SPACE = re.compile(r"\s+")
# JVM languages: an import only names things (the compiler checks it is used or unused),
# `@Override` only asks the compiler to check a signature
_JVM = (".java", ".kt", ".kts", ".scala", ".groovy")
_JVM_INERT = re.compile(r"^\s*import\s+(?:static\s+)?[\w.*]+\s*;?\s*$|@Override\b")


def same_behaviour(path: str, old: bytes, new: bytes) -> bool:
    """True when old and new differ only in what cannot change what the code does."""
    if path.endswith((".py", ".pyi")):
        return _python_form(old) == _python_form(new) is not None
    return _code_form(path, old) == _code_form(path, new)


def _code_form(path: str, data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    syntax = comment_syntax(path)
    spans = comment_spans(text, syntax)
    opens = [*syntax[0], *(b[0] for b in syntax[1])]
    closes = [b[1] for b in syntax[1]]
    lines = [_bare_mark(outside(line, _widen(line, spans.get(n, []), opens, closes)), syntax)
             for n, line in enumerate(text.split("\n"), 1)]
    if path.endswith(_JVM):
        lines = [_JVM_INERT.sub("", line) for line in lines]
    return _SPACE.sub("", "".join(lines))


def _bare_mark(line: str, syntax: Syntax) -> str:
    """An empty comment (`//` alone, `/**/`) has no text for the lexer to report."""
    line = line.rstrip()
    for mark in syntax[0]:
        if line.endswith(mark):
            return line[:-len(mark)]
    for open_, close in syntax[1]:
        line = line.replace(open_ + close, "")
    return line


def _widen(line: str, spans: list[tuple[int, int]], opens: list[str], closes: list[str]
           ) -> list[tuple[int, int]]:
    """Comment spans with their `//`, `/*` and `*/` marks: a comment moved or added
    leaves no empty marks behind to tell the two sides apart."""
    out = []
    for a, b in spans:
        a -= next((len(t) for t in opens if line.startswith(t, a - len(t)) and a >= len(t)), 0)
        b += next((len(t) for t in closes if line.startswith(t, b)), 0)
        out.append((a, b))
    return out


def _python_form(data: bytes) -> str | None:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    tree = _Strip().visit(tree)
    return ast.dump(_drop_unused_imports(tree, _used_names(tree)))


def _used_names(tree: ast.AST) -> set[str]:
    """Every name the stripped module still uses, and the names `__all__` exports."""
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [_name(t) for t in node.targets] == ["__all__"]:
            used |= {c.value for c in ast.walk(node.value)
                     if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return used


def _drop_unused_imports(tree: ast.AST, used: set[str]) -> ast.AST:
    """Imports nothing uses once annotations are gone (`from ._typing import _Handler`)
    name things for the type checker only."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            node.names = [a for a in node.names
                          if a.name == "*" or (a.asname or a.name).split(".")[0] in used]
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                setattr(node, field, [s for s in stmts if not (
                    isinstance(s, (ast.Import, ast.ImportFrom)) and not s.names)])
    return tree


def _name(node: ast.expr) -> str:
    """`cast`, `typing.cast`, `t.TYPE_CHECKING` -> the last name."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


class _Strip(ast.NodeTransformer):
    """Removes what has no run-time behaviour worth a test from a Python syntax tree."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                setattr(node, field, [s for s in stmts if not _inert(s)])
        return super().generic_visit(node)

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = None
        node.type_comment = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST | None:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST | None:
        return self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST | None:
        if any(_name(d) == "overload" for d in node.decorator_list):
            return None                   # typing-only signature
        node.returns = None
        node.type_comment = None
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None                   # `x: int` declares a type, assigns nothing
        return self.generic_visit(ast.Assign(targets=[node.target], value=node.value))

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if _name(node.func) == "cast" and len(node.args) == 2:
            value: ast.AST = self.visit(node.args[1])
            return value
        return self.generic_visit(node)


def _inert(stmt: ast.stmt) -> bool:
    """A statement that does nothing a test could observe."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True                       # docstrings, `...`
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.ImportFrom):
        return (stmt.module or "") in _TYPING_MODULES
    if isinstance(stmt, ast.Import):
        return all(a.name in _TYPING_MODULES for a in stmt.names)
    if isinstance(stmt, ast.If):
        return _name(stmt.test) == "TYPE_CHECKING"
    if isinstance(stmt, ast.ClassDef):
        return any(_name(b) in _TYPING_BASES for b in stmt.bases)
    return _typing_assign(stmt)


def _typing_assign(stmt: ast.stmt) -> bool:
    """`__version__ = ...`, `T = TypeVar("T")`, `X: TypeAlias = ...`."""
    if isinstance(stmt, ast.AnnAssign):
        return _name(stmt.annotation) == "TypeAlias"
    if not isinstance(stmt, ast.Assign):
        return False
    names = [_name(t) for t in stmt.targets]
    if names == ["__version__"]:
        return True
    return isinstance(stmt.value, ast.Call) and _name(stmt.value.func) in _TYPING_CALLS
