"""The Terraform reader reads and hashes each module file once: what it parses, records and reports
is the one read's bytes, its digest and the ``fstat`` of the descriptor they came from."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from linter import read_log
from linter.files import Read
from linter.loaders.hcl import load_hcl
from linter.terraform.modules import reader as reader_module
from linter.terraform.modules.reader import Reader
from linter.terraform.modules.root_cache import tracked


@pytest.fixture()
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = reader_module.read_hashed

    def counting(path: Path, limit: int) -> Read:
        calls.append(Path(path).name)
        return real(path, limit)

    monkeypatch.setattr(reader_module, "read_hashed", counting)
    return calls


def test_a_preparsed_file_is_read_and_hashed_once(tmp_path: Path, opened: list[str]) -> None:
    (tmp_path / "main.tf").write_text('locals {\n  a = "one"\n}\n')
    reader = Reader(tmp_path, tmp_path, {})
    with read_log.recording() as log:
        reader.preparse(["main.tf"])
        (tmp_path / "main.tf").write_text('locals {\n  a = "two"\n}\n')  # after the read: not seen
        config, reads = tracked(reader, lambda: reader.parse("main.tf"))
    first = b'locals {\n  a = "one"\n}\n'
    assert opened == ["main.tf"]
    assert config == load_hcl("main.tf", first.decode())  # the bytes parsed are the bytes hashed
    full = os.path.join(tmp_path, "main.tf")
    assert log.files == {full: hashlib.sha256(first).hexdigest()}
    assert reads.files == {"main.tf": hashlib.sha256(first).hexdigest()}
    assert log.stats[full] == reads.stats["main.tf"] and log.stats[full][2] == len(first)


def test_a_file_not_preparsed_is_read_when_parsed(tmp_path: Path, opened: list[str]) -> None:
    (tmp_path / "main.tf").write_text("locals {}\n")
    reader = Reader(tmp_path, tmp_path, {})
    reader.preparse([])
    assert reader.parse("main.tf") is not None and reader.parse("main.tf") is not None
    assert opened == ["main.tf"]


def test_a_forgotten_folder_is_read_again(tmp_path: Path, opened: list[str]) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text("locals {}\n")
    reader = Reader(tmp_path, tmp_path, {"m": ("m/main.tf",)})
    reader.preparse(["m/main.tf"])
    assert reader.module("m") is not None and opened == ["main.tf"]
    reader.forget("m")
    assert reader.module("m") is not None and opened == ["main.tf", "main.tf"]


def test_a_link_leaving_the_boundary_is_not_read_to_preparse(tmp_path: Path, opened: list[str]) -> None:
    (tmp_path / "outside.tf").write_text("locals {}\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "main.tf").symlink_to(tmp_path / "outside.tf")
    reader = Reader(tmp_path / "repo", tmp_path / "repo", {})
    reader.preparse(["main.tf"])
    assert reader.parse("main.tf") is None and opened == []
    assert [p.message for p in reader.problems] == [
        "leaves the scanned repository (a link or a path outside it): not read"]
