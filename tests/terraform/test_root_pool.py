"""Root modules evaluated by forked workers give exactly what evaluating them here gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.policy_files import load_knowledge
from linter.terraform.modules.frontend import load_terraform
from linter.terraform.modules.root_pool import MIN_ROOTS, evaluate_roots

ROOT = ('provider "aws" {{\n  region = "eu-west-3"\n}}\n\n'
        'resource "aws_s3_bucket" "b{n}" {{\n  tags = {{ sensibilite = "{level}" }}\n}}\n')


def test_workers_and_in_process_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = []
    for n in range(MIN_ROOTS + 2):
        folder = tmp_path / f"env{n}"
        folder.mkdir()
        (folder / "main.tf").write_text(ROOT.format(n=n, level="particuliere" if n % 2 else "standard"))
        files.append(f"env{n}/main.tf")
    (tmp_path / "env0" / "broken.tf").write_text('resource "x" "y" {\n')
    files.append("env0/broken.tf")
    monkeypatch.chdir(tmp_path)
    knowledge = load_knowledge()
    alone = load_terraform(files, knowledge=knowledge, boundary=tmp_path, jobs=1)
    pooled = load_terraform(files, knowledge=knowledge, boundary=tmp_path, jobs=2)
    assert pooled == alone
    assert [n.address for n in pooled.nodes][:2] == ["aws_s3_bucket.b0", "aws_s3_bucket.b1"]
    assert [(p.location.file, p.location.line) for p in pooled.problems] == [("env0/broken.tf", 1)]


def test_a_result_that_cannot_come_back_is_computed_here() -> None:
    """A worker's result is pickled; one that cannot be (here a function) is evaluated again in
    this process, so no root is lost."""
    roots = [f"r{n}" for n in range(MIN_ROOTS)]
    marker = lambda: None  # noqa: E731 - a lambda is what pickle refuses

    def unsendable(root: str) -> tuple[list[object], list[object], list[object]]:
        return [], [], [root, marker]

    results = evaluate_roots(roots, unsendable, workers=2)
    assert sorted(results) == roots
    assert all(results[r][2] == [r, marker] for r in roots)
