"""The Terragrunt frontend: units → exact nodes (inputs, includes, functions, generate, sources)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from helpers.tf_project import KNOWLEDGE, nodes, tags, write

from linter.model import Fragment, Location, NodeKind, Unknown
from linter.terragrunt.frontend import TerragruntResult, load_terragrunt

MODULE = """
variable "tags" {
  type    = map(string)
  default = { data_sensitivity = "standard" }
}
resource "aws_s3_bucket" "this" {
  tags = var.tags
}
"""
PROVIDER_TF = 'provider "aws" {\n  region = "eu-west-1"\n}\n'


def run(root: Path, files: Mapping[str, str]) -> TerragruntResult:
    write(root, files)
    units = sorted(p for p in files if p.endswith("terragrunt.hcl"))
    return load_terragrunt(units, knowledge=KNOWLEDGE, boundary=root, cwd=root)


def unit(source: str, tags: str | None = None) -> str:
    """A unit that only calls ``source``, passing ``tags`` (an HCL expression) as its input when given."""
    text = f'terraform {{\n  source = "{source}"\n}}\n'
    return text if tags is None else text + f"inputs = {{\n  tags = {tags}\n}}\n"


def messages(fragment: Fragment) -> list[tuple[str, int, str]]:
    return [(p.location.file, p.location.line, p.message) for p in fragment.problems]


def test_inputs_are_the_module_variables_and_nodes_are_rooted_at_the_unit(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "live/prod/terragrunt.hcl": unit("../../modules//bucket", tags='{ data_sensitivity = "particuliere" }'),
        "live/dev/terragrunt.hcl": unit("../../modules/bucket"),
    })
    found = nodes(result.fragment)
    assert sorted(found) == ["live/dev::aws_s3_bucket.this", "live/prod::aws_s3_bucket.this"]
    assert tags(found["live/prod::aws_s3_bucket.this"]) == {"data_sensitivity": "particuliere"}
    assert tags(found["live/dev::aws_s3_bucket.this"]) == {"data_sensitivity": "standard"}
    assert found["live/prod::aws_s3_bucket.this"].root == "live/prod"
    assert found["live/prod::aws_s3_bucket.this"].location.file == "modules/bucket/main.tf"
    assert result.folders == {"live/prod", "live/dev", "modules/bucket"}


def test_functions_in_an_included_file_speak_of_the_unit(tmp_path: Path) -> None:
    """find_in_parent_folders and path_relative_to_include in root.hcl are the unit's."""
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "root.hcl": """
            locals {
              env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
            }
            inputs = {
              tags = {
                data_sensitivity = local.env.locals.level
                path             = path_relative_to_include()
                dir              = get_path_from_repo_root()
              }
            }
            """,
        "prod/env.hcl": 'locals {\n  level = "particuliere"\n}\n',
        "prod/app/terragrunt.hcl": """
            include "root" {
              path = find_in_parent_folders("root.hcl")
            }
            terraform {
              source = "${get_repo_root()}/modules/bucket"
            }
            """,
    })
    node = nodes(result.fragment)["prod/app::aws_s3_bucket.this"]
    assert tags(node) == {"data_sensitivity": "particuliere", "path": "prod/app", "dir": "prod/app"}
    assert messages(result.fragment) == []


def test_shallow_merge_replaces_and_deep_merge_merges_maps(tmp_path: Path) -> None:
    root = 'inputs = {\n  tags = { data_sensitivity = "particuliere", team = "a" }\n}\n'
    unit = """
        include {
          path           = find_in_parent_folders("root.hcl")
          merge_strategy = "{strategy}"
        }
        terraform {
          source = "../modules/bucket"
        }
        inputs = {
          tags = { owner = "b" }
        }
        """
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "root.hcl": root,
        "shallow/terragrunt.hcl": unit.replace("{strategy}", "shallow"),
        "deep/terragrunt.hcl": unit.replace("{strategy}", "deep"),
        "none/terragrunt.hcl": unit.replace("{strategy}", "no_merge"),
    })
    found = nodes(result.fragment)
    assert tags(found["shallow::aws_s3_bucket.this"]) == {"owner": "b"}
    assert tags(found["deep::aws_s3_bucket.this"]) == {"data_sensitivity": "particuliere", "team": "a", "owner": "b"}
    assert tags(found["none::aws_s3_bucket.this"]) == {"owner": "b"}


def test_generated_provider_replaces_the_module_file_of_the_same_name(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE,
        "modules/bucket/provider.tf": PROVIDER_TF,
        "unit/terragrunt.hcl": """
            locals {
              region = "eu-west-3"
            }
            terraform {
              source = "../modules/bucket"
            }
            generate "provider" {
              path      = "provider.tf"
              if_exists = "overwrite"
              contents  = <<EOF
            provider "aws" {
              region = "${local.region}"
            }
            EOF
            }
            """,
    })
    node = nodes(result.fragment)["unit::aws_s3_bucket.this"]
    assert node.hosting is not None and node.hosting.provider is not None
    provider = node.hosting.provider
    assert provider.attributes["region"] == "eu-west-3"
    assert provider.location == Location("unit/terragrunt.hcl", 11)


def test_dependency_outputs_are_mocks_else_unknown(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "a/terragrunt.hcl": """
            terraform {
              source = "../modules/bucket"
            }
            dependency "meta" {
              config_path  = "../meta"
              mock_outputs = { level = "particuliere" }
            }
            inputs = {
              tags = { data_sensitivity = dependency.meta.outputs.level }
            }
            """,
        "b/terragrunt.hcl": """
            terraform {
              source = "../modules/bucket"
            }
            dependency "meta" {
              config_path = "../meta"
            }
            inputs = {
              tags = { data_sensitivity = dependency.meta.outputs.level }
            }
            """,
    })
    found = nodes(result.fragment)
    assert tags(found["a::aws_s3_bucket.this"]) == {"data_sensitivity": "particuliere"}
    value = tags(found["b::aws_s3_bucket.this"])["data_sensitivity"]
    assert isinstance(value, Unknown) and "no mock_outputs" in value.reason


def test_machine_dependent_functions_are_unknown_never_defaults(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "unit/terragrunt.hcl": unit("../modules/bucket", tags='{ data_sensitivity = get_env("LEVEL", "standard") }'),
        "whole/terragrunt.hcl": """
            terraform {
              source = "../modules/bucket"
            }
            inputs = get_env("INPUTS")
            """,
    })
    found = nodes(result.fragment)
    value = tags(found["unit::aws_s3_bucket.this"])["data_sensitivity"]
    assert isinstance(value, Unknown) and "get_env()" in value.reason
    whole = found["whole::aws_s3_bucket.this"].tags
    assert len(whole) == 1 and isinstance(whole[0].value, Unknown)


def test_remote_source_is_one_opaque_module_fed_by_the_inputs(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "unit/terragrunt.hcl": unit("tfr:///terraform-aws-modules/rds/aws?version=6.0.0",
                                    tags='{ data_sensitivity = "particuliere" }'),
        "unit/provider.tf": PROVIDER_TF,
        "git/terragrunt.hcl": unit("git::https://example.org/org/terraform-aws-queue.git//modules/fifo?ref=v1"),
    })
    found = nodes(result.fragment)
    assert sorted(found) == ["git::module.fifo", "unit::module.rds"]
    rds = found["unit::module.rds"]
    assert (rds.kind, rds.location.file, rds.location.line) == (NodeKind.DATASTORE, "unit/terragrunt.hcl", 1)
    assert tags(rds) == {"data_sensitivity": "particuliere"}


def test_included_files_are_not_units_and_bad_paths_are_reported(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "terragrunt.hcl": 'inputs = {\n  tags = { data_sensitivity = "particuliere" }\n}\n',
        "app/terragrunt.hcl": """
            include {
              path = find_in_parent_folders()
            }
            terraform {
              source = "../modules/bucket"
            }
            """,
        "lost/terragrunt.hcl": """
            include {
              path = "../nowhere.hcl"
            }
            terraform {
              source = "../../outside"
            }
            """,
    })
    assert sorted(nodes(result.fragment)) == ["app::aws_s3_bucket.this"]
    assert messages(result.fragment) == [
        ("lost/terragrunt.hcl", 1, "include (unnamed): nowhere.hcl is not a file of the repository"),
        ("lost/terragrunt.hcl", 4, "terraform source ../../outside leaves the scanned repository: scan the parent "
                                   "folder or run inside the git work tree"),
    ]


def test_unit_without_source_is_its_own_folder(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "unit/main.tf": MODULE + PROVIDER_TF,
        "unit/terragrunt.hcl": 'inputs = {\n  tags = { data_sensitivity = "particuliere" }\n}\n',
    })
    assert tags(nodes(result.fragment)["unit::aws_s3_bucket.this"]) == {"data_sensitivity": "particuliere"}
    assert result.folders == {"unit"}


def test_required_var_files_win_over_inputs(tmp_path: Path) -> None:
    result = run(tmp_path, {
        "modules/bucket/main.tf": MODULE + PROVIDER_TF,
        "common.tfvars": 'tags = { data_sensitivity = "particuliere" }\n',
        "unit/terragrunt.hcl": """
            terraform {
              source = "../modules/bucket"
              extra_arguments "vars" {
                commands           = ["plan", "apply"]
                required_var_files = ["${get_parent_terragrunt_dir()}/../common.tfvars"]
                optional_var_files = ["absent.tfvars"]
              }
            }
            inputs = {
              tags = { data_sensitivity = "standard" }
            }
            """,
    })
    assert tags(nodes(result.fragment)["unit::aws_s3_bucket.this"]) == {"data_sensitivity": "particuliere"}
    assert messages(result.fragment) == []
