from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
from reporters.sample import check_golden, load_schema, make_result

from linter.model import Location, ScanResult
from linter.reporters.gitlab import render


def test_golden(result: ScanResult) -> None:
    check_golden("gl-code-quality-report.json", render(result))


def test_every_element_is_valid_for_gitlab(result: ScanResult, schemas: Path) -> None:
    """GitLab stops reading at the first invalid element: each one is checked."""
    schema = load_schema(schemas, "gitlab-codequality-codeclimate.json")
    validator = jsonschema.validators.validator_for(schema)(schema)
    for sample in (result, make_result(findings=())):
        issues = json.loads(render(sample))
        assert isinstance(issues, list)
        for issue in issues:
            errors = [e.message for e in validator.iter_errors(issue)]
            assert not errors, (issue["check_name"], errors)


def test_fields_and_severities(result: ScanResult) -> None:
    text = render(result)
    assert not text.startswith("\ufeff")
    issues = json.loads(text)
    got = [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues]
    assert got == [
        ("SNC002", "infra/backup.tf", 3, "blocker"),  # security_severity 9.1
        ("SNC007", "infra/legacy.tf", 11, "major"),
        ("SNC001", "infra/modules/db/main.tf", 7, "critical"),  # 8.5
        ("SNC001", "infra/modules/db/main.tf", 7, "critical"),  # the same module file in another root
        ("SNC005", "infra/modules/db/main.tf", 30, "critical"),  # invalid param 0: derived 7.0
        ("SNC003", 'infra/we ird&"name".tf', 2, "major"),
        ("SNC000", "k8s/broken.yaml", 4, "critical"),
        ("SNC001", "k8s/prod/db.yaml", 1, "critical"),
    ]
    for issue in issues:
        assert issue["type"] == "issue" and issue["categories"] == ["Security"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}


def test_suppressed_findings_are_left_out(result: ScanResult) -> None:
    descriptions = " ".join(i["description"] for i in json.loads(render(result)))
    assert "aws_s3_bucket.legacy" not in descriptions
    assert "aws_s3_bucket.tmp" not in descriptions


def test_description_names_rule_cluster_and_object(result: ScanResult) -> None:
    by_rule = {(i["check_name"], i["location"]["path"]): i["description"] for i in json.loads(render(result))}
    assert by_rule[("SNC001", "k8s/prod/db.yaml")] == (
        "SNC001 [cluster prod]: StatefulSet/payments/postgres holds particuliere data on ovhcloud, offer "
        "public-cloud, region GRA (not-qualified): offer-not-qualified")
    assert by_rule[("SNC000", "k8s/broken.yaml")] == "SNC000: k8s/broken.yaml: mapping values are not allowed here"


def test_fingerprints_are_unique_even_for_twin_findings(result: ScanResult) -> None:
    twin = replace(result.findings[0], location=Location(result.findings[0].location.file, 99))
    issues = json.loads(render(replace(result, findings=(*result.findings, twin))))
    prints = [i["fingerprint"] for i in issues]
    assert len(prints) == len(set(prints)) == len(result.active) + 1
