"""The Terraform frontend: evaluation (variables, locals, modules, instances) → exact nodes."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tf_project import nodes, provider, run, tags
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.errors import UsageError
from linter.model import Location, Reference, Tag, Unknown
from linter.terraform.object_namespace import metadata_namespace

PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'


def test_variable_precedence_default_tfvars_auto_var_file_var(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + """
            variable "a" { default = "default" }
            variable "b" { default = "default" }
            variable "c" { default = "default" }
            variable "d" { default = "default" }
            variable "e" { default = "default" }
            variable "f" { default = "default" }
            resource "aws_s3_bucket" "x" {
              tags = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, f = var.f }
            }
            """,
        "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\nf = "tfvars"\n',
        "b.auto.tfvars": 'd = "b.auto"\ne = "b.auto"\nf = "b.auto"\n',
        "a.auto.tfvars": 'c = "a.auto"\nd = "a.auto"\ne = "a.auto"\nf = "a.auto"\n',
        "env/prod.tfvars": 'e = "var-file"\nf = "var-file"\n',
    }
    fragment = run(tmp_path, files, var_files=["env/prod.tfvars"], variables={"f": "cli"})
    node = nodes(fragment)[".::aws_s3_bucket.x"]
    assert tags(node) == {"a": "default", "b": "tfvars", "c": "a.auto", "d": "b.auto", "e": "var-file", "f": "cli"}
    assert "env/prod.tfvars" in fragment.files and "terraform.tfvars" in fragment.files


def test_missing_var_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--var-file nope.tfvars"):
        run(tmp_path, {"main.tf": PROVIDER}, var_files=["nope.tfvars"])


def test_variable_without_value_is_unknown_and_tag_keeps_its_line(tmp_path: Path) -> None:
    files = {"main.tf": PROVIDER + """
        variable "level" {
          type = string
        }
        resource "aws_s3_bucket" "u" {
          bucket = "u"
          tags   = { data_sensitivity = var.level }
        }
        """}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.u"]
    assert node.tags == (Tag(key="data_sensitivity", value=Unknown("var.level has no value"),
                             location=Location("main.tf", 10), source="tags"),)
    assert node.location == Location("main.tf", 8)


def test_wholly_unknown_tag_map_is_one_star_tag(tmp_path: Path) -> None:
    files = {"main.tf": PROVIDER + """
        variable "tags" {}
        resource "aws_s3_bucket" "u" {
          tags = var.tags
        }
        """}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.u"]
    assert [(t.key, t.value) for t in node.tags] == [("*", Unknown("var.tags has no value"))]


def test_locals_are_lazy_and_cycles_are_unknown(tmp_path: Path) -> None:
    files = {"main.tf": PROVIDER + """
        locals {
          level = local.base
          a     = local.b
          b     = local.a
        }
        locals {
          base = lower("PARTICULIERE")
        }
        resource "aws_s3_bucket" "x" {
          tags = { data_sensitivity = local.level, other = local.a, ws = terraform.workspace, p = path.module }
        }
        """}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.x"]
    found = tags(node)
    assert found["data_sensitivity"] == "particuliere"
    assert found["ws"] == "default" and found["p"] == "."
    assert isinstance(found["other"], Unknown) and "reference cycle" in found["other"].reason


def test_module_arguments_merge_and_path_module(tmp_path: Path) -> None:
    """Acceptance tf-module-tags: a local, a module argument and merge()."""
    files = {
        "main.tf": PROVIDER + """
            locals {
              common_tags = { project = "dossier-medical", sensibilite = "particuliere" }
            }
            module "postgres" {
              source = "./modules/postgres"
              name   = "dossiers"
              tags   = local.common_tags
            }
            module "cache" {
              source = "./modules/postgres"
              name   = "cache"
              tags   = { sensibilite = "standard" }
            }
            """,
        "modules/postgres/main.tf": """
            variable "name" { type = string }
            variable "tags" {
              type    = map(string)
              default = {}
            }
            resource "aws_db_instance" "this" {
              identifier = var.name
              tags       = merge(var.tags, { Name = var.name, where = path.module })
            }
            """,
    }
    found = nodes(run(tmp_path, files))
    assert sorted(found) == [".::module.cache.aws_db_instance.this", ".::module.postgres.aws_db_instance.this"]
    postgres = found[".::module.postgres.aws_db_instance.this"]
    assert tags(postgres) == {"project": "dossier-medical", "sensibilite": "particuliere", "Name": "dossiers",
                              "where": "modules/postgres"}
    assert postgres.location == Location("modules/postgres/main.tf", 6)
    assert postgres.scope == "." and provider(postgres) == "provider.aws"
    assert tags(found[".::module.cache.aws_db_instance.this"])["sensibilite"] == "standard"


def test_module_outputs_and_resource_attributes(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + """
            module "naming" {
              source = "./naming"
              level  = "particuliere"
            }
            resource "aws_s3_bucket" "a" {
              bucket = "a-bucket"
              tags   = { data_sensitivity = module.naming.level }
            }
            resource "aws_s3_bucket" "b" {
              bucket = "${aws_s3_bucket.a.bucket}-copy"
              tags   = { arn = aws_s3_bucket.a.arn, source = data.aws_s3_bucket.x.id }
            }
            """,
        "naming/main.tf": 'variable "level" {}\noutput "level" { value = upper(var.level) }\n',
    }
    found = nodes(run(tmp_path, files))
    assert tags(found[".::aws_s3_bucket.a"]) == {"data_sensitivity": "PARTICULIERE"}
    b = found[".::aws_s3_bucket.b"]
    assert b.attributes["bucket"] == "a-bucket-copy"
    assert tags(b)["arn"] == Unknown("aws_s3_bucket.a.arn is known after apply")
    assert isinstance(tags(b)["source"], Unknown)
    assert b.references == (
        Reference(attribute="bucket", target=".::aws_s3_bucket.a", location=Location("main.tf", 14)),
        Reference(attribute="tags", target=".::aws_s3_bucket.a", location=Location("main.tf", 15)),
    )


def test_references_follow_module_outputs_to_resources(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + """
            module "db" {
              source = "./db"
            }
            resource "aws_db_instance" "replica" {
              replicate_source_db = module.db.identifier
            }
            """,
        "db/main.tf": """
            resource "aws_db_instance" "main" {
              identifier = "main"
            }
            output "identifier" {
              value = aws_db_instance.main.identifier
            }
            """,
    }
    replica = nodes(run(tmp_path, files))[".::aws_db_instance.replica"]
    assert replica.references == (Reference(attribute="replicate_source_db",
                                            target=".::module.db.aws_db_instance.main",
                                            location=Location("main.tf", 9)),)
    assert replica.attributes["replicate_source_db"] == "main"


FOR_EACH = PROVIDER + """
    variable "buckets" {
      default = {
        patients = { level = "particuliere" }
        public   = { level = "standard" }
      }
    }
    resource "aws_s3_bucket" "logs" {
      for_each = var.buckets
      bucket   = "logs-${each.key}"
      tags     = { data_sensitivity = each.value.level }
    }
    resource "aws_s3_bucket" "same" {
      for_each = toset(["a", "b"])
      bucket   = "same-${each.key}"
      tags     = { data_sensitivity = "standard" }
    }
    resource "aws_s3_bucket" "counted" {
      count  = 2
      bucket = "counted-${count.index}"
      tags   = { data_sensitivity = count.index == 0 ? "particuliere" : "standard" }
    }
    resource "aws_s3_bucket" "none" {
      count = 0
    }
    resource "aws_s3_bucket" "copy" {
      bucket = aws_s3_bucket.logs["patients"].bucket
      tags   = { of = aws_s3_bucket.same["a"].bucket }
    }
    """


def test_for_each_instances_that_differ_are_expanded_alike_ones_merged(tmp_path: Path) -> None:
    found = nodes(run(tmp_path, {"main.tf": FOR_EACH}))
    assert sorted(found) == [
        '.::aws_s3_bucket.copy', '.::aws_s3_bucket.counted[0]', '.::aws_s3_bucket.counted[1]',
        '.::aws_s3_bucket.logs["patients"]', '.::aws_s3_bucket.logs["public"]', '.::aws_s3_bucket.same',
    ]
    assert tags(found['.::aws_s3_bucket.logs["patients"]']) == {"data_sensitivity": "particuliere"}
    assert found['.::aws_s3_bucket.logs["patients"]'].address == 'aws_s3_bucket.logs["patients"]'
    assert tags(found['.::aws_s3_bucket.logs["public"]']) == {"data_sensitivity": "standard"}
    assert tags(found[".::aws_s3_bucket.counted[0]"]) == {"data_sensitivity": "particuliere"}
    same = found[".::aws_s3_bucket.same"]
    assert same.attributes["bucket"] == Unknown("bucket differs between the instances of aws_s3_bucket.same")
    assert same.location == Location("main.tf", 16)
    copy = found[".::aws_s3_bucket.copy"]
    assert copy.attributes["bucket"] == "logs-patients" and tags(copy) == {"of": "same-a"}
    assert [r.target for r in copy.references] == ['.::aws_s3_bucket.logs["patients"]', ".::aws_s3_bucket.same"]


def test_unknown_for_each_is_one_node_with_unknown_each(tmp_path: Path) -> None:
    files = {"main.tf": PROVIDER + """
        variable "levels" {}
        resource "aws_s3_bucket" "x" {
          for_each = var.levels
          tags     = { data_sensitivity = each.value }
        }
        """}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.x"]
    value = tags(node)["data_sensitivity"]
    assert isinstance(value, Unknown) and "var.levels has no value" in value.reason
    assert node.notes and node.notes[0].startswith("for_each of aws_s3_bucket.x is not known")


def test_module_for_each_with_differing_instances(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + """
            module "db" {
              source   = "./db"
              for_each = { eu = "particuliere", lab = "standard" }
              level    = each.value
            }
            module "same" {
              source = "./db"
              count  = 2
              level  = "standard"
            }
            """,
        "db/main.tf": ('variable "level" {}\n'
                       'resource "aws_db_instance" "this" {\n  tags = { data_sensitivity = var.level }\n}\n'),
    }
    found = nodes(run(tmp_path, files))
    assert sorted(found) == ['.::module.db["eu"].aws_db_instance.this', '.::module.db["lab"].aws_db_instance.this',
                             ".::module.same.aws_db_instance.this"]
    assert tags(found['.::module.db["eu"].aws_db_instance.this'])["data_sensitivity"] == "particuliere"


def test_dynamic_blocks_expand_with_their_iterator(tmp_path: Path) -> None:
    files = {"main.tf": """
        variable "labels" {
          default = { sensibilite = "particuliere", owner = "dsi" }
        }
        variable "unknown" {}
        resource "outscale_volume" "v" {
          size = 10
          dynamic "tags" {
            for_each = var.labels
            iterator = t
            content {
              key   = t.key
              value = t.value
            }
          }
        }
        resource "outscale_volume" "w" {
          dynamic "tags" {
            for_each = var.unknown
            content {
              key   = tags.key
              value = tags.value
            }
          }
        }
        """}
    found = nodes(run(tmp_path, files))
    v = found[".::outscale_volume.v"]
    assert v.attributes["tags"] == [{"key": "owner", "value": "dsi"}, {"key": "sensibilite", "value": "particuliere"}]
    assert tags(v) == {"owner": "dsi", "sensibilite": "particuliere"}
    assert v.tags[0].location == Location("main.tf", 7)
    w = found[".::outscale_volume.w"]
    assert [t.key for t in w.tags] == ["*"] and "var.unknown has no value" in w.tags[0].value.reason
    assert provider(v) == "provider.outscale"
    assert v.hosting is not None and v.hosting.provider is not None
    assert v.hosting.provider.source == "outscale/outscale" and v.hosting.provider.location is None


def test_nested_blocks_are_lists_of_dicts_and_tag_formats(tmp_path: Path) -> None:
    files = {"main.tf": """
        resource "google_sql_database_instance" "main" {
          settings {
            tier        = "db-custom-2-7680"
            user_labels = { sensibilite = "particuliere" }
          }
        }
        resource "scaleway_rdb_instance" "s" {
          tags = ["sensibilite=particuliere", "plain", "owner = dsi"]
        }
        """}
    found = nodes(run(tmp_path, files))
    sql = found[".::google_sql_database_instance.main"]
    assert sql.attributes["settings"] == [{"tier": "db-custom-2-7680", "user_labels": {"sensibilite": "particuliere"}}]
    assert sql.tags == (Tag(key="sensibilite", value="particuliere", location=Location("main.tf", 4),
                            source="settings.user_labels"),)
    assert tags(found[".::scaleway_rdb_instance.s"]) == {"sensibilite": "particuliere", "owner": "dsi"}


def test_suppression_comment_above_block(tmp_path: Path) -> None:
    files = {"main.tf": PROVIDER + """
        # a note first
        # snclint:ignore SNC001 reason="moving" until=2099-12-31
        resource "aws_s3_bucket" "legacy" {
        }
        """}
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.legacy"]
    assert [(s.rules, s.reason, s.location) for s in node.suppressions] == [
        (("SNC001",), "moving", Location("main.tf", 6))]


def test_tf_json_file_in_the_same_module(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + 'variable "level" { default = "particuliere" }\n',
        "extra.tf.json": '{"resource": {"aws_s3_bucket": {"j": {"tags": {"data_sensitivity": "${var.level}"}}}}}',
    }
    node = nodes(run(tmp_path, files))[".::aws_s3_bucket.j"]
    assert tags(node) == {"data_sensitivity": "particuliere"}
    assert node.location.file == "extra.tf.json" and provider(node) == "provider.aws"


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                       st.sampled_from(["particuliere", "standard", "public"]), min_size=1, max_size=6))
def test_no_sensitive_instance_is_lost(tmp_path_factory: pytest.TempPathFactory, levels: dict[str, str]) -> None:
    """Whatever the for_each map, every instance's level is on some node's tags."""
    body = "\n".join(f'    {k} = "{v}"' for k, v in levels.items())
    files = {"main.tf": PROVIDER + f"""
resource "aws_s3_bucket" "b" {{
  for_each = {{
{body}
  }}
  tags = {{ data_sensitivity = each.value }}
}}
"""}
    found = run(tmp_path_factory.mktemp("p"), files).nodes
    assert {t.value for n in found for t in n.tags} == set(levels.values())
    if len(set(levels.values())) == 1:
        assert [n.address for n in found] == ["aws_s3_bucket.b"]
    else:
        assert sorted(n.address for n in found) == sorted(f'aws_s3_bucket.b["{k}"]' for k in levels)


def test_json_tfvars_order_and_json_var_file(tmp_path: Path) -> None:
    files = {
        "main.tf": PROVIDER + """
            variable "a" {}
            variable "b" {}
            variable "c" {}
            resource "aws_s3_bucket" "x" {
              tags = { a = var.a, b = var.b, c = var.c }
            }
            """,
        "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\n',
        "terraform.tfvars.json": '{"b": "tfvars.json", "c": "tfvars.json"}',
        "x.auto.tfvars.json": '{"c": "auto.json"}',
        "ci/override.json": '{"a": "var-file.json"}',
    }
    node = nodes(run(tmp_path, files, var_files=["ci/override.json"]))[".::aws_s3_bucket.x"]
    assert tags(node) == {"a": "var-file.json", "b": "tfvars.json", "c": "auto.json"}


def test_a_kubernetes_object_carries_the_namespace_of_its_metadata_block(tmp_path: Path) -> None:
    files = {"main.tf": """
        resource "kubernetes_secret" "a" {
          metadata {
            name      = "a"
            namespace = "usagers"
          }
        }
        resource "kubernetes_secret" "b" {
          metadata { name = "b" }
        }
        resource "aws_s3_bucket" "c" {}
    """}
    found = {n.address: n.namespace for n in run(tmp_path, files).nodes}
    assert found == {"kubernetes_secret.a": "usagers", "kubernetes_secret.b": None, "aws_s3_bucket.c": None}
    assert metadata_namespace({"metadata": {"namespace": "usagers"}}) == "usagers"  # plan JSON may give either
    assert metadata_namespace({"metadata": [{"namespace": Unknown("not known before apply")}]}) is None


def test_load_terraform_takes_the_typed_keywords_of_start_terraform() -> None:
    from inspect import signature

    from linter.terraform.modules.frontend import load_terraform, start_terraform

    assert signature(load_terraform).parameters == signature(start_terraform).parameters
