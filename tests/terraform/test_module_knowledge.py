"""Module sources as module knowledge knows them, and what it says of them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli import main
from linter.model import NodeKind
from linter.module_sources import module_key, named_provider
from linter.policy_files import load_knowledge


@pytest.mark.parametrize(("source", "key", "provider"), [
    ("terraform-aws-modules/rds/aws", "terraform-aws-modules/rds/aws", "aws"),
    ("registry.terraform.io/terraform-aws-modules/rds/aws", "terraform-aws-modules/rds/aws", "aws"),
    ("terraform-google-modules/sql-db/google//modules/private_service_access",
     "terraform-google-modules/sql-db/google//modules/private_service_access", "google"),
    ("git::https://github.com/GoogleCloudPlatform/cloud-foundation-fabric.git//modules/gcs?ref=v40.0.0",
     "github.com/googlecloudplatform/cloud-foundation-fabric//modules/gcs", None),
    ("github.com/ministryofjustice/cloud-platform-terraform-rds-instance?ref=8.0.0",
     "github.com/ministryofjustice/cloud-platform-terraform-rds-instance", None),
    ("git@github.com:org/terraform-aws-queue.git?ref=v1", "github.com/org/terraform-aws-queue", "aws"),
    ("git::ssh://git@gitlab.example.org/socle/terraform-outscale-vm.git",
     "gitlab.example.org/socle/terraform-outscale-vm", "outscale"),
])
def test_module_key_and_named_provider(source: str, key: str, provider: str | None) -> None:
    assert module_key(source) == key
    assert named_provider(source) == provider


def test_subdirectory_is_another_module_and_patterns_are_ordered() -> None:
    knowledge = load_knowledge()
    postgres = knowledge.module_info("terraform-google-modules/sql-db/google//modules/postgresql")
    peering = knowledge.module_info("terraform-google-modules/sql-db/google//modules/private_service_access")
    assert postgres is not None and postgres.kind == NodeKind.DATASTORE and postgres.tag_paths == ("user_labels",)
    assert postgres.uses_provider == "google"
    assert peering is not None and peering.kind == NodeKind.OTHER
    iam = knowledge.module_info("terraform-aws-modules/iam/aws//modules/iam-assumable-role")
    assert iam is not None and iam.kind == NodeKind.OTHER
    node_group = knowledge.module_info("terraform-aws-modules/eks/aws//modules/eks-managed-node-group")
    assert node_group is not None and node_group.kind == NodeKind.COMPUTE  # a pattern
    assert knowledge.module_info("github.com/example/unknown") is None
    flows = {(f.type, f.attribute) for f in knowledge.flows}
    assert ("terraform-google-modules/sql-db/google//modules/postgresql", "master_instance_name") in flows


def test_inherited_configurations_that_agree_host_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing names the module's provider, but both configurations it inherits are AWS in
    eu-west-3: that hosting, with the reason in the evidence; the random provider is no candidate."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text("""
        provider "aws" {
          region = "eu-west-3"
          default_tags {
            tags = { data_sensitivity = "particuliere" }
          }
        }
        provider "awscc" {
          region = "eu-west-3"
        }
        resource "random_id" "x" {
          byte_length = 2
        }
        module "store" {
          source = "git::https://forge.example.org/socle/stockage.git"
        }
        """, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", ".", "--format", "json", "--no-cache", "--output", "report.json"]) == 1
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    [finding] = report["findings"]
    assert (finding["rule_id"], finding["address"], finding["hosting"]["reason"]) == (
        "SNC001", "module.store", "provider-not-qualified")
    hosting = next(e for e in finding["evidence"] if e["relation"] == "hosted_on")
    assert hosting["detail"].endswith("every configuration it inherits (provider.aws, provider.awscc) resolves alike")
    assert report["notes"][0].startswith("module source forge.example.org/socle/stockage: 1 call, neither on disk")


def test_a_source_that_is_no_literal_is_not_an_unknown_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text('variable "src" {}\nmodule "m" {\n  source = var.src\n}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", ".", "--format", "json", "--no-cache", "--output", "report.json"]) == 0
    assert "notes" not in json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
