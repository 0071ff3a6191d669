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

from linter.errors import LinterError


@cache
def folder(package: str) -> Path:
    """The folder of ``package`` (``linter.policies``, ``linter.schemas``, ``linter.reporters``).
    LinterError when it is no folder on disk (an install kept in an archive, or a package without
    its ``__init__.py``, whose data would otherwise be looked for in the current folder)."""
    where = importlib.import_module(package).__file__
    found = None if where is None else Path(where).parent
    if found is None or not found.is_dir():
        raise LinterError(f"the data files of {package} are not a folder on disk ({found or 'no file'}): "
                          "install snclint as files, not in an archive")
    return found
