"""The Terraform frontend: provider configurations, aliases, maps, inheritance, default tags,
and the cluster a Kubernetes provider talks to."""
from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import yaml
from helpers.tf_project import nodes, provider, run, tags

from linter.model import Location, ProviderConfig, Tag, Unknown


def test_alias_providers_map_inheritance_and_legacy_block(tmp_path: Path) -> None:
    files = {
        "main.tf": """
            terraform {
              required_providers {
                aws = { source = "registry.terraform.io/hashicorp/aws" }
              }
            }
            provider "aws" {
              region = "eu-west-3"
            }
            provider "aws" {
              alias  = "replica"
              region = "eu-central-1"
            }
            resource "aws_s3_bucket" "main" {}
            resource "aws_s3_bucket" "copy" {
              provider = aws.replica
            }
            module "passed" {
              source    = "./child"
              providers = { aws = aws.replica }
            }
            module "inherited" {
              source = "./child"
            }
            module "legacy" {
              source = "./legacy"
            }
            """,
        "child/main.tf": 'resource "aws_s3_bucket" "c" {}\nmodule "grand" {\n  source = "../grand"\n}\n',
        "grand/main.tf": 'resource "aws_s3_bucket" "g" {}\n',
        "legacy/main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\nresource "aws_s3_bucket" "l" {}\n',
    }
    found = nodes(run(tmp_path, files))
    assert {k: provider(n) for k, n in found.items()} == {
        ".::aws_s3_bucket.main": "provider.aws",
        ".::aws_s3_bucket.copy": "provider.aws.replica",
        ".::module.passed.aws_s3_bucket.c": "provider.aws.replica",
        ".::module.passed.module.grand.aws_s3_bucket.g": "provider.aws.replica",
        ".::module.inherited.aws_s3_bucket.c": "provider.aws",
        ".::module.inherited.module.grand.aws_s3_bucket.g": "provider.aws",
        ".::module.legacy.aws_s3_bucket.l": "module.legacy.provider.aws",
    }
    copy = found[".::aws_s3_bucket.copy"].hosting
    assert copy is not None and copy.provider == ProviderConfig(
        name="aws", source="hashicorp/aws", alias="replica", attributes={"region": "eu-central-1"},
        address="provider.aws.replica", location=Location("main.tf", 9))
    legacy = found[".::module.legacy.aws_s3_bucket.l"].hosting
    assert legacy is not None and legacy.provider is not None
    assert legacy.provider.attributes == {"region": "us-east-1"} and legacy.provider.location == Location(
        "legacy/main.tf", 1)


def test_provider_evaluated_in_its_module_and_implicit_configuration(tmp_path: Path) -> None:
    files = {"main.tf": """
        variable "region" { default = "cloudgouv-eu-west-1" }
        provider "outscale" {
          api {
            region = var.region
          }
        }
        resource "outscale_volume" "v" {}
        resource "scaleway_rdb_instance" "s" {}
        """}
    found = nodes(run(tmp_path, files))
    v = found[".::outscale_volume.v"].hosting
    assert v is not None and v.provider is not None
    assert v.provider.attributes == {"api": [{"region": "cloudgouv-eu-west-1"}]}
    assert v.provider.source == "outscale/outscale"
    s = found[".::scaleway_rdb_instance.s"].hosting
    assert s is not None and s.provider == ProviderConfig(
        name="scaleway", source="scaleway/scaleway", alias=None, attributes={}, address="provider.scaleway",
        location=None)


def test_default_tags_apply_to_every_resource_of_the_provider(tmp_path: Path) -> None:
    files = {
        "main.tf": """
            provider "aws" {
              region = "eu-west-3"
              default_tags {
                tags = { data_sensitivity = "particuliere", team = "dsi" }
              }
            }
            provider "aws" {
              alias  = "plain"
              region = "eu-west-3"
            }
            resource "aws_s3_bucket" "a" {
              tags = { data_sensitivity = "standard" }
            }
            resource "aws_s3_bucket" "b" {
              provider = aws.plain
            }
            module "m" {
              source = "./m"
            }
            """,
        "m/main.tf": 'resource "aws_db_instance" "d" {}\n',
    }
    found = nodes(run(tmp_path, files))
    provider_line = Location("main.tf", 1)
    assert found[".::aws_s3_bucket.a"].tags == (
        Tag(key="data_sensitivity", value="standard", location=Location("main.tf", 12), source="tags"),
        Tag(key="data_sensitivity", value="particuliere", location=provider_line, source="default_tags"),
        Tag(key="team", value="dsi", location=provider_line, source="default_tags"),
    )
    assert found[".::aws_s3_bucket.b"].tags == ()
    assert tags(found[".::module.m.aws_db_instance.d"]) == {"data_sensitivity": "particuliere", "team": "dsi"}


EKS = {
    "main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }
        resource "aws_eks_cluster" "main" {
          name = "main"
        }
        provider "kubernetes" {
          host = aws_eks_cluster.main.endpoint
        }
        provider "kubernetes" {
          alias = "via_data"
          host  = data.aws_eks_cluster.other.endpoint
        }
        provider "helm" {
          kubernetes {
            exec {
              args = ["eks", "get-token", "--cluster-name", module.eks.cluster_name]
            }
          }
        }
        data "aws_eks_cluster" "other" {
          name = module.eks.cluster_name
        }
        module "eks" {
          source = "./eks"
        }
        module "remote" {
          source = "terraform-aws-modules/eks/aws"
        }
        provider "kubernetes" {
          alias = "remote"
          host  = module.remote.cluster_endpoint
        }
        resource "kubernetes_persistent_volume_claim" "direct" {}
        resource "kubernetes_persistent_volume_claim" "data" {
          provider = kubernetes.via_data
        }
        resource "kubernetes_persistent_volume_claim" "opaque" {
          provider = kubernetes.remote
        }
        resource "helm_release" "app" {}
        """,
    "eks/main.tf": """
        resource "aws_eks_cluster" "this" {
          name = "inner"
        }
        output "cluster_name" {
          value = aws_eks_cluster.this.name
        }
        """,
}


def test_kubernetes_resources_are_hosted_on_the_cluster_their_provider_names(tmp_path: Path) -> None:
    found = nodes(run(tmp_path, EKS))
    clusters = {k: n.hosting.cluster for k, n in found.items() if n.hosting is not None and n.hosting.cluster}
    assert clusters == {
        ".::kubernetes_persistent_volume_claim.direct": ".::aws_eks_cluster.main",
        ".::kubernetes_persistent_volume_claim.data": ".::module.eks.aws_eks_cluster.this",
        ".::kubernetes_persistent_volume_claim.opaque": ".::module.remote",
        ".::helm_release.app": ".::module.eks.aws_eks_cluster.this",
    }
    assert provider(found[".::helm_release.app"]) == "provider.helm"


def test_shipped_cluster_clients_file_matches_its_schema() -> None:
    data = yaml.safe_load((files("linter.policies") / "terraform-kubernetes.yaml").read_text("utf-8"))
    schema = json.loads((files("linter.schemas") / "terraform-kubernetes.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_alias_only_provider_block_in_a_child_is_a_proxy(tmp_path: Path) -> None:
    files = {
        "main.tf": """
            provider "aws" {
              alias  = "dr"
              region = "eu-central-1"
            }
            module "m" {
              source    = "./m"
              providers = { aws.dr = aws.dr }
            }
            """,
        "m/main.tf": """
            provider "aws" {
              alias = "dr"
            }
            resource "aws_s3_bucket" "copy" {
              provider = aws.dr
            }
            """,
    }
    node = nodes(run(tmp_path, files))[".::module.m.aws_s3_bucket.copy"]
    assert provider(node) == "provider.aws.dr"


def test_instances_in_different_regions_are_separate_nodes(tmp_path: Path) -> None:
    files = {"main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }
        resource "aws_s3_bucket" "b" {
          for_each = { paris = "eu-west-3", virginia = "us-east-1" }
          region   = each.value
          tags     = { data_sensitivity = "particuliere" }
        }
        """}
    found = nodes(run(tmp_path, files))
    assert sorted(found) == ['.::aws_s3_bucket.b["paris"]', '.::aws_s3_bucket.b["virginia"]']
    assert found['.::aws_s3_bucket.b["virginia"]'].attributes["region"] == "us-east-1"


def test_provider_for_each_instances_are_not_guessed(tmp_path: Path) -> None:
    """OpenTofu's provider for_each: the configuration is named, its each-dependent region unknown."""
    files = {"main.tf": """
        provider "aws" {
          region = "eu-west-3"
        }
        provider "aws" {
          alias    = "by_region"
          for_each = toset(["us-east-1"])
          region   = each.value
        }
        resource "aws_s3_bucket" "b" {
          for_each = toset(["us-east-1"])
          provider = aws.by_region[each.key]
        }
        """}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.b"]
    assert provider(node) == "provider.aws.by_region"
    assert node.hosting is not None and node.hosting.provider is not None
    region = node.hosting.provider.attributes["region"]
    assert isinstance(region, Unknown)
