"""Module sources as module knowledge knows them, and what it says of them."""
from __future__ import annotations

import pytest

from linter.model import NodeKind
from linter.policy_files import load_knowledge
from linter.terraform.sources import module_key, named_provider


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
