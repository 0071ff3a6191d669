"""Each ``fixtures/plans/<case>`` scanned whole (shipped policies and catalogue): exactly the findings
its ``expected.yaml`` lists."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.cli import exit_code
from linter.config import Config
from linter.model import Finding
from linter.policy_files import load_knowledge
from linter.scan import ScanOptions, run_scan

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "plans"
CASES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.yaml"))


def row(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": finding.rule_id, "address": finding.address, "file": finding.location.file,
                           "line": finding.location.line, "cluster": finding.cluster}
    if finding.hosting is not None and finding.hosting.reason:
        out["reason"] = finding.hosting.reason
    return out


@pytest.mark.parametrize("case", CASES)
def test_plan_fixture(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = FIXTURES / case
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert expected["args"] == ["scan", "."]
    monkeypatch.chdir(folder)
    result = run_scan(ScanOptions(paths=(".",), today=date(2026, 11, 29)), Config(), load_knowledge()).result
    assert [row(f) for f in result.findings if f.suppressed_by is None] == expected["findings"]
    assert [row(f) for f in result.findings if f.suppressed_by is not None] == expected["suppressed"]
    assert exit_code(result, "error") == expected["exit_code"]


def test_there_are_plan_fixtures() -> None:
    assert CASES == ["double-scan", "modules-aws", "sovereign", "truncated"]
