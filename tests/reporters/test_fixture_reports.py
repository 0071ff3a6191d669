"""Every example infrastructure under fixtures/, scanned for real, gives SARIF, GitLab SAST, Code
Quality and JUnit reports that the official schemas accept (written by one run with --report)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from reporters.sample import load_schema

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FOLDERS = sorted(p for kind in ("terraform", "k8s") for p in (FIXTURES / kind).glob("*") if p.is_dir())


def _validator(schemas: Path, name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(schemas, name)
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reports_of_a_fixture_are_valid(folder: Path, schemas: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.cli import main

    monkeypatch.chdir(folder)
    out = {name: tmp_path / name for name in ("r.sarif", "cq.json", "sast.json", "junit.xml")}
    code = main(["scan", ".", "--fail-on", "never", "--format", "sarif", "--output", str(out["r.sarif"]),
                 "--report", f"gitlab:{out['cq.json']}", "--report", f"gitlab-sast:{out['sast.json']}",
                 "--report", f"junit:{out['junit.xml']}"])
    assert code == 0

    sarif = json.loads(out["r.sarif"].read_text(encoding="utf-8"))
    errors = [e.message for e in _validator(schemas, "sarif-schema-2.1.0.json").iter_errors(sarif)]
    assert not errors, errors[:5]
    sast = json.loads(out["sast.json"].read_text(encoding="utf-8"))
    errors = [e.message for e in _validator(schemas, "gitlab-sast-report-format-15.2.1.json").iter_errors(sast)]
    assert not errors, errors[:5]
    quality = json.loads(out["cq.json"].read_text(encoding="utf-8"))
    validator = _validator(schemas, "gitlab-codequality-codeclimate.json")
    assert isinstance(quality, list)
    for issue in quality:
        assert not list(validator.iter_errors(issue)), issue
    prints = [i["fingerprint"] for i in quality]
    assert len(prints) == len(set(prints))
    ids = [v["id"] for v in sast["vulnerabilities"]]
    assert len(ids) == len(set(ids))
    etree = pytest.importorskip("lxml.etree", reason="lxml (test extra) is needed for XSD validation")
    xsd = etree.XMLSchema(etree.parse(str(schemas / "junit-ant-JUnit.xsd")))
    document = etree.parse(str(out["junit.xml"])).getroot()
    for case in document.iter("testcase"):
        case.attrib.pop("file", None)
        case.attrib.pop("line", None)
    assert xsd.validate(document), [str(e) for e in xsd.error_log][:5]
