"""A scanned repository's ``.snclint.yaml`` cannot make snclint read, or print, anything outside it;
``--no-repo-config`` ignores it (audits); the command line may still name anything."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.cli import main

BAD_TF = ('provider "aws" {\n  region = "eu-west-3"\n}\n\n'
          'resource "aws_db_instance" "p" {\n  tags = { sensibilite = "particuliere" }\n}\n')
TOKEN = "glpat-Zx8vQ2mN4bR7tY1uW3eK"
CATALOG = "kind: catalog\nproviders:\n  aws: {name: AWS, status: qualified}\n"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "main.tf").write_text(BAD_TF)
    (tmp_path / "credentials").write_text(f"https://user:{TOKEN}@gitlab.example.org\n")
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "catalog.yaml").write_text(CATALOG)
    monkeypatch.chdir(root)
    return root


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert TOKEN not in captured.err + captured.out and "root:" not in captured.err
    return lines[0]


@pytest.mark.parametrize("config, key", [
    ("catalog: [/etc/passwd]", "catalog[0]"),
    ("policies: [/etc]", "policies[0]"),
    ("catalog: [../credentials]", "catalog[0]"),
    ("catalog: [ok.yaml, ../pack/catalog.yaml]", "catalog[1]"),
    ("catalog: [link.yaml]", "catalog[0]"),
    ("policies: [.git]", "policies[0]"),
])
def test_a_repository_config_may_not_name_files_outside_the_repository(
        repo: Path, capsys: pytest.CaptureFixture[str], config: str, key: str) -> None:
    (repo / "ok.yaml").write_text(CATALOG)
    (repo / "link.yaml").symlink_to(repo.parent / "credentials")
    (repo / ".snclint.yaml").write_text(f"version: 1\n{config}\n")
    assert main(["scan", "."]) == 2
    flag = "catalog" if key.startswith("catalog") else "policies"
    assert one_error(capsys) == (
        f"snclint: error: .snclint.yaml: {key}: a path out of the repository (or into .git) is refused in a "
        f"repository's config; give it on the command line (--{flag}) if you trust it")


def test_a_file_inside_that_is_not_a_catalogue_is_an_error_that_quotes_nothing(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "token.txt").write_text(f"{TOKEN}\n")
    (repo / ".snclint.yaml").write_text("version: 1\ncatalog: [token.txt]\n")
    assert main(["scan", "."]) == 2
    assert one_error(capsys) == "snclint: error: token.txt: (top level): expected a mapping"


def test_a_config_value_is_never_quoted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text(f"version: 1\nfail_on: {TOKEN}\nstrict: {TOKEN}\n")
    assert main(["scan", "."]) == 2
    assert one_error(capsys).startswith("snclint: error: .snclint.yaml: ")


def test_a_config_that_is_a_link_out_of_the_repository_is_not_read(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").symlink_to(repo.parent / "credentials")
    assert main(["scan", "."]) == 2
    assert one_error(capsys) == "snclint: error: .snclint.yaml: a link out of the repository: not read"


def test_the_command_line_may_name_anything(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", ".", "--catalog", str(repo.parent / "pack" / "catalog.yaml")]) == 0
    outside = repo.parent / "org.yaml"
    outside.write_text("version: 1\ncatalog: [pack/catalog.yaml]\n")
    assert main(["scan", ".", "-c", str(outside)]) == 0  # a config of the user's, outside the repository
    (repo / "ci.yaml").write_text("version: 1\ncatalog: [../pack/catalog.yaml]\n")
    assert main(["scan", ".", "-c", "ci.yaml"]) == 2  # the repository's own file, named: still confined
    assert "ci.yaml: catalog[0]: a path out of the repository" in capsys.readouterr().err


def test_no_repo_config_ignores_the_repository_config_and_its_exceptions(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text(
        "version: 1\nexceptions:\n  - {rule: SNC001, address: aws_db_instance.p, reason: accepted}\n")
    assert main(["scan", "."]) == 0
    assert main(["scan", ".", "--no-repo-config"]) == 1
    (repo / ".snclint.yaml").write_text("version: 1\ncatalog: [/etc/passwd]\n")
    assert main(["scan", ".", "--no-repo-config"]) == 1
    assert "SNC001" in capsys.readouterr().out


def test_terraform_roots_and_their_var_files_stay_inside(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text("version: 1\nterraform:\n  roots:\n    .: {var_files: [../credentials]}\n")
    assert main(["scan", "."]) == 2
    assert one_error(capsys) == (
        "snclint: error: .snclint.yaml: terraform.roots...var_files[0]: a path out of the repository (or into .git) "
        "is refused in a repository's config; give it on the command line (--var-file) if you trust it")


def test_a_system_level_outside_the_vocabulary_is_named_by_shape_when_it_looks_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (tmp_path / ".snclint.yaml").write_text(
        "version: 1\nsystems:\n  - {name: payroll, level: AKIAIOSFODNN7EXAMPLE, members: {paths: ['**']}}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 2
    err = capsys.readouterr().err
    assert "systems: payroll: level" in err and "AKIAIOSFODNN7EXAMPLE" not in err
