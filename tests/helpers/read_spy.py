"""The names of the files a module reads through ``linter.files.read_hashed``, in order."""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from linter.files import Read


def spy_reads(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[str]:
    """Each file name ``module`` reads from now on (its ``read_hashed`` replaced by a spy)."""
    names: list[str] = []
    real = module.read_hashed

    def spy(path: Path, limit: int) -> Read:
        names.append(Path(path).name)
        return real(path, limit)

    monkeypatch.setattr(module, "read_hashed", spy)
    return names
