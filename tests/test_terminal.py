"""The terminal side of ``snclint``: colour, quiet mode, the summary when the report goes to a
file, progress, one-line usage errors, and the scan's context on ``graph``/``explain``/``policies``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from linter.cli import main

TF = '''provider "aws" {
  region = "eu-west-3"
}

variable "level" {
  default = "standard"
}

resource "aws_db_instance" "p" {
  tags = { sensibilite = var.level }
}

resource "aws_s3_bucket" "q" {
  tags = { sensibilite = "particuliere" }
}
'''
PACK = """kind: rules
version: 1
rules:
  - id: DR001
    title: Diffusion restreinte outside SecNumCloud
    severity: error
    check: hosting-not-qualified
    params: {levels: [dr]}
    rationale: r
    remediation: r
"""


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(TF)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def _out(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 1) -> tuple[str, str]:
    capsys.readouterr()
    assert main(args) == code
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_the_summary_speaks_in_singular_and_plural(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _out(capsys, ["scan", "."])
    assert out.splitlines()[-1] == "1 file, 2 resources: 1 error, 0 warnings, 0 info, 0 suppressed"


def test_quiet_is_one_line_per_finding_and_the_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _out(capsys, ["scan", ".", "-q", "--var", "level=particuliere"])
    assert out.splitlines() == [
        "main.tf:9: error SNC001 aws_db_instance.p [root .]: aws_db_instance.p holds particuliere data on aws, "
        "region eu-west-3 (not-qualified): provider-not-qualified",
        "main.tf:13: error SNC001 aws_s3_bucket.q [root .]: aws_s3_bucket.q holds particuliere data on aws, "
        "region eu-west-3 (not-qualified): provider-not-qualified",
        "1 file, 2 resources: 2 errors, 0 warnings, 0 info, 0 suppressed",
    ]


def test_colour_on_a_terminal_unless_no_color(repo: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    out, _ = _out(capsys, ["scan", "."])
    assert "\x1b[31m\x1b[1merror\x1b[0m" in out
    out, _ = _out(capsys, ["scan", ".", "--no-color"])
    assert "\x1b[" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    out, _ = _out(capsys, ["scan", "."])
    assert "\x1b[" not in out


def test_no_colour_in_a_pipe_or_a_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _out(capsys, ["scan", "."])
    assert "\x1b[" not in out
    _out(capsys, ["scan", ".", "-o", "report.txt"])
    assert "\x1b[" not in (repo / "report.txt").read_text()


def test_a_report_in_a_file_leaves_the_summary_on_stderr(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = _out(capsys, ["scan", ".", "-f", "sarif", "-o", "r.sarif"])
    assert out == ""
    assert err == "1 file, 2 resources: 1 error, 0 warnings, 0 info, 0 suppressed\n"
    assert json.loads((repo / "r.sarif").read_text())["version"] == "2.1.0"


def test_progress_only_on_a_terminal(repo: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _, err = _out(capsys, ["scan", "."])
    assert err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    _, err = _out(capsys, ["scan", "."])  # the same scan again: its kept result, once checked
    assert "snclint: checking what changed since the same scan… " in err and "running the rules" not in err
    (repo / "main.tf").write_text(TF + "\n")
    _, err = _out(capsys, ["scan", "."])
    assert "snclint: reading and evaluating files… " in err and "snclint: running the rules… " in err
    assert err.endswith("\r\x1b[2K"), "the progress line is cleared at the end"


@pytest.mark.parametrize("args, message", [
    (["scan", "--format", "xml"], "Invalid value for '-f' / '--format': 'xml' is not one of"),
    (["scan", "--jobs", "-1"], "Invalid value for '--jobs': -1 is not in the range x>=0."),
    (["scan", "--colour"], "No such option '--colour'. Did you mean '--no-color'?"),
    (["nope"], "No such command 'nope'."),
])
def test_usage_errors_are_one_line(repo: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                   message: str) -> None:
    _, err = _out(capsys, args, 2)
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"snclint: error: {message}") and err.rstrip().endswith("--help)"), err


def test_explain_and_graph_take_the_scan_context(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _out(capsys, ["explain", "aws_db_instance.p", "."], 0)
    assert "  sensitive: no" in out
    out, _ = _out(capsys, ["explain", "aws_db_instance.p", ".", "--var", "level=particuliere"], 0)
    assert "  sensitive: particuliere (tagged on it)" in out
    (repo / "prod.tfvars").write_text('level = "particuliere"\n')
    out, _ = _out(capsys, ["explain", "aws_db_instance.p", ".", "--var-file", "prod.tfvars"], 0)
    assert "  sensitive: particuliere (tagged on it)" in out
    out, _ = _out(capsys, ["graph", ".", "--var", "level=particuliere"], 0)
    nodes = {n["address"]: n for n in json.loads(out)["nodes"] if n.get("address") == "aws_db_instance.p"}
    assert nodes, out[:300]
    assert "particuliere" in json.dumps(nodes["aws_db_instance.p"])


def test_policies_lists_user_packs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pack").mkdir()
    (repo / "pack" / "dr.yaml").write_text(PACK)
    out, _ = _out(capsys, ["policies"], 0)
    assert "DR001" not in out
    out, _ = _out(capsys, ["policies", "--policies", "pack"], 0)
    assert "DR001  error    Diffusion restreinte outside SecNumCloud" in out.splitlines()
    (repo / ".snclint.yaml").write_text("version: 1\npolicies: [pack]\n")
    out, _ = _out(capsys, ["policies"], 0)
    assert "DR001" in out


def test_an_empty_policy_folder_is_not_valid(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "empty").mkdir()
    out, err = _out(capsys, ["policies", "validate", "empty"], 2)
    assert "valid" not in out
    assert err == "empty: no policy file (.yaml, .yml) in it\n"


def test_rule_links_become_urls_under_the_docs_url(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _out(capsys, ["scan", ".", "-f", "sarif", "--docs-url", "https://git.example/g/snclint/-/blob/abc"])
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SNC001"]["helpUri"] == "https://git.example/g/snclint/-/blob/abc/docs/rules.md#snc001"
    _, err = _out(capsys, ["scan", ".", "--docs-url", "javascript:x"], 2)
    assert err == "snclint: error: --docs-url javascript:x: expected an http(s) URL\n"


def test_snclint_alone_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Usage: snclint [OPTIONS] COMMAND [ARGS]...") and "\n  scan " in err
