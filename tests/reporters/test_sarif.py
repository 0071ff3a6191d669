from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
from reporters.sample import check_golden, load_schema, make_result

from linter.model import Location, ScanResult, Suppression
from linter.reporters.sarif import render


def _run(result: ScanResult) -> dict:
    return json.loads(render(result))["runs"][0]


def test_golden(result: ScanResult) -> None:
    check_golden("report.sarif", render(result))


def test_valid_against_the_official_schema(result: ScanResult, schemas: Path) -> None:
    schema = load_schema(schemas, "sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    for sample in (result, make_result(findings=(), notes=(), started_at=None, finished_at=None)):
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(json.loads(render(sample))), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_what_github_code_scanning_needs(result: ScanResult) -> None:
    log = json.loads(render(result))
    assert log["$schema"] and log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["SNC000", "SNC001", "SNC002", "SNC003", "SNC005", "SNC007"]
    for rule in rules:
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
        assert "security" in rule["properties"]["tags"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        physical = res["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert not physical["artifactLocation"]["uri"].startswith("/")
        region = physical["region"]
        assert region["startLine"] >= 1 and region["endLine"] == region["startLine"]
        assert region["startColumn"] == 1 and region["endColumn"] == 2
        assert res["partialFingerprints"]["primaryLocationLineHash"]


def test_rule_metadata_comes_from_the_policy(result: ScanResult) -> None:
    rules = {r["id"]: r for r in _run(result)["tool"]["driver"]["rules"]}
    snc001 = rules["SNC001"]
    assert snc001["shortDescription"]["text"] == "Sensitive data on hosting that is not SecNumCloud-qualified"
    assert snc001["fullDescription"]["text"] == ("SREN article 31 requires particularly sensitive data to run on "
                                                 "SecNumCloud-qualified offers.")
    assert "Move the resource to a qualified offer" in snc001["help"]["text"]
    assert snc001["defaultConfiguration"]["level"] == "error"
    assert snc001["name"] == "SensitiveDataOnHostingThatIsNotSecNumCloudQualified"
    # the param when valid, else derived from the default severity
    assert {k: r["properties"]["security-severity"] for k, r in rules.items()} == {
        "SNC000": "7.0", "SNC001": "8.5", "SNC002": "9.1", "SNC003": "4.0", "SNC005": "7.0", "SNC007": "4.0"}
    assert rules["SNC003"]["defaultConfiguration"]["level"] == "warning"


def test_help_uri_only_when_it_is_a_web_link(result: ScanResult) -> None:
    rules = tuple(replace(r, help_uri="https://example.org/rules/" + r.id if r.id == "SNC001" else "javascript:x")
                  for r in result.rules)
    by_id = {r["id"]: r for r in _run(replace(result, rules=rules))["tool"]["driver"]["rules"]}
    assert by_id["SNC001"]["helpUri"] == "https://example.org/rules/SNC001"
    assert "helpUri" not in by_id["SNC002"]


def test_results_levels_locations_and_properties(result: ScanResult) -> None:
    results = _run(result)["results"]
    k8s = next(r for r in results if r["properties"]["address"] == "StatefulSet/payments/postgres")
    assert k8s["level"] == "error"
    assert k8s["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k8s/prod/db.yaml"
    assert k8s["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "StatefulSet/payments/postgres", "kind": "resource"}]
    assert k8s["properties"]["cluster"] == "prod"
    assert k8s["properties"]["hosting"]["reason"] == "offer-not-qualified"
    hostile = next(r for r in results if r["ruleId"] == "SNC003" and "suppressions" not in r)
    assert hostile["level"] == "warning"
    assert hostile["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/we%20ird%26%22name%22.tf"


def test_evidence_chain_is_a_code_flow(result: ScanResult) -> None:
    flow = next(r for r in _run(result)["results"] if r["ruleId"] == "SNC002")["codeFlows"][0]
    steps = flow["threadFlows"][0]["locations"]
    assert [s["kinds"] for s in steps] == [["classified"], ["backs_up_to"], ["hosted_on"], ["hosted_on"]]
    first = steps[0]["location"]
    assert first["physicalLocation"]["artifactLocation"]["uri"] == "infra/modules/db/main.tf"
    assert first["physicalLocation"]["region"]["startLine"] == 9
    assert "physicalLocation" not in steps[3]["location"]  # the hosting itself is not in a file
    assert steps[3]["location"]["logicalLocations"] == [{"fullyQualifiedName": "aws/-/eu-west-3"}]


def test_suppressed_findings_are_kept_with_their_justification(result: ScanResult) -> None:
    results = _run(result)["results"]
    inline = next(r for r in results if r["properties"]["address"] == "aws_s3_bucket.legacy")
    assert inline["suppressions"][0]["kind"] == "inSource"
    assert inline["suppressions"][0]["justification"] == "moving to Outscale, tracked in INFRA-42"
    assert inline["suppressions"][0]["properties"] == {"origin": "inline", "until": "2099-12-31"}
    config = next(r for r in results if r["properties"]["address"] == "aws_s3_bucket.tmp")
    assert config["suppressions"][0]["kind"] == "external"
    assert sum(1 for r in results if "suppressions" in r) == 2


def test_fingerprints_are_the_engine_ones_and_unique(result: ScanResult) -> None:
    results = _run(result)["results"]
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(prints)) == len(prints) == len(result.findings)
    by_address = {r["properties"]["address"]: r["partialFingerprints"]["snclint/v1"] for r in results}
    assert by_address["StatefulSet/payments/postgres"] == "b7c2a1d94e0f3a5b6c7d8e9f00112233"
    assert by_address[""]  # the parse error has no engine fingerprint: one is derived, without the line


def test_fingerprints_do_not_move_with_lines(result: ScanResult) -> None:
    moved = tuple(replace(f, location=Location(f.location.file, f.location.line + 40)) for f in result.findings)
    before = {r["partialFingerprints"]["snclint/v1"] for r in _run(result)["results"]}
    after = {r["partialFingerprints"]["snclint/v1"] for r in _run(replace(result, findings=moved))["results"]}
    assert before == after


def test_baseline_state_when_a_baseline_was_applied(result: ScanResult) -> None:
    marker = Suppression(rules=("SNC005",), reason="baseline", until=None, location=Location("base.json", 1),
                         origin="baseline")
    findings = tuple(replace(f, suppressed_by=marker) if f.rule_id == "SNC005" else f for f in result.findings)
    results = _run(replace(result, findings=findings, baseline={"baselined": 1, "fixed": 0}))["results"]
    states = {r["ruleId"] + " " + r["properties"]["address"]: r["baselineState"] for r in results}
    assert states["SNC005 aws_ebs_volume.data"] == "unchanged"
    assert states["SNC007 aws_s3_bucket.forgotten"] == "new"
    snc005 = next(r for r in results if r["ruleId"] == "SNC005")
    assert snc005["suppressions"][0]["kind"] == "external"
    assert "baselineState" not in _run(result)["results"][0]


def test_absolute_paths_become_file_uris(result: ScanResult) -> None:
    finding = replace(result.findings[0], location=Location("/srv/infra/main.tf", 3))
    location = _run(replace(result, findings=(finding,)))["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "file:///srv/infra/main.tf"}


def test_notes_and_times_go_to_the_invocation(result: ScanResult) -> None:
    invocation = _run(result)["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["startTimeUtc"] == "2026-11-29T10:15:00Z"
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("k8s/chart/templates")


def test_a_finding_of_an_undocumented_rule_is_still_reported(result: ScanResult) -> None:
    finding = replace(result.findings[0], rule_id="SNC099")
    run = _run(replace(result, findings=(finding,)))
    assert run["results"][0]["ruleId"] == "SNC099"
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["id"] == "SNC099"
