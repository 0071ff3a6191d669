from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from reporters.sample import check_golden, load_schema, make_result

from linter.errors import UsageError
from linter.model import Location, ScanResult
from linter.reporters.gitlab_sast import check_version, render

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def test_golden(result: ScanResult) -> None:
    check_golden("gl-sast-report.json", render(result))


def test_valid_against_the_15_2_1_schema(result: ScanResult, schemas: Path) -> None:
    schema = load_schema(schemas, "gitlab-sast-report-format-15.2.1.json")
    validator = jsonschema.validators.validator_for(schema)(schema)
    for sample in (result, make_result(findings=(), notes=(), started_at=None, finished_at=None)):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(render(sample)))]
        assert not errors, errors[:5]


def test_scan_header(result: ScanResult) -> None:
    report = json.loads(render(result))
    assert report["version"] == "15.2.1"
    assert report["schema"].endswith("/v15.2.1/dist/sast-report-format.json")
    scan = report["scan"]
    assert scan["type"] == "sast" and scan["status"] == "success"
    assert (scan["start_time"], scan["end_time"]) == ("2026-11-29T10:15:00", "2026-11-29T10:15:02")
    assert scan["scanner"]["id"] == scan["analyzer"]["id"] == "snclint"
    assert scan["messages"][0]["level"] == "info"


def test_times_without_a_zone_and_a_fixed_fallback(result: ScanResult) -> None:
    odd = json.loads(render(replace(result, started_at="2026-11-29T10:15:00.123456+00:00", finished_at=None)))
    assert odd["scan"]["start_time"] == odd["scan"]["end_time"] == "2026-11-29T10:15:00"
    none = json.loads(render(replace(result, started_at=None, finished_at=None)))
    assert TIME.match(none["scan"]["start_time"]) and TIME.match(none["scan"]["end_time"])


def test_schema_version_is_configurable(result: ScanResult) -> None:
    report = json.loads(render(result, schema_version="15.0.4"))
    assert report["version"] == "15.0.4"
    assert "/v15.0.4/" in report["schema"]
    assert check_version("15.1.4") == "15.1.4"
    for bad in ("14.1.2", "15.2", "latest", "15.2.1 "):
        with pytest.raises(UsageError, match="GitLab SAST schema version"):
            check_version(bad)


def test_vulnerabilities(result: ScanResult) -> None:
    vulns = json.loads(render(result))["vulnerabilities"]
    got = [(v["identifiers"][0]["value"], v["location"]["file"], v["location"]["start_line"], v["severity"])
           for v in vulns]
    assert got == [
        ("SNC002", "infra/backup.tf", 3, "Critical"),
        ("SNC007", "infra/legacy.tf", 11, "Medium"),
        ("SNC001", "infra/modules/db/main.tf", 7, "High"),
        ("SNC001", "infra/modules/db/main.tf", 7, "High"),
        ("SNC005", "infra/modules/db/main.tf", 30, "High"),
        ("SNC003", 'infra/we ird&"name".tf', 2, "Medium"),
        ("SNC000", "k8s/broken.yaml", 4, "High"),
        ("SNC001", "k8s/prod/db.yaml", 1, "High"),
    ]
    k8s = vulns[-1]
    assert k8s["identifiers"] == [{"type": "snclint_rule_id", "name": "snclint SNC001", "value": "SNC001"}]
    assert k8s["name"] == "Sensitive data on hosting that is not SecNumCloud-qualified"
    assert k8s["details"]["cluster"] == {"name": "Cluster", "type": "text", "value": "prod"}
    assert k8s["links"] == [{"name": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000049563368",
                             "url": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000049563368"}]
    assert "1. classified Namespace/payments (k8s/prod/ns.yaml:5)" in k8s["description"]
    assert k8s["solution"].startswith("Move the resource")


def test_ids_are_unique_uuids_that_survive_line_moves(result: ScanResult) -> None:
    ids = [v["id"] for v in json.loads(render(result))["vulnerabilities"]]
    assert len(ids) == len(set(ids)) == len(result.active)
    assert all(uuid.UUID(i).version == 5 for i in ids)
    moved = tuple(replace(f, location=Location(f.location.file, f.location.line + 3)) for f in result.findings)
    assert [v["id"] for v in json.loads(render(replace(result, findings=moved)))["vulnerabilities"]] == ids


def test_suppressed_findings_are_left_out(result: ScanResult) -> None:
    text = render(result)
    assert "aws_s3_bucket.legacy" not in text and "aws_s3_bucket.tmp" not in text
