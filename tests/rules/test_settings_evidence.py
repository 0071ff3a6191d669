"""A data store's sub-settings (policies/resource-types.yaml ``setting_of``) are evidence of its
finding, never findings of their own (fixtures/terraform/classification-scope)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "terraform" / "classification-scope"


def test_sub_settings_are_evidence_of_their_data_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(FIXTURE)
    out = tmp_path / "report.json"
    assert main(["scan", ".", "--format", "json", "--no-cache", "--output", str(out)]) == 1
    findings = {f["address"]: f for f in json.loads(out.read_text(encoding="utf-8"))["findings"]}
    settings = {name: [(e["address"], e["line"]) for e in findings[name]["evidence"] if e["relation"] == "configures"]
                for name in ("aws_s3_bucket.dossiers", "aws_sqs_queue.events")}
    assert settings == {
        "aws_s3_bucket.dossiers": [("aws_s3_bucket_policy.dossiers", 14), ("aws_s3_bucket_versioning.dossiers", 19),
                                   ("aws_s3_bucket_lifecycle_configuration.dossiers", 26)],
        "aws_sqs_queue.events": [("aws_sqs_queue_policy.events", 67)],
    }
