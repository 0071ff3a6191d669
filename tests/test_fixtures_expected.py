"""Every ``fixtures/<family>/<case>/expected.yaml``: the folder, scanned by the CLI as a user
would (copied out of the repository, from inside it), gives exactly the findings listed — each
entry matches one finding on the keys it gives (rule, address, file, line, root, cluster, system,
reason), no finding is left over — and the suppressed findings, exit code and notes it lists.

The scans run as on a machine of several CPUs, their frontends in a forked process
(``linter.forked``; here it would not otherwise be, the later stages being imported already);
``test_forked_and_in_process_reports_are_the_same`` compares the two ways byte for byte."""
from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import linter.forked
import linter.scan
from linter.cli import main

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
KEYS = {"rule": "rule_id", "address": "address", "file": "file", "line": "line", "root": "root",
        "cluster": "cluster", "system": "system"}
ALLOWED = {"args", "stdin", "exit_code", "requires", "findings", "suppressed", "notes"}


def cases() -> list[Any]:
    return [pytest.param(p.parent, id=f"{p.parent.parent.name}/{p.parent.name}")
            for p in sorted(ROOT.glob("*/*/expected.yaml"))]


def _matches(found: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        got = (found.get("hosting") or {}).get("reason") if key == "reason" else found.get(KEYS[key])
        if got != value:
            return False
    return True


def unmatched(found: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """(expected entries no finding matched, findings no entry matched)."""
    left = list(found)
    missing = []
    for entry in wanted:
        hit = next((f for f in left if _matches(f, entry)), None)
        if hit is None:
            missing.append(entry)
        else:
            left.remove(hit)
    return missing, [(f["rule_id"], f["address"], f["file"], f["line"], f.get("cluster")) for f in left]


def scanned(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, fork: bool) -> tuple[int, bytes]:
    """The exit code and JSON report of the fixture's scan (``fork``: its frontends forked)."""
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    for tool in expected.get("requires", []):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    work = tmp_path / folder.name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work)
    if "stdin" in expected:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((work / expected["stdin"]).read_bytes())))
    monkeypatch.chdir(work)
    monkeypatch.setattr(linter.scan, "_overlaps", lambda request: fork)
    given: list[object] = []
    overlapped = linter.forked.overlapped
    monkeypatch.setattr(linter.forked, "overlapped", lambda *a: given.append(overlapped(*a)) or given[-1])
    out = tmp_path / "report.json"
    code = main([*expected.get("args", ["scan", "."]), "--format", "json", "--no-cache", "--output", str(out)])
    assert [value is not None for value in given] == ([True] if fork else [])  # the frontends' fragments came back
    return code, out.read_bytes()


@pytest.mark.parametrize("folder", cases())
def test_fixture(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    code, text = scanned(folder, tmp_path, monkeypatch, fork=True)
    report = json.loads(text)
    for key in ("findings", "suppressed"):
        missing, extra = unmatched(report[key], expected.get(key) or [])
        assert (missing, extra) == ([], []), f"{key}: expected but not found / found but not expected"
    if "exit_code" in expected:
        assert code == expected["exit_code"]
    for note in expected.get("notes", []):
        assert note in report.get("notes", [])


@pytest.mark.parametrize("folder", [ROOT / "terraform" / "named-var-file", ROOT / "terraform" / "boundaries",
                                    ROOT / "k8s" / "terraform-objects", ROOT / "k8s" / "helm-stdin",
                                    ROOT / "k8s" / "kustomize", ROOT / "terraform" / "systems"],
                         ids=lambda folder: f"{folder.parent.name}/{folder.name}")
def test_forked_and_in_process_reports_are_the_same(folder: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert scanned(folder, tmp_path, monkeypatch, fork=True) == scanned(folder, tmp_path, monkeypatch, fork=False)


@pytest.mark.parametrize("folder", cases())
def test_expectation_is_well_formed(folder: Path) -> None:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) <= ALLOWED and "findings" in expected
    for entry in (expected["findings"] or []) + (expected.get("suppressed") or []):
        assert {"rule", "address", "file", "line"} <= set(entry) <= set(KEYS) | {"reason"}, entry
