"""No import cycles among gitmon's modules (issue 10).

The graph is what runs when a module is loaded: imports at module level, not those under
`if TYPE_CHECKING:` (never run) nor inside functions (run later, on use); the parent
packages a submodule import loads are not counted either.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gitmon"


def module_names(package: Path) -> dict[str, Path]:
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The package's modules that loading `name` imports."""
    found: set[str] = set()
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for part in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                    visit(part)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = here[:len(here) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                found.update(f"{module}.{a.name}" if f"{module}.{a.name}" in known else module
                             for a in node.names)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {m for m in found if m in known and m != name}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}          # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def graph_of(package: Path) -> dict[str, set[str]]:
    names = module_names(package)
    return {n: imports(p, n, set(names)) for n, p in names.items()}


def test_gitmon_has_no_import_cycle() -> None:
    graph = graph_of(PACKAGE)
    assert "gitmon.severity" in graph["gitmon.findings"]          # the graph is really read
    found = cycle(graph)
    assert found is None, "import cycle: " + " -> ".join(found or [])


def test_a_cycle_is_found_and_type_checking_or_function_imports_are_not(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from .. import a\n")
    (pkg / "a.py").write_text("from pkg.sub import b\n")
    (pkg / "sub" / "b.py").write_text("TYPE_CHECKING = False\nif TYPE_CHECKING:\n    import pkg.a\n"
                                      "def f():\n    from pkg import a\n")
    assert cycle(graph_of(pkg)) is None
    (pkg / "sub" / "b.py").write_text("from . import a\nfrom pkg import a\n")
    assert cycle(graph_of(pkg)) == ["pkg.a", "pkg.sub.b", "pkg.a"]
