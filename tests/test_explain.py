"""``snclint explain ADDRESS`` shows the path by which a resource became sensitive, hop by hop, and
SNC002 names the same chain in its evidence (the fixtures of fixtures/flows)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli import main

FLOWS = Path(__file__).resolve().parent.parent / "fixtures" / "flows"
# report paths start at the repository root, whatever the working directory
CHAIN = "fixtures/flows/outscale-chain/chain.tf"
BACKUP = "fixtures/flows/aws-backup-storage/backup.tf"
REPLICA = "fixtures/flows/s3ns-to-gcp-replica/main.tf"


def explain(folder: str, address: str, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> list[str]:
    monkeypatch.chdir(FLOWS / folder)
    assert main(["explain", address, "."]) == 0
    return capsys.readouterr().out.splitlines()


def path_of(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith("  sensitive:"))
    out = [lines[start]]
    out += [line for line in lines[start + 1:] if line.startswith("    ")]
    return out


def test_three_hops_to_a_restored_volume_abroad(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain("outscale-chain", "outscale_volume.dossiers_pra", monkeypatch, capsys)
    assert lines[0] == (f"outscale_volume.dossiers_pra  (outscale_volume, datastore) at {CHAIN}:26, "
                        "root fixtures/flows/outscale-chain")
    assert path_of(lines) == [
        "  sensitive: particuliere, by this path:",
        f"    outscale_volume.dossiers --backs_up_to--> outscale_snapshot.dossiers ({CHAIN}:14)",
        f"    outscale_snapshot.dossiers --copies_to--> outscale_snapshot.dossiers_pra ({CHAIN}:21)",
        f"    outscale_snapshot.dossiers_pra --copies_to--> outscale_volume.dossiers_pra ({CHAIN}:29)",
    ]
    assert "  qualification: not-qualified (region-not-qualified)" in lines
    assert any(line.startswith("  finding SNC002: ") for line in lines)


def test_a_replica_on_public_google_cloud(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain("s3ns-to-gcp-replica", "google_sql_database_instance.dossiers_lecture", monkeypatch, capsys)
    assert path_of(lines) == [
        "  sensitive: particuliere, by this path:",
        ("    google_sql_database_instance.dossiers --replicates_to--> "
         f"google_sql_database_instance.dossiers_lecture ({REPLICA}:20)"),
    ]
    assert "  qualification: not-qualified (provider-not-qualified)" in lines


def test_the_tagged_primary_is_sensitive_on_its_own(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain("s3ns-to-gcp-replica", "google_sql_database_instance.dossiers", monkeypatch, capsys)
    assert path_of(lines) == ["  sensitive: particuliere (tagged on it)"]
    assert "  qualification: qualified" in lines
    assert not any(line.startswith("  finding") for line in lines)


def test_the_path_skips_the_carriers(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Backup selection and plan carry the flow; the hops are the database and the vaults."""
    lines = explain("aws-backup-storage", "aws_backup_vault.secours", monkeypatch, capsys)
    assert path_of(lines) == [
        "  sensitive: particuliere, by this path:",
        f"    aws_db_instance.comptes --backs_up_to--> aws_backup_vault.principal ({BACKUP}:39)",
        f"    aws_backup_vault.principal --copies_to--> aws_backup_vault.secours ({BACKUP}:30)",
    ]


def test_a_carrier_is_never_sensitive(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain("aws-backup-storage", "aws_backup_plan.quotidien", monkeypatch, capsys)
    assert "  sensitive: no" in lines


def test_snc002_evidence_names_every_hop(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(FLOWS / "outscale-chain")
    assert main(["scan", ".", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    finding = next(f for f in report["findings"] if f["address"] == "aws_s3_bucket.exports_pra")
    assert finding["rule_id"] == "SNC002"
    chain = [(e["address"], e["relation"], e["file"], e["line"], e["detail"]) for e in finding["evidence"]
             if e["relation"] != "hosted_on"]
    assert chain == [
        ("outscale_volume.dossiers", "classified", CHAIN, 7, "sensibilite = particuliere (tags)"),
        ("outscale_volume.dossiers", "backs_up_to", CHAIN, 14, "to outscale_snapshot.dossiers"),
        ("outscale_snapshot.dossiers", "copies_to", CHAIN, 21, "to outscale_snapshot.dossiers_pra"),
        ("outscale_snapshot.dossiers_pra", "exports_to", CHAIN, 44, "to aws_s3_bucket.exports_pra"),
    ]
    assert "from outscale_volume.dossiers reaches aws_s3_bucket.exports_pra" in finding["message"]


def test_a_module_whose_inherited_configurations_disagree_says_why(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Its provider type is not known and aws and google could both host it: SNC006, and explain
    says which configurations disagree, never "unclassified"."""
    monkeypatch.chdir(FLOWS.parent / "terraform" / "modules-inherit")
    assert main(["explain", "module.mystery", "."]) == 0
    text = capsys.readouterr().out
    assert "classification: classified particuliere from data_sensitivity (default_tags" in text
    assert ("hosting: not determined: the module's provider type is not known and the configurations it "
            "inherits disagree (provider.aws: aws eu-west-3 not-qualified; provider.google: gcp europe-west9 "
            "not-qualified)") in text
    assert "finding SNC006: module.mystery holds particuliere data but its hosting cannot be determined: the " \
           "module's provider type is not known" in text
