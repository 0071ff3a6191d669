"""The package's data files are found in its packages' folders, or the run stops with one clear
line: never looked for anywhere else (a scanned repository is the current folder)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from linter.errors import LinterError
from linter.package_data import folder


def test_the_shipped_data_is_in_its_packages_folders() -> None:
    assert (folder("linter.policies") / "compiled.json").is_file()
    assert (folder("linter.schemas") / "config.schema.json").is_file()
    assert (folder("linter.reporters") / "report.css").is_file()


def test_a_package_in_an_archive_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "installed.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("zipped_data/__init__.py", "")
        out.writestr("zipped_data/rules.yaml", "rules: []\n")
    monkeypatch.syspath_prepend(str(archive))
    with pytest.raises(LinterError, match="not a folder on disk"):
        folder("zipped_data")


def test_a_package_without_its_init_file_is_not_looked_for_here(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A namespace package has no ``__file__``: its folder would have read as ``.``."""
    (tmp_path / "spread_data").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path / "spread_data")
    with pytest.raises(LinterError, match="not a folder on disk"):
        folder("spread_data")
