"""No import cycles among gitmon's modules (issue 10).

Two graphs. The load graph is what runs when a module is loaded: imports at module level,
not those under `if TYPE_CHECKING:` (never run) nor inside functions (run later, on use).
The use graph adds the imports inside functions: a lazy import that closes a cycle hides
it rather than breaking it (`policy` once imported `rulecheck` in a function because
`rulecheck` imports `policy`). Lazy imports are there to keep the hook's fast path light;
one that closes a cycle must be listed in DELIBERATE with the reason. The parent
packages a submodule import loads are counted in neither.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gitmon"

# (importer, imported): function-level imports that close a cycle on purpose, each with
# why it must stay lazy. Empty today: no lazy import in gitmon closes a cycle.
DELIBERATE: dict[tuple[str, str], str] = {}


def module_names(package: Path) -> dict[str, Path]:
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path: Path, name: str, known: set[str], *, lazy: bool = False) -> set[str]:
    """The package's modules that loading `name` imports (lazy: or that its functions do)."""
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
            elif isinstance(node, (ast.With, ast.For, ast.While)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if lazy or isinstance(node, ast.ClassDef):   # a class body runs on load
                    visit(node.body)
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


def graph_of(package: Path, *, lazy: bool = False) -> dict[str, set[str]]:
    names = module_names(package)
    return {n: imports(p, n, set(names), lazy=lazy) for n, p in names.items()}


def without(graph: dict[str, set[str]], edges: set[tuple[str, str]]) -> dict[str, set[str]]:
    return {n: {m for m in deps if (n, m) not in edges} for n, deps in graph.items()}


def test_gitmon_has_no_import_cycle() -> None:
    graph = graph_of(PACKAGE)
    assert "gitmon.severity" in graph["gitmon.findings"]          # the graph is really read
    found = cycle(graph)
    assert found is None, "import cycle: " + " -> ".join(found or [])


def test_no_function_level_import_closes_a_cycle() -> None:
    graph = graph_of(PACKAGE, lazy=True)
    assert "gitmon.hook.fastroute" in graph["gitmon.hook.fastpath"]        # lazy imports are read
    found = cycle(without(graph, set(DELIBERATE)))
    assert found is None, ("import cycle through a function-level import: " + " -> ".join(found or [])
                           + "\n  break it, or list the lazy edge in DELIBERATE with the reason")


def test_each_deliberate_exception_is_a_lazy_import_that_still_exists() -> None:
    loaded, used = graph_of(PACKAGE), graph_of(PACKAGE, lazy=True)
    for importer, imported in DELIBERATE:
        assert imported in used[importer] and imported not in loaded[importer], (importer, imported)


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


def test_a_function_level_import_that_closes_a_cycle_is_found(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "policy.py").write_text("import os\n\ndef check():\n    if os.sep:\n"
                                   "        with open(os.devnull):\n"
                                   "            from pkg import rulecheck  # it imports us\n")
    (pkg / "rulecheck.py").write_text("TYPE_CHECKING = False\nif TYPE_CHECKING:\n    import os\n"
                                      "from pkg.policy import check\n")
    assert cycle(graph_of(pkg)) is None                      # invisible when loading
    found = cycle(graph_of(pkg, lazy=True))
    assert found == ["pkg.policy", "pkg.rulecheck", "pkg.policy"]
    assert cycle(without(graph_of(pkg, lazy=True), {("pkg.policy", "pkg.rulecheck")})) is None
