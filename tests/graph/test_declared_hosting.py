"""Declared hosting (config ``declared_hosting``): matched by provider configuration, URL host or
path; shown as declared, with its evidence, in findings and explain."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "terraform" / "declared-hosting"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "repo"
    shutil.copytree(FIXTURE, work)
    monkeypatch.chdir(work)
    return work


def _findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    capsys.readouterr()
    main(["scan", ".", "-f", "json", "--no-cache", *args])
    return json.loads(capsys.readouterr().out)["findings"]  # type: ignore[no-any-return]


def _config(repo: Path, match: str, evidence: str) -> None:
    text = (repo / ".snclint.yaml").read_text().split("declared_hosting:")[0]
    (repo / ".snclint.yaml").write_text(text + "declared_hosting:\n  - match: " + match + "\n"
                                        "    hosting: {provider: ovhcloud, offer: hosted-private-cloud-snc}\n"
                                        "    evidence: " + evidence + "\n")


def test_the_declaration_is_in_the_explanation(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["explain", "vsphere_virtual_machine.dossiers", "."]) == 0
    out = capsys.readouterr().out
    assert ("hosted_on ovhcloud/hosted-private-cloud-snc/- (declared in declared_hosting[0] of .snclint.yaml: "
            "provider ovhcloud, offer ovhcloud/hosted-private-cloud-snc (evidence: contract OVHcloud Hosted Private "
            "Cloud SecNumCloud, contract HPC-SNC-2026-014; attestation OVHcloud SecNumCloud qualification "
            "certificate for the offer, on file, 2026-03-02)") in out
    assert "the catalogue row's caveats are answered by the attestation declared on 2026-03-02" in out


def test_a_contract_without_attestation_leaves_the_row_caveats(repo: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _config(repo, "{hosts: [pcc-51-210-10-20.ovh.com]}", "{contract: HPC-SNC-2026-014, date: 2026-03-02}")
    found = [(f["rule_id"], f["address"], f["line"]) for f in _findings(capsys)]
    assert found == [("SNC008", "vsphere_virtual_machine.dossiers", 17),
                     ("SNC001", "vsphere_virtual_machine.essais", 26)]
    snc008 = _findings(capsys)[0]
    hosting = snc008["hosting"]
    assert isinstance(hosting, dict)
    assert hosting["declared"] == {"where": "declared_hosting[0] of .snclint.yaml",
                                   "evidence": "contract HPC-SNC-2026-014", "date": "2026-03-02"}


def test_a_contract_that_mentions_an_attestation_is_not_one(repo: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The attestation is the config's ``attestation`` entry, not a word in another entry."""
    _config(repo, "{hosts: [pcc-51-210-10-20.ovh.com]}",
            "{contract: 'HPC-SNC-2026-014, attestation to follow', date: 2026-03-02}")
    found = [(f["rule_id"], f["address"], f["line"]) for f in _findings(capsys)]
    assert found == [("SNC008", "vsphere_virtual_machine.dossiers", 17),
                     ("SNC001", "vsphere_virtual_machine.essais", 26)]


def test_paths_and_roots_match_every_criterion(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evidence = "{attestation: on file, date: 2026-03-02}"
    _config(repo, "{paths: ['hpc/*.tf'], roots: [hpc]}", evidence)
    assert _findings(capsys) == []
    _config(repo, "{paths: ['hpc/*.tf'], roots: [elsewhere]}", evidence)
    assert [f["address"] for f in _findings(capsys)] == ["vsphere_virtual_machine.dossiers",
                                                        "vsphere_virtual_machine.essais"]


def test_evidence_needs_a_contract_or_an_attestation_and_a_date(repo: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    _config(repo, "{hosts: ['*.ovh.com']}", "{reference: drawer 3}")
    assert main(["scan", "."]) == 2
    assert "declared_hosting" in capsys.readouterr().err
