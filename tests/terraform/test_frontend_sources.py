"""The Terraform frontend: which files and modules are read, root modules, the boundary, and
what happens to modules that are not read."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers.tf_project import KNOWLEDGE, nodes, provider, run, tags

from linter.model import Location, NodeKind, Problem, ProblemKind
from linter.module_sources import registry_address
from linter.terraform.modules.expand import Expansion
from linter.terraform.modules.reader import Reader
from linter.terraform.modules.tree import RootContext

PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'


def test_downloaded_and_remote_modules(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + """
            provider "aws" {
              alias  = "paris"
              region = "eu-west-3"
            }
            module "db" {
              source  = "terraform-aws-modules/rds/aws"
              version = "6.1.0"
              name    = "patients"
              tags    = { data_sensitivity = "particuliere" }
            }
            module "other" {
              source    = "registry.terraform.io/terraform-aws-modules/rds/aws"
              version   = "6.1.0"
              providers = { aws = aws.paris }
              tags      = { data_sensitivity = "particuliere" }
            }
            module "git" {
              source = "git::https://example.org/infra/modules.git//bucket?ref=v1"
            }
            """,
        ".terraform/modules/modules.json": json.dumps({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "db", "Source": "registry.terraform.io/terraform-aws-modules/rds/aws", "Version": "6.1.0",
             "Dir": ".terraform/modules/db"},
            {"Key": "db.db_instance", "Source": "./modules/db_instance",
             "Dir": ".terraform/modules/db/modules/db_instance"},
        ]}),
        ".terraform/modules/db/main.tf": """
            variable "name" {}
            variable "tags" { default = {} }
            module "db_instance" {
              source = "./modules/db_instance"
              name   = var.name
              tags   = var.tags
            }
            """,
        ".terraform/modules/db/modules/db_instance/main.tf": """
            variable "name" {}
            variable "tags" {}
            resource "aws_db_instance" "this" {
              identifier = var.name
              tags       = var.tags
            }
            """,
    }
    fragment = run(tmp_path, files)
    found = nodes(fragment)
    assert sorted(found) == [".::module.db.module.db_instance.aws_db_instance.this", ".::module.git",
                             ".::module.other"]
    inner = found[".::module.db.module.db_instance.aws_db_instance.this"]
    assert tags(inner) == {"data_sensitivity": "particuliere"}
    assert inner.location == Location(".terraform/modules/db/modules/db_instance/main.tf", 3)
    assert provider(inner) == "provider.aws"
    other = found[".::module.other"]
    assert (other.type, other.kind, other.address, other.location) == (
        "terraform-aws-modules/rds/aws", NodeKind.DATASTORE, "module.other", Location("main.tf", 15))
    assert tags(other) == {"data_sensitivity": "particuliere"} and provider(other) == "provider.aws.paris"
    assert other.notes[0].startswith("module source registry.terraform.io/terraform-aws-modules/rds/aws was not read")
    git = found[".::module.git"]
    assert git.kind == NodeKind.OTHER and provider(git) == "provider.aws"
    assert ".terraform/modules/modules.json" in fragment.files
    assert ".terraform/modules/db/main.tf" in fragment.files
    assert fragment.problems == ()


def test_source_leaving_the_boundary_is_reported_and_opaque(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "main.tf").write_text('resource "aws_s3_bucket" "secret" {}\n')
    files = {"main.tf": PROVIDER + 'module "up" {\n  source = "../outside"\n  tags = { data_sensitivity = "dsp" }\n}\n'}
    fragment = run(repo, files)
    assert fragment.problems == ()  # not a parse error: a note that says what to do
    assert fragment.notes == ("main.tf:5: module up: source ../outside leaves the scanned repository, so it "
                              "was not read: scan the parent folder or run inside the git work tree",)
    node = nodes(fragment)[".::module.up"]
    assert tags(node) == {"data_sensitivity": "dsp"}
    assert "it leaves the scanned repository" in node.notes[0]
    assert fragment.files == ("main.tf",)


def test_symlink_leaving_the_boundary_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_s3_bucket" "secret" {}\n')
    files = {"main.tf": PROVIDER + 'module "linked" {\n  source = "./linked"\n}\n'
                                   'module "file" {\n  source = "./mod"\n}\n',
             "mod/ok.tf": 'resource "aws_s3_bucket" "ok" {}\n'}
    repo.mkdir()
    os.symlink(outside, repo / "linked")
    (repo / "mod").mkdir()
    os.symlink(outside / "main.tf", repo / "mod" / "evil.tf")
    fragment = run(repo, files, given=["main.tf"])  # mod/ is read from disk, as a module source
    assert sorted(nodes(fragment)) == [".::module.file.aws_s3_bucket.ok", ".::module.linked"]
    assert fragment.notes == ("main.tf:5: module linked: source ./linked leaves the scanned repository, so it was "
                              "not read: scan the parent folder or run inside the git work tree",)
    assert fragment.problems == (
        Problem(location=Location("mod/evil.tf", 1),
                message="leaves the scanned repository (a link or a path outside it): not read"),
    )


def test_parse_error_in_one_file_keeps_the_rest_of_the_module(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + 'resource "aws_s3_bucket" "archive" {\n  tags = { data_sensitivity = "dsp" }\n}\n',
        "broken.tf": 'resource "aws_s3_bucket" "half" {\n  tags = {\n',
    }
    fragment = run(tmp_path, files)
    assert sorted(nodes(fragment)) == [".::aws_s3_bucket.archive"]
    assert [(p.location, p.kind) for p in fragment.problems] == [(Location("broken.tf", 2), ProblemKind.UNREADABLE)]
    assert fragment.files == ("broken.tf", "main.tf")


def test_module_cycle_and_depth_limit_end_as_opaque_nodes(tmp_path: Path) -> None:
    files = {
        "main.tf": 'module "a" {\n  source = "./a"\n}\nmodule "deep" {\n  source = "./d0"\n}\n',
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
    }
    for i in range(40):
        files[f"d{i}/main.tf"] = f'resource "aws_s3_bucket" "x" {{}}\nmodule "next" {{\n  source = "../d{i + 1}"\n}}\n'
    fragment = run(tmp_path, files, given=["main.tf"])
    found = nodes(fragment)
    assert ".::module.a.module.b.module.a" in found
    assert "the module calls itself" in found[".::module.a.module.b.module.a"].notes[0]
    deepest = ".::" + ".".join(["module.deep"] + ["module.next"] * 31)
    assert deepest + ".aws_s3_bucket.x" in found
    assert "modules nest deeper than 32" in found[deepest + ".module.next"].notes[0]


def test_roots_are_folders_no_other_scanned_folder_calls(tmp_path: Path) -> None:
    files = {
        "envs/prod/main.tf": PROVIDER + 'module "db" {\n  source = "../../modules/db"\n  level = "dsp"\n}\n',
        "envs/staging/main.tf": PROVIDER + 'module "db" {\n  source = "../../modules/db"\n  level = "standard"\n}\n',
        "modules/db/main.tf": ('variable "level" {}\n'
                               'resource "aws_db_instance" "main" {\n  tags = { data_sensitivity = var.level }\n}\n'),
        "loop/x/main.tf": 'module "y" {\n  source = "../y"\n}\n',
        "loop/y/main.tf": 'module "x" {\n  source = "../x"\n}\nresource "aws_s3_bucket" "y" {}\n',
    }
    found = nodes(run(tmp_path, files))
    assert sorted(found) == [
        "envs/prod::module.db.aws_db_instance.main", "envs/staging::module.db.aws_db_instance.main",
        "loop/x::module.y.aws_s3_bucket.y", "loop/x::module.y.module.x"]
    prod = found["envs/prod::module.db.aws_db_instance.main"]
    assert prod.scope == "envs/prod" and tags(prod) == {"data_sensitivity": "dsp"}
    assert prod.location == Location("modules/db/main.tf", 2)


def test_duplicate_declarations_are_reported(tmp_path: Path) -> None:
    files = {"a.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = "first"\n}\n',
             "b.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = "second"\n}\n'}
    fragment = run(tmp_path, files)
    assert [n.attributes["bucket"] for n in fragment.nodes] == ["first"]
    assert [(p.location, p.message) for p in fragment.problems] == [
        (Location("b.tf", 1), "resource aws_s3_bucket.x is declared twice: the first one is used")]


@pytest.mark.parametrize("source", ["./missing", "hashicorp/consul/aws"])
def test_module_not_on_disk_is_opaque(tmp_path: Path, source: str) -> None:
    files = {"main.tf": PROVIDER + f'module "m" {{\n  source = "{source}"\n  labels = {{ sensibilite = "dsp" }}\n}}\n'}
    node = nodes(run(tmp_path, files))[".::module.m"]
    assert tags(node) == {"sensibilite": "dsp"} and node.attributes["source"] == source
    assert node.notes[0].startswith(f"module source {source} was not")


@pytest.mark.parametrize(("source", "expected"), [
    ("terraform-aws-modules/rds/aws", "terraform-aws-modules/rds/aws"),
    ("registry.terraform.io/Terraform-AWS-Modules/RDS/aws", "terraform-aws-modules/rds/aws"),
    ("app.terraform.io/example-org/network/google//modules/vpc", "example-org/network/google"),
    ("git::https://example.org/infra/modules.git//bucket?ref=v1", None),
    ("github.com/example/terraform-modules", None),
    ("./modules/db", None),
])
def test_registry_address(source: str, expected: str | None) -> None:
    assert registry_address(source) == expected


def test_instance_budget_of_a_root(tmp_path: Path) -> None:
    ctx = RootContext(root=".", knowledge=KNOWLEDGE, reader=Reader(tmp_path, tmp_path, {}),
                      definition_of=lambda folder: None, assigned={}, implicit={}, provider_blocks={},
                      instances_left=3)
    five = Expansion(mode="count", meta="count", items=tuple((i, i) for i in range(5)))
    two = Expansion(mode="count", meta="count", items=((0, 0), (1, 1)))
    assert ctx.admit(two, "aws_s3_bucket.a") is two
    limited = ctx.admit(five, "aws_s3_bucket.b")
    assert limited.mode == "unknown" and "more instances than are expanded" in limited.reason


def test_count_beyond_the_expansion_limit_is_unknown(tmp_path: Path) -> None:
    files = {"main.tf": PROVIDER + 'resource "aws_s3_bucket" "many" {\n  count = 100000\n'
                                   '  tags = { data_sensitivity = "dsp" }\n}\n'}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.many"]
    assert tags(node) == {"data_sensitivity": "dsp"}
    assert node.notes[0].startswith("count of aws_s3_bucket.many is not known: "
                                    "count = 100000 is more than the 512 instances")
