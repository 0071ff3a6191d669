"""Every ``fixtures/terraform/*`` and ``fixtures/flows/*`` folder, scanned by the CLI, gives exactly
the findings its ``expected.yaml`` lists: each entry matches one finding on the keys it gives
(rule, address, file, line, reason, cluster), and no finding is left over."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.cli import main

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
FAMILIES = ("terraform", "flows")
KEYS = {"rule": "rule_id", "address": "address", "file": "file", "line": "line", "cluster": "cluster"}


def folders() -> list[Any]:
    return [pytest.param(p.parent, id=f"{family}/{p.parent.name}")
            for family in FAMILIES for p in sorted((ROOT / family).glob("*/expected.yaml"))]


def _matches(found: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        got = (found.get("hosting") or {}).get("reason") if key == "reason" else found.get(KEYS[key])
        if got != value:
            return False
    return True


@pytest.mark.parametrize("folder", folders())
def test_fixture(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(folder)
    code = main([*expected.get("args", ["scan", "."]), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    left = list(report["findings"])
    missing = []
    for entry in expected.get("findings") or []:
        hit = next((f for f in left if _matches(f, entry)), None)
        if hit is None:
            missing.append(entry)
        else:
            left.remove(hit)
    extra = [(f["rule_id"], f["address"], f["file"], f["line"]) for f in left]
    assert (missing, extra) == ([], [])
    if "exit_code" in expected:
        assert code == expected["exit_code"]
