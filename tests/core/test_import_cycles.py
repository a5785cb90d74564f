"""No import cycle between the modules of ``linli/`` (issue 10).

Every ``import`` counts, at the top of a module or inside a function: an import deferred
into a function still ties the two files together and only hides the cycle from Python.
Only imports under ``if TYPE_CHECKING:`` are left out (they never run). Migrations are left
out. A cycle is broken by moving the shared piece to the module both may import (a read to
``selectors``, queueing beside its task, a helper to ``core``), not by deferring an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(tree: ast.AST):
    """Every import node, except those under ``if TYPE_CHECKING:``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skip:
            yield node


def import_graph(root: Path, package: str = "linli") -> dict[str, set[str]]:
    """module -> the modules of ``package`` it imports (a name imported from a package
    counts as its submodule when there is one, else as the package)."""
    files = {
        _module_name(p, root): p
        for p in (root / package).rglob("*.py")
        if "migrations" not in p.parts
    }
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        deps: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name in files)
                continue
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in files:
                    deps.add(sub)
                elif base in files:
                    deps.add(base)
        deps.discard(mod)
        graph[mod] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_the_detector_finds_a_cycle_hidden_in_a_function(tmp_path):
    pkg = tmp_path / "demo_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "selectors.py").write_text("def f():\n    from demo_pkg.services import g\n")
    (pkg / "services.py").write_text("from demo_pkg import selectors\n")
    (pkg / "rules.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo_pkg import services\n"
    )
    graph = import_graph(tmp_path, "demo_pkg")
    assert graph["demo_pkg.services"] == {"demo_pkg.selectors"}
    assert graph["demo_pkg.rules"] == set()  # TYPE_CHECKING imports never run
    assert cycles(graph) == [["demo_pkg.selectors", "demo_pkg.services"]]


def test_no_import_cycle_between_modules_of_linli():
    found = cycles(import_graph(ROOT))
    assert found == [], "import cycles (move the shared piece, do not defer the import): " + (
        "; ".join(" <-> ".join(group) for group in found)
    )
