from __future__ import annotations

from dataclasses import replace

import pytest

from linter.model import Finding, Location, RuleInfo, Severity
from linter.reporters.common import (
    EPOCH,
    band,
    finding_score,
    fingerprints,
    reference_parts,
    rule_score,
    timestamp,
    visible,
)


def _rule(severity: Severity = Severity.ERROR, **params: object) -> RuleInfo:
    return RuleInfo(id="SNC001", title="t", severity=severity, check="c", rationale="", remediation="",
                    params=params)


def _finding(severity: Severity = Severity.ERROR, **changes: object) -> Finding:
    base = Finding(rule_id="SNC001", severity=severity, message="m", address="aws_s3_bucket.a",
                   location=Location("main.tf", 3))
    return replace(base, **changes)


@pytest.mark.parametrize(("params", "score"), [
    ({"security_severity": 8.5}, 8.5), ({"security_severity": "9.1"}, 9.1), ({"security_severity": 10}, 10.0),
    ({"security_severity": 0}, 7.0), ({"security_severity": 11}, 7.0), ({"security_severity": "high"}, 7.0),
    ({"security_severity": True}, 7.0), ({}, 7.0),
])
def test_rule_score(params: dict, score: float) -> None:
    assert rule_score(_rule(**params)) == score


def test_a_finding_off_its_rule_severity_takes_its_own_default() -> None:
    rule = _rule(Severity.WARNING, security_severity=3.0)
    assert finding_score(_finding(Severity.WARNING), rule) == 3.0
    assert finding_score(_finding(Severity.ERROR), rule) == 7.0  # raised by --strict


@pytest.mark.parametrize(("score", "expected"), [(9.0, "critical"), (8.9, "high"), (7.0, "high"),
                                                 (6.9, "medium"), (4.0, "medium"), (3.9, "low"), (0.1, "low")])
def test_bands(score: float, expected: str) -> None:
    assert band(_finding(), _rule(security_severity=score)) == expected
    assert band(_finding(Severity.INFO), _rule(Severity.INFO, security_severity=score)) == "info"


def test_fingerprints_keep_the_engine_ones_and_make_repeats_unique() -> None:
    a = _finding(fingerprint="aaaa")
    b = _finding(fingerprint="")
    twin = _finding(fingerprint="", location=Location("main.tf", 90))
    prints = fingerprints([a, b, twin, a])
    assert prints[0] == "aaaa"
    assert len(set(prints)) == 4
    assert prints[1] == fingerprints([twin])[0]  # derived without the line
    assert fingerprints([a, b, twin, a]) == prints


def test_timestamp() -> None:
    assert timestamp("2026-11-29T10:15:00") == "2026-11-29T10:15:00"
    assert timestamp("2026-11-29T10:15:00.5+00:00") == "2026-11-29T10:15:00"
    assert timestamp(None) == timestamp("yesterday") == EPOCH


def test_reference_parts() -> None:
    assert reference_parts("https://a.example/x") == ("https://a.example/x", "https://a.example/x")
    assert reference_parts("SREN, article 31: https://a.example/x") == ("SREN, article 31", "https://a.example/x")
    assert reference_parts("SREN (https://a.example/x)") == ("SREN", "https://a.example/x")
    assert reference_parts("Loi n° 2024-449 — https://a.example/x") == ("Loi n° 2024-449", "https://a.example/x")
    assert reference_parts("javascript:alert(1)") == ("javascript:alert(1)", None)
    assert reference_parts("Circular 6404/SG (as reported) — https://a.example/x") == (
        "Circular 6404/SG (as reported)", "https://a.example/x")
    assert reference_parts("Wiki — https://en.example.org/wiki/Cloud_(computing)") == (
        "Wiki", "https://en.example.org/wiki/Cloud_(computing)")
    assert reference_parts("See <https://a.example/x>.") == ("See", "https://a.example/x")


def test_visible() -> None:
    assert visible("a\x1b[31mb\x00\tc\n") == "a\\x1b[31mb\\x00\tc\n"
