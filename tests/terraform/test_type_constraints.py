"""Variable types: ``optional(type, default)`` defaults, nested ones included, and conversion."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tf_project import nodes, run, tags

PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'


def _bucket_tags(tmp_path: Path, variable: str, call_args: str, tag_expr: str) -> dict[str, object]:
    files = {
        "main.tf": PROVIDER + f'module "m" {{\n  source = "./m"\n{call_args}\n}}\n',
        "m/main.tf": variable + f'\nresource "aws_s3_bucket" "b" {{\n  tags = {tag_expr}\n}}\n',
    }
    return tags(nodes(run(tmp_path, files))[".::module.m.aws_s3_bucket.b"])


NESTED_OPTIONAL = """variable "cfg" {
  type = object({
    name = string
    cls = optional(object({
      level = optional(string, "particuliere")
      days  = optional(number, 30)
    }), {})
  })
}"""


@pytest.mark.parametrize(("call_args", "expected"), [
    pytest.param('cfg = { name = "x" }', {"level": "particuliere", "days": 30},
                 id="nested defaults apply when the caller leaves them out"),
    pytest.param('cfg = { name = "x", cls = { level = "public" } }', {"level": "public", "days": 30},
                 id="a given attribute wins and its siblings still default"),
])
def test_nested_optional_defaults(tmp_path: Path, call_args: str, expected: dict[str, object]) -> None:
    got = _bucket_tags(tmp_path, NESTED_OPTIONAL, call_args,
                       "{ level = var.cfg.cls.level, days = var.cfg.cls.days }")
    assert got == expected


def test_map_of_objects_defaults_every_element_and_converts_numbers_to_strings(tmp_path: Path) -> None:
    variable = """variable "buckets" {
      type = map(object({
        labels = optional(map(string), { data_sensitivity = "particuliere" })
        size   = optional(string)
      }))
    }"""
    got = _bucket_tags(tmp_path, variable, "buckets = { a = { size = 5 } }",
                       'merge(var.buckets["a"].labels, { size = var.buckets["a"].size })')
    assert got == {"data_sensitivity": "particuliere", "size": "5"}


def test_optional_without_default_is_null_and_undeclared_attributes_are_dropped(tmp_path: Path) -> None:
    variable = """variable "cfg" {
      type = object({ level = optional(string) })
      default = { extra = "x" }
    }"""
    got = _bucket_tags(tmp_path, variable, "",
                       '{ level = var.cfg.level == null ? "none" : "set", n = length(keys(var.cfg)) }')
    assert got == {"level": "none", "n": 1}


def test_primitive_conversion_and_sets(tmp_path: Path) -> None:
    variable = """variable "flag" {
      type = bool
    }
    variable "names" {
      type = set(string)
    }"""
    got = _bucket_tags(tmp_path, variable, 'flag = "true"\nnames = ["b", "a", "b"]',
                       '{ flag = var.flag ? "yes" : "no", names = join(",", var.names) }')
    assert got == {"flag": "yes", "names": "a,b"}
