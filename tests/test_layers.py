"""Data flows one way: no module imports from a later stage (docs/architecture.md#layers).

The layers are read from the numbered list of docs/architecture.md, so the doc and the check are
one list; every import of the package (at the top or inside a function) is checked against it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"

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
    out = []
    for path in sorted((REPO / "linter").rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
                out += [(module, base)] if base.startswith("linter") else []
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
