"""Modules use each other's public names only (STYLE: "apps never import each other's private
names"; issue 10, item 9).

A leading underscore says "this module's own": another module that imports it ties itself to a
detail the owner may change at will. What two modules share gets a public name in its owner.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("portal", "suppliers", "commission", "registers", "deregistration", "egov_gateway")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(path: Path) -> list[str]:
    """``from x import _name`` and ``import x._module`` in one file, as "line: statement"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                parts = [*(node.module or "").split("."), alias.name]
                if any(_is_private(part) for part in parts):
                    found.append(f"{node.lineno}: from {module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(_is_private(part) for part in alias.name.split(".")):
                    found.append(f"{node.lineno}: import {alias.name}")
    return found


def _python_files() -> list[Path]:
    files = []
    for package in SOURCES:
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    files += list((ROOT / "tests").rglob("*.py"))
    return sorted(files)


def test_the_checker_sees_private_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from __future__ import annotations\n"
        "from a.b import public, _private\n"
        "from a import __version__\n"
        "import a._hidden\n"
    )
    assert private_imports(sample) == ["2: from a.b import _private", "4: import a._hidden"]


def test_no_module_imports_another_modules_private_names():
    offending = {
        str(path.relative_to(ROOT)): found
        for path in _python_files()
        if (found := private_imports(path))
    }
    assert offending == {}
