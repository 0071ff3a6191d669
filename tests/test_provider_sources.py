"""Registry hosts are knowledge: a host a user pack adds is honoured by every frontend."""
from __future__ import annotations

import json
from pathlib import Path

from linter.knowledge import Knowledge
from linter.policy_files import load_knowledge
from linter.provider_sources import implicit_source, normalise_provider_source
from linter.terraform.plan.frontend import load_plans
from tests.helpers.tf_project import run

MIRROR = "mirror.example.org/hashicorp/aws"


def with_mirror(tmp_path: Path) -> Knowledge:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "recognition.yaml").write_text("kind: recognition\nterraform:\n  registry_hosts: [Mirror.Example.org]\n",
                                           encoding="utf-8")
    return load_knowledge([pack.as_posix()])


def test_shipped_hosts_are_left_out_and_others_kept() -> None:
    knowledge = load_knowledge()
    assert normalise_provider_source(" registry.terraform.io/HashiCorp/AWS", knowledge) == "hashicorp/aws"
    assert normalise_provider_source("registry.opentofu.org/outscale/outscale", knowledge) == "outscale/outscale"
    assert normalise_provider_source(MIRROR, knowledge) == MIRROR
    assert implicit_source(knowledge, "aws") == "hashicorp/aws"


def test_a_user_pack_host_is_a_registry(tmp_path: Path) -> None:
    knowledge = with_mirror(tmp_path)
    assert normalise_provider_source(MIRROR, knowledge) == "hashicorp/aws"
    assert normalise_provider_source("registry.terraform.io/hashicorp/aws", knowledge) == "hashicorp/aws"


TERRAFORM = {"main.tf": f"""
    terraform {{
      required_providers {{
        aws = {{ source = "{MIRROR}" }}
      }}
    }}
    resource "aws_s3_bucket" "b" {{}}
    """}


def terraform_source(tmp_path: Path, knowledge: Knowledge) -> str | None:
    node = run(tmp_path / "tf", TERRAFORM, knowledge=knowledge).nodes[0]
    assert node.hosting is not None and node.hosting.provider is not None
    return node.hosting.provider.source


def test_the_terraform_frontend_honours_a_user_pack_host(tmp_path: Path) -> None:
    assert terraform_source(tmp_path, load_knowledge()) == MIRROR
    assert terraform_source(tmp_path, with_mirror(tmp_path)) == "hashicorp/aws"


def plan_source(tmp_path: Path, knowledge: Knowledge) -> str | None:
    resource = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                "provider_name": MIRROR, "values": {}}
    plan = {"format_version": "1.1", "planned_values": {"root_module": {"resources": [resource]}},
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": MIRROR}},
                              "root_module": {"resources": [{"address": "aws_s3_bucket.b", "mode": "managed",
                                                             "type": "aws_s3_bucket", "name": "b",
                                                             "provider_config_key": "aws"}]}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    node = load_plans(["plan.json"], knowledge=knowledge, hcl=(), cwd=tmp_path).nodes[0]
    assert node.hosting is not None and node.hosting.provider is not None
    return node.hosting.provider.source


def test_the_plan_frontend_honours_a_user_pack_host(tmp_path: Path) -> None:
    assert plan_source(tmp_path, load_knowledge()) == MIRROR
    assert plan_source(tmp_path, with_mirror(tmp_path)) == "hashicorp/aws"
