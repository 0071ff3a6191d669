from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from reporters.sample import check_golden, make_result

from linter.model import Location, ScanResult
from linter.reporters.junit import render


def _cases(text: str) -> list[ET.Element]:
    return ET.fromstring(text.encode("utf-8")).findall("./testsuite/testcase")


def test_golden(result: ScanResult) -> None:
    check_golden("snclint-junit.xml", render(result))


def test_valid_against_the_ant_junit_xsd(result: ScanResult, schemas: Path) -> None:
    """The XSD does not know GitLab's ``file``/``line`` testcase attributes: they are removed first."""
    etree = pytest.importorskip("lxml.etree", reason="lxml (test extra) is needed for XSD validation")
    schema = etree.XMLSchema(etree.parse(str(schemas / "junit-ant-JUnit.xsd")))
    for sample in (result, make_result(findings=())):
        document = etree.fromstring(render(sample).encode("utf-8"))
        for case in document.iter("testcase"):
            case.attrib.pop("file", None)
            case.attrib.pop("line", None)
        assert schema.validate(document), [str(e) for e in schema.error_log][:5]


def test_one_suite_per_rule_one_case_per_finding(result: ScanResult) -> None:
    root = ET.fromstring(render(result).encode("utf-8"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["SNC000", "SNC001", "SNC002", "SNC003", "SNC005", "SNC007"]
    snc001 = suites["SNC001"]
    assert (snc001.get("tests"), snc001.get("failures"), snc001.get("skipped")) == ("4", "3", "1")
    cases = {c.get("name"): c for c in snc001.findall("testcase")}
    k8s = cases["k8s/prod/db.yaml StatefulSet/payments/postgres [cluster prod]"]
    assert (k8s.get("classname"), k8s.get("file"), k8s.get("line")) == ("SNC001", "k8s/prod/db.yaml", "1")
    failure = k8s.find("failure")
    assert failure is not None and failure.get("type") == "SNC001"
    assert failure.text is not None and "hosting: ovhcloud / public-cloud / GRA" in failure.text
    assert {"infra/modules/db/main.tf module.db.aws_db_instance.this [root infra]",
            "infra/modules/db/main.tf module.db.aws_db_instance.this [root envs/staging]"} <= set(cases)
    skipped = cases["infra/legacy.tf aws_s3_bucket.legacy [root infra]"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "suppressed (inline until 2099-12-31): moving to Outscale, tracked in INFRA-42"


def test_gitlab_keeps_every_case(result: ScanResult) -> None:
    """GitLab drops a case whose classname+name repeats: twins get a number, not the line."""
    parse_error = next(f for f in result.findings if f.rule_id == "SNC000")
    twin = replace(parse_error, location=Location(parse_error.location.file, 40))
    cases = _cases(render(replace(result, findings=(*result.findings, twin))))
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(keys) == len(set(keys)) == len(result.findings) + 1
    assert ("SNC000", "k8s/broken.yaml (file) #2") in keys


def test_failures_are_the_active_findings(result: ScanResult) -> None:
    cases = _cases(render(result))
    assert sum(1 for c in cases if c.find("failure") is not None) == len(result.active)
    assert sum(1 for c in cases if c.find("skipped") is not None) == 2


def test_a_rule_without_findings_is_a_passing_case(result: ScanResult) -> None:
    cases = _cases(render(replace(result, findings=())))
    assert [(c.get("classname"), c.get("name"), len(c)) for c in cases] == [
        (rule.id, "no findings", 0) for rule in result.rules]


def test_control_characters_do_not_break_the_xml(result: ScanResult) -> None:
    text = render(result)
    assert "\x1b" not in text
    hostile = next(c for c in _cases(text) if c.get("file", "").startswith("infra/we"))
    failure = hostile.find("failure")
    assert failure is not None
    assert "<script>alert('x')</script>" in (failure.get("message") or "")
    assert "\\x1b[31m" in (failure.get("message") or "")
