"""A root module that exhausts memory ends in SNC000, never in a traceback (a worker process that
dies: ``tests/terraform/test_root_pool.py``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.policy_files import load_knowledge
from linter.terraform.modules import frontend


def test_a_root_module_out_of_memory_is_one_snc000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')

    def exhausted(*_: object) -> object:
        raise MemoryError

    monkeypatch.setattr(frontend, "walk", exhausted)
    fragment = frontend.load_terraform(["main.tf"], knowledge=load_knowledge(), boundary=tmp_path,
                                       cwd=tmp_path)
    assert [(p.location.file, p.message) for p in fragment.problems] == [
        ("main.tf", "root module .: not read: it needs more memory than the scan may use (MemoryError)")]
