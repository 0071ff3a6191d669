from __future__ import annotations

from datetime import date

from linter.model import Location
from linter.rules.suppressions import problem_of
from linter.suppression_syntax import parse_suppression

LOC = Location("main.tf", 4)
TODAY = date(2026, 11, 29)


def test_full_comment() -> None:
    s = parse_suppression('# snclint:ignore SNC001,SNC002 reason="moving to Outscale, INFRA-42" until=2027-06-30', LOC)
    assert s is not None
    assert (s.rules, s.reason, s.until) == (("SNC001", "SNC002"), "moving to Outscale, INFRA-42", date(2027, 6, 30))
    assert problem_of(s, TODAY) is None


def test_not_a_suppression() -> None:
    assert parse_suppression("# just a comment", LOC) is None


def test_missing_reason_expired_and_bad_date() -> None:
    assert problem_of(parse_suppression("// snclint:ignore SNC001", LOC), TODAY) == "it gives no reason"  # type: ignore[arg-type]
    old = parse_suppression('# snclint:ignore SNC001 reason="x" until=2020-01-01', LOC)
    assert problem_of(old, TODAY) == "it expired on 2020-01-01"  # type: ignore[arg-type]
    bad = parse_suppression('# snclint:ignore SNC001 reason="x" until=someday', LOC)
    assert problem_of(bad, TODAY) == "its date could not be read"  # type: ignore[arg-type]


def test_annotation_value() -> None:
    s = parse_suppression('SNC001 reason="legacy" until=2027-01-01', LOC, origin="annotation")
    assert s is not None and s.rules == ("SNC001",) and s.origin == "annotation"
