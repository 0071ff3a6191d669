from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linter.cli import main

BAD_TF = ('provider "aws" {\n  region = "eu-west-3"\n}\n\n'
          'resource "aws_db_instance" "p" {\n  tags = { sensibilite = "particuliere" }\n}\n')


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(BAD_TF)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exit_codes_follow_fail_on(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "."]) == 1
    assert main(["scan", ".", "--fail-on", "never"]) == 0
    assert main(["scan", ".", "--ignore", "SNC001"]) == 0
    out = capsys.readouterr().out
    assert "main.tf:5: error SNC001 aws_db_instance.p" in out


def test_json_report_shape(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", ".", "-f", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["schema_version"] == 1
    assert report["summary"] == {"files": 1, "resources": 1, "error": 1, "warning": 0, "info": 0, "suppressed": 0}
    (finding,) = report["findings"]
    assert {k: finding[k] for k in ("rule_id", "severity", "address", "file", "line", "cluster", "sensitivity")} == {
        "rule_id": "SNC001", "severity": "error", "address": "aws_db_instance.p", "file": "main.tf", "line": 5,
        "cluster": None, "sensitivity": "particuliere"}
    assert finding["hosting"] == {
        "provider": "aws", "offer": None, "region": "eu-west-3", "qualification": "not-qualified",
        "reason": "provider-not-qualified", "declared": None,
        "catalogue_fact": {"row": "aws", "status": "ineligible", "version": None, "since": None, "valid_until": None,
                           "newest_source": "2025", "checked_on": "2026-12-07", "caveats": []}}
    assert report["tool"]["catalogue"] == {
        "checked_on": "2026-12-07", "added_files": 0,
        "checked_against": "secondary sources (press, vendor documents, provider repositories); ANSSI's list "
                           "of qualified SecNumCloud offers could not be consulted"}


def test_bad_config_is_one_line_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".snclint.yaml").write_text("version: 1\nkubernetes:\n  clustres: {}\n")
    assert main(["scan", "."]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("snclint: error: .snclint.yaml: kubernetes")
    assert "clustres" in err[0]


def test_bad_config_type(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "my.yaml").write_text("version: 1\nexceptions: yes\n")
    assert main(["scan", ".", "-c", "my.yaml"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("snclint: error: my.yaml: exceptions")


def test_usage_errors_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--format", "xml"]) == 2
    assert main(["scan", "--var", "novalue"]) == 2
    assert main(["scan", "--report", "pdf:x.pdf"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_output_file_and_extra_reports(repo: Path) -> None:
    assert main(["scan", ".", "-f", "json", "-o", "out.json", "--report", "text:out.txt"]) == 1
    assert json.loads((repo / "out.json").read_text())["findings"][0]["rule_id"] == "SNC001"
    assert "SNC001" in (repo / "out.txt").read_text()


def test_explain_rule_and_address(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "SNC001"]) == 0
    assert "SNC001" in capsys.readouterr().out
    assert main(["explain", "aws_db_instance.p", "."]) == 0
    out = capsys.readouterr().out
    assert "classification: classified particuliere" in out
    assert "qualification: not-qualified (provider-not-qualified)" in out
    assert main(["explain", "nothing.here", "."]) == 2


def test_graph_formats(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("json", "dot", "graphml", "mermaid"):
        assert main(["graph", ".", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "aws_db_instance.p" in out and "hosted_on" in out


def test_merge_reports(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a").mkdir()
    main(["scan", ".", "-f", "json", "-o", "a/report.json"])
    assert main(["merge", "a/report.json", "--fail-on", "error"]) == 1
    merged = json.loads(capsys.readouterr().out)
    assert merged["summary"]["error"] == 1
    assert merged["findings"][0]["file"] == "a/main.tf"


def test_providers_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    assert "s3ns" in out and "outscale" in out


def test_config_sets_fail_on_strict_and_ignore_and_the_command_line_wins(repo: Path) -> None:
    (repo / ".snclint.yaml").write_text("version: 1\nfail_on: never\n")
    assert main(["scan", "."]) == 0
    assert main(["scan", ".", "--fail-on", "error"]) == 1
    (repo / ".snclint.yaml").write_text("version: 1\nignore: [SNC001]\n")
    assert main(["scan", "."]) == 0
    (repo / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  tags = { sensibilite = var.x }\n}\n')
    (repo / ".snclint.yaml").write_text("version: 1\nstrict: true\n")
    assert main(["scan", "."]) == 1
    (repo / ".snclint.yaml").write_text("version: 1\n")
    assert main(["scan", "."]) == 0


@pytest.mark.slow
@pytest.mark.parametrize("command", [["graph", ".", "--format", "json"], ["graph", ".", "--format", "dot"],
                                     ["scan", ".", "--format", "json"]])
def test_a_reader_that_stops_early_is_no_error(tmp_path: Path, command: list[str]) -> None:
    """``snclint graph | head``: the output that nobody reads goes nowhere, and the command ends as
    it would have (first run, then from the kept document, which is copied differently)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-3"\n}\n' + "".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n}}\n' for i in range(800)))  # a warning each: no classification
    env = {**os.environ, "SNCLINT_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "linter", *command], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(100)
        proc.stdout.close()  # far less than the document, which is larger than a pipe holds
        error = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0, error
        assert "error" not in error


def test_a_closed_standard_output_is_no_error(repo: Path) -> None:
    """``snclint graph >&-``: nowhere to write is not an internal error, nor a closed standard error."""
    for command in ("graph . >&-", "scan . --fail-on never >&-", "scan . --fail-on never 2>&-"):
        done = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m linter {command}'], cwd=repo,
                              env={**os.environ, "SNCLINT_CACHE_DIR": str(repo / "cache")},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "error" not in done.stderr, done.stderr
