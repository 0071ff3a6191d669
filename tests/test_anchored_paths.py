"""Report paths start at the repository root (docs/architecture.md#report-paths): the git work tree,
else the scanned root, whatever the working directory, in every format and in baselines."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from linter.cli import main

RDS = ('provider "aws" {\n  region = "eu-west-3"\n}\n\n'
       'resource "aws_db_instance" "p" {\n  tags = { sensibilite = "particuliere" }\n}\n')


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "rds.tf").write_text(RDS)
    return tmp_path


def _reports(where: Path, path: str) -> dict[str, str]:
    names = {"json": "r.json", "sarif": "r.sarif", "gitlab": "cq.json", "gitlab-sast": "sast.json",
             "junit": "j.xml", "html": "r.html"}
    out = where / "out"
    out.mkdir(exist_ok=True)
    args = ["scan", path, "--write-baseline", str(out / "base.json")]
    args += [a for fmt, name in names.items() for a in ("--report", f"{fmt}:{out / name}")]
    assert main(args) == 1
    texts = {fmt: (out / name).read_text(encoding="utf-8") for fmt, name in names.items()}
    texts["baseline"] = (out / "base.json").read_text(encoding="utf-8")
    return texts


def _paths(texts: dict[str, str]) -> dict[str, set[str]]:
    sarif = json.loads(texts["sarif"])
    return {
        "json": {f["file"] for f in json.loads(texts["json"])["findings"]},
        "sarif": {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in sarif["runs"][0]["results"]},
        "gitlab": {i["location"]["path"] for i in json.loads(texts["gitlab"])},
        "gitlab-sast": {v["location"]["file"] for v in json.loads(texts["gitlab-sast"])["vulnerabilities"]},
        "junit": {c.get("file", "") for c in ET.fromstring(texts["junit"]).iter("testcase")
                  if c.find("failure") is not None},
    }


def test_a_scan_from_a_subfolder_names_files_from_the_repository_root(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo / "infra")
    inside = _reports(repo / "infra", ".")
    assert _paths(inside) == {k: {"infra/rds.tf"} for k in ("json", "sarif", "gitlab", "gitlab-sast", "junit")}
    assert "infra/rds.tf" in inside["html"]
    monkeypatch.chdir(repo)
    above = _reports(repo, "infra")
    assert _paths(above) == _paths(inside)
    assert [e["file"] for e in json.loads(inside["baseline"])["entries"]] == ["infra/rds.tf"]
    assert inside["baseline"] == above["baseline"], "the baseline is the same from either folder"
    monkeypatch.chdir(repo.parent)
    assert main(["scan", f"{repo.name}/infra/rds.tf"]) == 1
    assert "infra/rds.tf:5: error SNC001" in capsys.readouterr().out


def test_outside_git_paths_start_at_the_scanned_folder(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".git").rmdir()
    monkeypatch.chdir(repo)
    assert main(["scan", "infra", "-f", "json"]) == 1
    from_above = [f["file"] for f in json.loads(capsys.readouterr().out)["findings"]]
    monkeypatch.chdir(repo / "infra")
    assert main(["scan", ".", "-f", "json"]) == 1
    assert [f["file"] for f in json.loads(capsys.readouterr().out)["findings"]] == from_above == ["rds.tf"]
