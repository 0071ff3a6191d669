"""Data flows one way: no module imports from a later stage (docs/architecture.md#layers).

The layers are read from the numbered list of docs/architecture.md, so the doc and the check are
one list; every import of the package (at the top or inside a function) is checked against it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"
# the one import cycle docs/architecture.md#layers allows: the HCL grammar's recursion (a template
# holds expressions, an expression may be a template)
GRAMMAR = {"linter.loaders.hcl_ts_expr", "linter.loaders.hcl_ts_template"}

def layers() -> list[tuple[list[str], bool]]:
    """(module names, independent of each other) per layer, lowest first."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Layers"):]
    section = section[:section.index("\n## ", 1)]
    out = []
    for line in re.findall(r"^\d+\. (.+)$", section, re.M):
        out.append((re.findall(r"`(linter[\w.]*)`", line), "independent" in line))
    return out


def layer_of(module: str, table: list[tuple[list[str], bool]]) -> tuple[int, str]:
    """(layer index, the listed name it falls under: the longest); unlisted modules are in the
    first layer."""
    found = [(len(name), index, name) for index, (names, _) in enumerate(table) for name in names
             if module == name or (name != "linter" and module.startswith(name + "."))]
    return max(found)[1:] if found else (0, module)


def imports() -> list[tuple[str, str]]:
    """(importer, imported module) for every import of the package; ``from linter import limits``
    imports ``linter.limits``."""
    paths = sorted((REPO / "linter").rglob("*.py"))
    names = [".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__") for p in paths]
    out = []
    for path, module in zip(paths, names, strict=True):
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
                if base.startswith("linter"):
                    out += [(module, f"{base}.{a.name}" if f"{base}.{a.name}" in names else base)
                            for a in node.names]
            elif isinstance(node, ast.Import):
                out += [(module, a.name) for a in node.names if a.name.startswith("linter")]
    return out


def test_the_layers_are_listed() -> None:
    table = layers()
    assert len(table) >= 8 and ["linter.cli", "linter.__main__"] == table[-1][0]


def test_no_import_goes_against_the_flow() -> None:
    table = layers()
    against = set()
    for importer, imported in imports():
        (low, low_name), (high, high_name) = layer_of(imported, table), layer_of(importer, table)
        if low > high or (low == high and table[low][1] and low_name != high_name):
            against.add((importer, imported))
    assert sorted(against) == [], "an import against docs/architecture.md#layers"


def test_the_stages_after_the_frontends_import_none_of_them() -> None:
    """The graph, rules and reporters read a format's facts as data on the nodes, never from its
    frontend's code (docs/architecture.md#layers)."""
    def under(module: str, packages: tuple[str, ...]) -> bool:
        return any(module == p or module.startswith(p + ".") for p in packages)

    later = ("linter.graph", "linter.rules", "linter.reporters", "linter.inventory")
    frontends = ("linter.terraform", "linter.kubernetes", "linter.terragrunt")
    found = sorted((a, b) for a, b in imports() if under(a, later) and under(b, frontends))
    assert found == [], "a later stage imports a frontend"


def test_no_import_cycle() -> None:
    """Imports for type checking count too: a cycle is a cycle for the reader."""
    graph = nx.DiGraph([(a, b) for a, b in imports() if a != b])
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1 and c != GRAMMAR]
    assert cycles == [], "an import cycle (docs/architecture.md#layers)"
