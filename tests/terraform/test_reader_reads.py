"""The Terraform reader reads and hashes each module file once: what it parses, records and reports
is the one read's bytes, its digest and the ``fstat`` of the descriptor they came from."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from helpers.read_spy import spy_reads

from linter import read_log
from linter.loaders.hcl import load_hcl
from linter.terraform.modules import reader as reader_module
from linter.terraform.modules.reader import Reader
from linter.terraform.modules.root_cache import tracked


@pytest.fixture()
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return spy_reads(monkeypatch, reader_module)


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


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the module files' loader is called for."""
    from linter.loaders import parallel

    calls: list[str] = []
    real = parallel.load_hcl

    def counting(path: str, text: str) -> object:
        calls.append(path)
        return real(path, text)

    monkeypatch.setattr(parallel, "load_hcl", counting)
    return calls


def _twins(tmp_path: Path) -> Reader:
    for folder, extra in (("a", ""), ("b", ""), ("c", " ")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "versions.tf").write_text('terraform {\n  required_version = ">= 1.0"\n}\n' + extra)
    return Reader(tmp_path, tmp_path, {f: (f"{f}/versions.tf",) for f in "abc"})


def test_a_file_of_the_bytes_of_one_held_is_not_parsed_again(tmp_path: Path, parsed: list[str]) -> None:
    reader = _twins(tmp_path)
    reader.preparse(["a/versions.tf"])
    first = reader.module("a")
    reader.preparse(["b/versions.tf", "c/versions.tf"])  # a later chunk of folders
    second, third = reader.module("b"), reader.module("c")
    assert parsed == ["a/versions.tf", "c/versions.tf"]  # c's bytes differ
    assert first is not None and second is not None and third is not None
    assert second[0] == load_hcl("b/versions.tf", (tmp_path / "b" / "versions.tf").read_text())
    assert second[0].path == "b/versions.tf" and second[0].body is first[0].body


def test_a_file_read_when_evaluating_takes_the_ir_of_one_held(tmp_path: Path, parsed: list[str]) -> None:
    reader = _twins(tmp_path)
    reader.preparse(["a/versions.tf"])
    assert reader.module("a") is not None
    config, reads = tracked(reader, lambda: reader.parse("b/versions.tf"))  # not preparsed
    assert parsed == ["a/versions.tf"] and config is not None and config.path == "b/versions.tf"
    assert reads.files == {"b/versions.tf": hashlib.sha256((tmp_path / "b" / "versions.tf").read_bytes()).hexdigest()}


def test_a_forgotten_file_is_no_twin(tmp_path: Path, parsed: list[str]) -> None:
    reader = _twins(tmp_path)
    reader.preparse(["a/versions.tf"])
    assert reader.module("a") is not None
    reader.forget("a")
    reader.preparse(["b/versions.tf"])
    assert reader.module("b") is not None and parsed == ["a/versions.tf", "b/versions.tf"]


def test_a_variables_file_of_the_same_bytes_is_parsed_as_one(tmp_path: Path, parsed: list[str]) -> None:
    (tmp_path / "main.tf.json").write_text('{"variable": {"a": {}}}')
    (tmp_path / "given.tf.json").write_text('{"variable": {"a": {}}}')
    reader = Reader(tmp_path, tmp_path, {".": ("main.tf.json",)})
    reader.preparse(["main.tf.json"])
    module = reader.module(".")
    given = reader.parse("given.tf.json", tfvars=True)  # a --var-file: its attributes are variables
    assert module is not None and given is not None
    assert [a.name for a in given.body.attributes] == ["variable"] and not module[0].body.attributes
