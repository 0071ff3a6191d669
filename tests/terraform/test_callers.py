"""pre-commit passes a child module's file: the modules that call it are evaluated with it."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from linter.cli import main
from linter.terraform.modules.callers import caller_files

ROOT = ('provider "aws" {\n  region = "eu-west-3"\n}\n\n'
        'module "db" {\n  source = "./modules/db"\n  level  = "particuliere"\n}\n')
CHILD = ('variable "level" {}\n\nresource "aws_db_instance" "this" {\n'
         '  tags = { sensibilite = var.level }\n}\n')
WRAPPER = 'module "inner" {\n  source = "../db"\n  level  = "standard"\n}\n'


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "modules" / "db").mkdir(parents=True)
    (tmp_path / "modules" / "wrap").mkdir()
    (tmp_path / "main.tf").write_text(ROOT)
    (tmp_path / "modules" / "db" / "main.tf").write_text(CHILD)
    (tmp_path / "modules" / "wrap" / "main.tf").write_text(WRAPPER)
    (tmp_path / "other.txt").write_text("module db")
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)  # pre-commit passes staged files
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_callers_are_found_transitively(repo: Path) -> None:
    assert caller_files({"modules/db"}, repo, repo) == ["main.tf", "modules/wrap/main.tf"]


def test_a_staged_child_file_reports_through_its_caller(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "modules/db/main.tf"]) == 1
    out = capsys.readouterr().out
    assert "modules/db/main.tf:3: error SNC001 module.db.aws_db_instance.this" in out
    assert "SNC004" not in out
