"""``snclint merge``: per-repository totals, every path prefixed, duplicates refused, ``--fail-on``
as ``scan``, and every format."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from reporters.sample import SCHEMAS, load_schema

from linter.cli import main

TF = '''provider "aws" {
  region = "eu-west-3"
}

resource "aws_s3_bucket" "records" {
  tags = { data_sensitivity = "particuliere" }
}

# snclint:ignore SNC003 reason="scratch space"
resource "aws_s3_bucket" "scratch" {
}
'''


@pytest.fixture()
def audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("payments", "identity"):
        repo = tmp_path / "repos" / name
        (repo / ".git").mkdir(parents=True)
        (repo / "infra").mkdir()
        (repo / "infra" / "main.tf").write_text(TF)
        (tmp_path / "audit" / name).mkdir(parents=True)
        monkeypatch.chdir(repo)
        assert main(["scan", ".", "-f", "json", "-o", str(tmp_path / "audit" / name / "snclint.json")]) == 1
    monkeypatch.chdir(tmp_path)
    return tmp_path


REPORTS = ["audit/payments/snclint.json", "audit/identity/snclint.json"]


def test_every_path_is_prefixed_and_each_repository_keeps_its_totals(
        audit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["merge", *REPORTS]) == 1, "errors fail a merge by default, as a scan"
    merged = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["summary"]["error"], r["summary"]["suppressed"]) for r in merged["repositories"]] == [
        ("audit/payments", 1, 1), ("audit/identity", 1, 1)]
    assert merged["summary"]["error"] == 2 and merged["summary"]["suppressed"] == 2
    files = {f["file"] for f in merged["findings"]}
    files |= {e["file"] for f in merged["findings"] for e in f["evidence"] if e["file"]}
    files |= {f["suppressed"]["file"] for f in merged["suppressed"]}
    assert files == {"audit/payments/infra/main.tf", "audit/identity/infra/main.tf"}
    assert {f["root"] for f in merged["findings"]} == {"audit/payments/infra", "audit/identity/infra"}
    assert len({f["fingerprint"] for f in merged["findings"]}) == 2, "two repositories, two fingerprints"
    assert [(s["repository"], s["system"], s["address"], s["verdict"]) for s in merged["systems"]] == [
        ("audit/payments", "audit/payments/infra", "aws_s3_bucket.records", "non-compliant"),
        ("audit/identity", "audit/identity/infra", "aws_s3_bucket.records", "non-compliant")]


def test_fail_on_never_passes(audit: Path) -> None:
    assert main(["merge", *REPORTS, "--fail-on", "never", "-o", "m.json"]) == 0


@pytest.mark.parametrize("args, message", [
    ([REPORTS[0], "./" + REPORTS[0]], "./audit/payments/snclint.json: given twice (as audit/payments/snclint.json)"),
    ([REPORTS[0], "audit/payments/copy.json"], "audit/payments/copy.json and audit/payments/snclint.json are in "
                                               "the same folder"),
])
def test_a_report_is_counted_once(audit: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                  message: str) -> None:
    (audit / "audit" / "payments" / "copy.json").write_text((audit / REPORTS[0]).read_text())
    capsys.readouterr()
    assert main(["merge", *args]) == 2
    assert capsys.readouterr().err.startswith(f"snclint: error: {message}")


def test_every_format(audit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = [f"--report={fmt}:m.{fmt}" for fmt in ("json", "gitlab", "gitlab-sast", "junit", "html", "text")]
    assert main(["merge", *REPORTS, "-f", "sarif", "-o", "m.sarif", *reports]) == 1
    assert capsys.readouterr().err == "2 files, 4 resources: 2 errors, 0 warnings, 0 info, 2 suppressed\n"
    sarif = json.loads((audit / "m.sarif").read_text())
    schema = load_schema(SCHEMAS, "sarif-schema-2.1.0.json")
    assert not list(jsonschema.validators.validator_for(schema)(schema).iter_errors(sarif))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"audit/payments/infra/main.tf", "audit/identity/infra/main.tf"}
    text = (audit / "m.text").read_text()
    assert "audit/payments: 1 error, 0 warnings, 0 info, 1 suppressed (audit/payments/snclint.json)" in text
    assert "audit/identity/infra/main.tf" in (audit / "m.html").read_text()


def test_the_catalogue_facts_and_date_survive_a_merge(audit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    older = audit / REPORTS[1]
    report = json.loads(older.read_text())
    report["tool"]["catalogue"]["checked_on"] = "2026-11-29"
    older.write_text(json.dumps(report))
    capsys.readouterr()
    main(["merge", *REPORTS])
    merged = json.loads(capsys.readouterr().out)
    assert merged["tool"]["catalogue"]["checked_on"] == "2026-11-29", "the least current catalogue of the inputs"
    fact = merged["findings"][0]["hosting"]["catalogue_fact"]
    assert (fact["row"], fact["status"], fact["checked_on"]) == ("aws", "ineligible", "2026-12-07")
