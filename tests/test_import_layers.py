"""The import cycles issue 10 (item 9) removed stay removed.

Every import counts, also one inside a function (a lazy import hides a cycle, it does not remove
it): the cabinet's selectors and forms form no cycle; the signed-in identity is the portal's
(``portal.identity``), which sign-in writes; readmission (``deregistration.eligibility``) is
asked by the cabinet and does not import it back; the state values the cabinet and Annex 1 print
are formatted by the selectors, which never import the Annex.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("portal", "suppliers", "commission", "registers", "deregistration", "egov_gateway")


def _modules() -> dict[str, Path]:
    modules = {}
    for package in SOURCES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports, anywhere in its body."""
    modules = _modules()

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                targets = [f"{base}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                found = known(target)
                if found and found != name:
                    graph[name].add(found)
    return graph


def _reaches(graph: dict[str, set[str]], start: str, prefix: str, *, exact: bool = False) -> list:
    """A path of imports from ``start`` to ``prefix`` or (not ``exact``) a module under it."""
    seen, stack = {start}, [[start]]
    while stack:
        path = stack.pop()
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == prefix or (not exact and nxt.startswith(prefix + ".")):
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append([*path, nxt])
    return []


def _under(graph: dict[str, set[str]], prefix: str) -> list[str]:
    return sorted(m for m in graph if m == prefix or m.startswith(prefix + "."))


def test_the_cabinets_modules_form_no_import_cycle():
    graph = import_graph()
    for module in _under(graph, "suppliers"):
        cycle = _reaches(graph, module, module, exact=True)
        assert not cycle, " -> ".join(cycle)


def test_the_portal_does_not_import_sign_in_for_the_signed_in_identity():
    graph = import_graph()
    for module in _under(graph, "portal"):
        assert "egov_gateway.eds.signin" not in graph[module], module
    assert "portal.identity" in graph["egov_gateway.eds.signin"]


def test_readmission_does_not_import_the_cabinet_that_asks_it():
    graph = import_graph()
    for module in _under(graph, "deregistration"):
        assert not _reaches(graph, module, "suppliers"), _reaches(graph, module, "suppliers")


def test_the_selectors_never_import_the_annex():
    graph = import_graph()
    for module in _under(graph, "suppliers.selectors"):
        path = _reaches(graph, module, "suppliers.annex")
        assert not path, path
