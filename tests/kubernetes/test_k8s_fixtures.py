"""Every ``fixtures/k8s/*`` folder, scanned by the CLI, gives exactly the findings its
``expected.yaml`` lists (rule, address, file, line, and cluster and reason where given)."""
from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "k8s"
KEYS = {"rule": "rule_id", "address": "address", "file": "file", "line": "line", "cluster": "cluster"}
# scenarios whose expectations need graph work that has not landed yet, and what
PENDING: dict[str, str] = {}


def scenarios() -> list[Any]:
    out = []
    for folder in sorted(p.parent for p in FIXTURES.glob("*/expected.yaml")):
        marks = []
        if folder.name in PENDING:
            marks.append(pytest.mark.xfail(reason=PENDING[folder.name], strict=True))
        out.append(pytest.param(folder, id=folder.name, marks=marks))
    return out


def matches(found: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        if key == "reason":
            if (found.get("hosting") or {}).get("reason") != value:
                return False
        elif found.get(KEYS[key]) != value:
            return False
    return True


def unmatched(found: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """(expected entries no finding matched, findings no entry matched)."""
    left = list(found)
    missing = []
    for entry in wanted:
        hit = next((f for f in left if matches(f, entry)), None)
        if hit is None:
            missing.append(entry)
        else:
            left.remove(hit)
    return missing, [(f["rule_id"], f["address"], f["file"], f["line"], f.get("cluster")) for f in left]


@pytest.mark.parametrize("folder", scenarios())
def test_fixture(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    for tool in expected.get("requires", []):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    work = tmp_path / folder.name
    shutil.copytree(folder, work)
    if "stdin" in expected:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((work / expected["stdin"]).read_bytes())))
    monkeypatch.chdir(work)
    out = tmp_path / "report.json"
    code = main([*expected["args"], "--format", "json", "--no-cache", "--output", str(out)])
    report = json.loads(out.read_text(encoding="utf-8"))
    for key in ("findings", "suppressed"):
        missing, extra = unmatched(report[key], expected.get(key) or [])
        assert (missing, extra) == ([], []), f"{key}: expected but not found / found but not expected"
    assert code == expected["exit_code"]
    for note in expected.get("notes", []):
        assert note in report.get("notes", [])


def test_every_expectation_is_well_formed() -> None:
    allowed = {"args", "stdin", "exit_code", "requires", "findings", "suppressed", "notes"}
    for path in FIXTURES.glob("*/expected.yaml"):
        expected = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(expected) <= allowed and {"args", "exit_code", "findings"} <= set(expected), path
        for entry in (expected["findings"] or []) + (expected.get("suppressed") or []):
            assert {"rule", "address", "file", "line"} <= set(entry) <= set(KEYS) | {"reason"}, (path, entry)
        assert (path.parent / ".snclint.yaml").is_file()
