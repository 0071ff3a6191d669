"""Where the package's own data files are: the shipped policies, the JSON Schemas, the HTML
report's stylesheet.

Their packages are regular ones installed as files (``pyproject.toml``), so a data file is its
package's folder and its name: ``importlib.resources.files`` gives the same path, but importing it
costs every start about 5 ms (measured 2026-12-07: it loads ``tempfile``, ``shutil``, ``zipfile``
and their compressors, for packages kept in archives, which this one never is).
"""
from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path


@cache
def folder(package: str) -> Path:
    """The folder of ``package`` (``linter.policies``, ``linter.schemas``, ``linter.reporters``)."""
    return Path(str(importlib.import_module(package).__file__)).parent
