"""A worker process that dies (killed, out of memory) or a root module that exhausts memory ends
in SNC000 or in-process work, never in a hang or a traceback."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from linter.loaders import parallel
from linter.policy_files import load_knowledge
from linter.terraform.modules import frontend
from linter.terraform.modules.root_pool import evaluate_roots

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux-only")


def test_roots_of_a_dead_worker_are_evaluated_here() -> None:
    parent = os.getpid()

    def evaluate(root: str) -> tuple[list, list, list[str]]:  # type: ignore[type-arg]
        if os.getpid() != parent:
            os._exit(137)  # as the kernel's OOM killer would end it
        return [], [], [root]

    roots = [f"r{i}" for i in range(16)]
    assert {r: files for r, (_, _, files) in evaluate_roots(roots, evaluate, 2).items()} == {r: [r] for r in roots}


def test_files_of_a_dead_parse_worker_are_parsed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    chunk = parallel.parse_chunk

    def dying(*args: object) -> object:
        if os.getpid() != parent:
            os._exit(137)
        return chunk(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "parse_chunk", dying)
    paths = []
    for i in range(parallel.PARALLEL_MIN_FILES + 16):
        (tmp_path / f"f{i}.tf").write_text(f"locals {{\n  x{i} = {i}\n}}\n")
        paths.append(f"f{i}.tf")
    assert sorted(parallel.parse_all(paths, jobs=parallel.MIN_PARSE_WORKERS, cache=False, cwd=tmp_path)) \
        == sorted(paths)


def test_a_root_module_out_of_memory_is_one_snc000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')

    def exhausted(*_: object) -> object:
        raise MemoryError

    monkeypatch.setattr(frontend, "walk", exhausted)
    fragment = frontend.load_terraform(["main.tf"], knowledge=load_knowledge(), boundary=tmp_path,
                                       cwd=tmp_path)
    assert [(p.location.file, p.message) for p in fragment.problems] == [
        ("main.tf", "root module .: not read: it needs more memory than the scan may use (MemoryError)")]
