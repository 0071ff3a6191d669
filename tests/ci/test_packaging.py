"""The wheel pre-commit and the GitLab job install holds every package: setuptools is given an
explicit list, so a new sub-package left out of it would work from a checkout (editable install)
and be missing from the installed tool."""
from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_package_of_the_source_tree_is_declared() -> None:
    declared = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
                   ["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "linter").rglob("__init__.py")}
    assert found - declared == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert declared - found - {"linter.policies"} == set(), "these declared packages do not exist"


def test_the_compiled_shipped_knowledge_is_package_data() -> None:
    """``policies/compiled.json`` (``linter.shipped_knowledge``) is installed beside the YAML."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert any(Path("compiled.json").match(glob) for glob in data["linter.policies"])
    assert (REPO / "policies" / "compiled.json").is_file()
