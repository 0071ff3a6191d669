"""Kept roots and scans are keyed by the code digest: editing a shipped policy file in a checkout
(where the policies are not inside the package's folder) must change it like editing the code."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from linter import package_data
from linter.loaders.value_digest import code_digest


def test_a_shipped_policy_file_is_part_of_the_code_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = package_data.folder("linter.policies")
    copy = tmp_path / "policies"
    shutil.copytree(shipped, copy)
    real = package_data.folder
    monkeypatch.setattr(package_data, "folder", lambda package: copy if package == "linter.policies" else real(package))
    code_digest.cache_clear()
    before = code_digest()
    with (copy / "kubernetes.yaml").open("a", encoding="utf-8") as file:
        file.write("\n# edited\n")
    code_digest.cache_clear()
    assert code_digest() != before
    code_digest.cache_clear()
