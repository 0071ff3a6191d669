"""Inputs that used to let a gate pass silently: each is now a one-line usage error (exit 2) or a
finding (issue: fail closed on bad input)."""
from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from linter.cli import main

REPO = Path(__file__).resolve().parents[1]
BUCKET = '''provider "aws" {
  region = "eu-west-3"
}

%s
resource "aws_s3_bucket" "records" {
  tags = { data_sensitivity = var.level }
}

variable "level" {
  default = "interne"
}
'''


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(BUCKET % "")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _usage_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(args) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("snclint: error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0].removeprefix("snclint: error: ")


def _rules(capsys: pytest.CaptureFixture[str], args: list[str], code: int) -> list[tuple[str, str]]:
    capsys.readouterr()
    assert main([*args, "-f", "json"]) == code
    return [(f["rule_id"], f["address"]) for f in json.loads(capsys.readouterr().out)["findings"]]


def test_an_impossible_expiry_date_in_the_config_is_an_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text("version: 1\nexceptions:\n  - {rule: SNC001, address: aws_s3_bucket.records,"
                                        " reason: migrating, expires: 2027-13-45}\n")
    assert _usage_error(["scan", "."], capsys) == (
        ".snclint.yaml: exceptions.0.expires: 2027-13-45 is not a date (YYYY-MM-DD)")


def test_an_impossible_inline_date_is_an_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "infra" / "main.tf").write_text(BUCKET % '# snclint:ignore SNC001 reason="moving" until=2027-13-45')
    assert _usage_error(["scan", "."], capsys) == "infra/main.tf:5: until=2027-13-45 is not a date (YYYY-MM-DD)"


@pytest.mark.parametrize("args, message", [
    (["--select", "SNC999"], "--select: SNC999 is not a rule id"),
    (["--ignore", "SNC001,SNC01"], "--ignore: SNC01 is not a rule id"),
    (["--fail-on-rule", "SNC00"], "--fail-on-rule: SNC00 is not a rule id"),
])
def test_an_unknown_rule_id_is_an_error(repo: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                        message: str) -> None:
    assert _usage_error(["scan", ".", *args], capsys).startswith(message + " (the rules are SNC000, ")


def test_unknown_rule_ids_in_the_config_are_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text("version: 1\nselect: [SNC9]\n")
    assert _usage_error(["scan", "."], capsys).startswith(".snclint.yaml: select: SNC9 is not a rule id")
    (repo / ".snclint.yaml").write_text("version: 1\nexceptions:\n  - {rule: SNC01, address: a.b, reason: x}\n")
    assert _usage_error(["scan", "."], capsys).startswith(".snclint.yaml: exceptions.0.rule: SNC01 is not a rule id")


def test_a_rule_prefix_still_selects(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", ".", "--select", "SNC00"]) == 0


def test_a_missing_path_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _usage_error(["scan", "infra", "infar"], capsys) == "infar: no such file or directory"


@pytest.mark.parametrize("files", [{}, {"README.md": "# docs\n"}, {"envs/notes.txt": "x\n"}])
def test_nothing_to_scan_fails_unless_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    assert _usage_error(["scan", "."], capsys) == (
        "nothing to scan in .: no Terraform file, manifest or plan; --allow-empty to pass anyway")
    assert main(["scan", ".", "--allow-empty"]) == 0


def test_empty_standard_input_is_nothing_to_scan(repo: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n")))
    assert "(standard input is empty)" in _usage_error(["scan", "-"], capsys)


def test_a_var_file_without_a_root_module_is_an_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "envs").mkdir()
    (repo / "envs" / "prod.tfvars").write_text('level = "particuliere"\n')
    assert _usage_error(["scan", "envs/prod.tfvars"], capsys).startswith(
        "envs/prod.tfvars: no root module found for this variables file")


def test_a_committed_var_file_rechecks_the_root_it_feeds(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "infra" / "envs").mkdir()
    (repo / "infra" / "envs" / "prod.tfvars").write_text('level = "particuliere"\n')
    (repo / "infra" / "envs" / "dev.tfvars").write_text('level = "interne"\n')
    assert _rules(capsys, ["scan", "infra/envs/prod.tfvars"], 1) == [("SNC001", "aws_s3_bucket.records")]
    assert _rules(capsys, ["scan", "infra/envs/dev.tfvars"], 0) == []
    assert _rules(capsys, ["scan", "infra"], 0) == [], "a walk applies no var file the config does not map"


def test_the_config_maps_var_files_to_roots(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "infra" / "envs").mkdir()
    (repo / "infra" / "envs" / "prod.tfvars").write_text('level = "particuliere"\n')
    (repo / ".snclint.yaml").write_text("version: 1\nterraform:\n  roots:\n"
                                        "    infra: {var_files: [infra/envs/prod.tfvars]}\n")
    assert _rules(capsys, ["scan", "."], 1) == [("SNC001", "aws_s3_bucket.records")]
    assert _rules(capsys, ["scan", "infra/envs/prod.tfvars"], 1) == [("SNC001", "aws_s3_bucket.records")]
    (repo / ".snclint.yaml").write_text("version: 1\nterraform:\n  roots:\n    infra: {var_files: [nope.tfvars]}\n")
    assert _usage_error(["scan", "."], capsys) == ".snclint.yaml: terraform.roots: nope.tfvars: no such file"


def test_a_stale_exception_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text("version: 1\nexceptions:\n  - {rule: SNC001, address: aws_s3_bucket.recrods,"
                                        " reason: migrating, expires: 2099-01-01}\n")
    assert _rules(capsys, ["scan", "."], 0) == [("SNC007", "aws_s3_bucket.recrods")]
    assert main(["scan", ".", "--select", "SNC007"]) == 0
    assert "it matches nothing in this scan" in capsys.readouterr().out
    assert _rules(capsys, ["scan", "infra"], 0) == [], "a subfolder scan cannot tell a stale exception"


def _hook_args() -> list[str]:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = shlex.split(hook["entry"])
    assert entry[0] == "snclint"
    return entry[1:]


def test_the_pre_commit_hook_refuses_a_suppression_without_a_reason(repo: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "infra" / "main.tf").write_text(BUCKET % "# snclint:ignore SNC005")
    assert main(["scan", "infra/main.tf"]) == 0, "a warning alone passes a plain scan"
    assert main([*_hook_args(), "infra/main.tf"]) == 1
    assert "SNC007" in capsys.readouterr().out


def test_soft_fail_reports_and_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "infra" / "main.tf").write_text(BUCKET.replace("interne", "particuliere") % "")
    assert main(["scan", "."]) == 1
    assert main(["scan", ".", "--soft-fail"]) == 0
    assert "SNC001" in capsys.readouterr().out


def test_an_inline_suppression_of_an_unknown_rule_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "infra" / "main.tf").write_text(BUCKET.replace("interne", "particuliere")
                                            % '# snclint:ignore SNC0001 reason="moving"')
    assert _rules(capsys, ["scan", "."], 1) == [("SNC007", "aws_s3_bucket.records"),
                                                ("SNC001", "aws_s3_bucket.records")]
    assert main(["scan", ".", "--select", "SNC007"]) == 0
    assert "is not in force: SNC0001 is not a rule (a typo?)" in capsys.readouterr().out
