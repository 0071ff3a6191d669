"""linter.loaders.tf_json: Terraform JSON syntax to the same IR as HCL."""
from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.loaders.hcl import load_hcl
from linter.loaders.ir import (
    Attribute,
    Block,
    Body,
    Call,
    ConfigFile,
    GetAttr,
    Literal,
    ObjectExpr,
    ParseError,
    Template,
    TemplateDirective,
    TupleExpr,
    Variable,
)
from linter.loaders.tf_json import load_tf_json

RESOURCE = """\
{
  "//": "file comment",
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "//": "snclint:ignore SNC001 reason=\\"archive\\"",
        "bucket": "logs-${var.env}",
        "provider": "aws.west",
        "tags": {"Name": "logs"},
        "lifecycle": {"prevent_destroy": true},
        "rule": [{"id": "a"}, {"id": "b"}]
      }
    }
  }
}
"""


def test_resource_block_lines_comments_and_nested_blocks() -> None:
    loaded = load_tf_json("main.tf.json", RESOURCE)
    assert loaded == ConfigFile("main.tf.json", Body((), (
        Block("resource", ("aws_s3_bucket", "logs"), Body(
            (
                Attribute("bucket", Template(("logs-", GetAttr(Variable("var", 7), "env", 7)), 7), 7),
                Attribute("provider", GetAttr(Variable("aws", 8), "west", 8), 8),
                Attribute("tags", ObjectExpr(((Literal("Name", 9), Literal("logs", 9)),), 9), 9),
            ),
            (
                Block("lifecycle", (), Body((Attribute("prevent_destroy", Literal(True, 10), 10),)),
                      10, 10),
                Block("rule", (), Body((Attribute("id", Literal("a", 11), 11),)), 11, 11),
                Block("rule", (), Body((Attribute("id", Literal("b", 11), 11),)), 11, 11),
            ),
        ), 5, 12, ('snclint:ignore SNC001 reason="archive"',)),
    )))


def test_arrays_at_label_and_body_levels() -> None:
    text = json.dumps({
        "provider": {"aws": [{"region": "eu-west-3"}, {"alias": "west", "region": "eu-west-1"}]},
        "variable": [{"a": {"type": "list(string)"}}, {"b": {}}],
    }, indent=1)
    blocks = load_tf_json("p.tf.json", text).body.blocks
    assert [(b.type, b.labels, b.line) for b in blocks] == [
        ("provider", ("aws",), 4), ("provider", ("aws",), 7),
        ("variable", ("a",), 15), ("variable", ("b",), 20),
    ]
    assert blocks[1].body.attributes[0] == Attribute("alias", Literal("west", 8), 8)
    assert blocks[2].body.attributes == (
        Attribute("type", Call("list", (Variable("string", 16),), False, 16), 16),)


def test_strings_are_templates_parsed_by_the_grammar() -> None:
    text = json.dumps({"locals": {
        "a": '${lookup(var.m, "k", "}")}',
        "b": "$${literal} %%{x}",
        "c": '%{ if var.x }"yes"%{ endif }',
        "d": "${var.n}",
    }})
    (block,) = load_tf_json("l.tf.json", text).body.blocks
    assert [a.expr for a in block.body.attributes] == [
        Call("lookup", (GetAttr(Variable("var", 1), "m", 1), Literal("k", 1), Literal("}", 1)), False, 1),
        Literal("${literal} %{x}", 1),
        Template((TemplateDirective('%{ if var.x }"yes"%{ endif }', 1, (GetAttr(Variable("var", 1), "x", 1),)),), 1),
        GetAttr(Variable("var", 1), "n", 1),
    ]


def test_expression_attributes_and_block_only_keys() -> None:
    text = json.dumps({
        "resource": {"t": {"n": {
            "depends_on": ["aws_s3_bucket.a"],
            "lifecycle": {"ignore_changes": ["tags"]},
            "dynamic": {"ingress": {"for_each": "${var.rules}", "content": {"port": 1}}},
            "provisioner": [{"local-exec": {"command": "echo"}}],
        }}},
        "module": {"m": {"source": "./m", "providers": {"aws": "aws.west"}, "items": [{"a": 1}]}},
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}},
                      "backend": {"s3": {"bucket": "b"}}},
    })
    resource, module, terraform = load_tf_json("x.tf.json", text).body.blocks
    assert resource.body.attributes == (
        Attribute("depends_on", TupleExpr((GetAttr(Variable("aws_s3_bucket", 1), "a", 1),), 1), 1),)
    assert [(b.type, b.labels) for b in resource.body.blocks] == [
        ("lifecycle", ()), ("dynamic", ("ingress",)), ("provisioner", ("local-exec",))]
    assert resource.body.blocks[0].body.attributes[0].expr == TupleExpr((Variable("tags", 1),), 1)
    assert resource.body.blocks[1].body.blocks[0].type == "content"
    assert module.body.attributes[1].expr == ObjectExpr(
        ((Literal("aws", 1), GetAttr(Variable("aws", 1), "west", 1)),), 1)
    assert module.body.attributes[2].expr == TupleExpr(
        (ObjectExpr(((Literal("a", 1), Literal(1, 1)),), 1),), 1)  # module arguments never blocks
    assert [(b.type, b.labels) for b in terraform.body.blocks] == [
        ("required_providers", ()), ("backend", ("s3",))]


def test_tfvars_json_holds_attributes() -> None:
    loaded = load_tf_json("prod.tfvars.json", '{\n "region": "eu-west-3",\n "tags": [{"a": 1}]\n}')
    assert loaded.body == Body((
        Attribute("region", Literal("eu-west-3", 2), 2),
        Attribute("tags", TupleExpr((ObjectExpr(((Literal("a", 3), Literal(1, 3)),), 3),), 3), 3),
    ))


@pytest.mark.parametrize(("text", "error"), [
    ('{\n  "resource": {\n    "a": \n}', ParseError(4, "Expecting value")),
    ("[1, 2]", ParseError(1, "a Terraform JSON file must hold an object")),
    ('{\n "resource": {"t": {"n": 5}}}', ParseError(2, "a 'resource' block must be a JSON object")),
    ('{"locals": {\n"a": "${f(}"}}', ParseError(2, "unexpected '}'")),
    ('{"variable": {"v": {\n"type": ""}}}', ParseError(2, "unexpected end of line")),
    ('{"locals": {"a": NaN}}', ParseError(1, "NaN is not a JSON number")),
    ('{"locals": {"a": ' + "[" * 300 + "]" * 300 + "}}", ParseError(1, "JSON nested deeper than 200")),
    ("", ParseError(1, "Expecting value")),
], ids=["json-syntax", "not-object", "block-not-object", "template", "type-expr", "nan", "deep", "empty"])
def test_errors(text: str, error: ParseError) -> None:
    assert load_tf_json("e.tf.json", text) == ConfigFile("e.tf.json", errors=(error,))


# ---- same IR as HCL ------------------------------------------------------------------------------

HCL_MODULE = """\
variable "env" {
  type    = map(string)
  default = { a = "prod" }
}
locals {
  name = "app-${var.env["a"]}"
}
provider "aws" {
  alias  = "west"
  region = "eu-west-1"
}
resource "aws_s3_bucket" "b" {
  provider   = aws.west
  bucket     = local.name
  count      = length(var.env)
  tags       = { Env = var.env["a"], "x" = "%{if true}y%{endif}" }
  depends_on = [aws_s3_bucket.c]
  ingress {
    port = 1
  }
  ingress {
    port = 2
  }
  lifecycle {
    ignore_changes = [tags]
  }
}
module "m" {
  source    = "./m"
  providers = { aws = aws.west }
  items     = [{ a = 1 }]
}
output "o" {
  value = aws_s3_bucket.b[0].arn
}
"""

JSON_MODULE = {
    "variable": {"env": {"type": "map(string)", "default": {"a": "prod"}}},
    "locals": {"name": 'app-${var.env["a"]}'},
    "provider": {"aws": {"alias": "west", "region": "eu-west-1"}},
    "resource": {"aws_s3_bucket": {"b": {
        "provider": "aws.west", "bucket": "${local.name}", "count": "${length(var.env)}",
        "tags": {"Env": '${var.env["a"]}', "x": "%{if true}y%{endif}"},
        "depends_on": ["aws_s3_bucket.c"],
        "ingress": [{"port": 1}, {"port": 2}],
        "lifecycle": {"ignore_changes": ["tags"]},
    }}},
    "module": {"m": {"source": "./m", "providers": {"aws": "aws.west"}, "items": [{"a": 1}]}},
    "output": {"o": {"value": "${aws_s3_bucket.b[0].arn}"}},
}


def without_lines(value: Any) -> Any:
    """``value`` with every line (and JSON/HCL-specific comment) zeroed, directive text dropped."""
    if isinstance(value, tuple):
        return tuple(without_lines(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: without_lines(getattr(value, f.name)) for f in dataclasses.fields(value)}
        changes.update({k: 0 for k in ("line", "end_line") if k in changes})
        changes.update({"comments": ()} if "comments" in changes else {})
        return type(value)(**changes)
    return value


def test_json_module_has_the_ir_of_its_hcl_twin() -> None:
    hcl = load_hcl("main.tf", HCL_MODULE)
    from_json = load_tf_json("main.tf.json", json.dumps(JSON_MODULE, indent=2))
    assert hcl.errors == from_json.errors == ()
    assert without_lines(from_json.body) == without_lines(hcl.body)


# ---- never raises --------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text() | st.sampled_from(["${var.x}", "${", "%{if a}b%{endif}", "$${x}", "a.b", "list(string)"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8) | st.sampled_from(["resource", "lifecycle", "dynamic", "//"]),
                      children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES, st.sampled_from(["top", "resource", "locals", "variable", "tfvars"]))
def test_never_raises_on_any_json(value: Any, where: str) -> None:
    document = {
        "top": value,
        "resource": {"resource": {"t": {"n": value}}},
        "locals": {"locals": value},
        "variable": {"variable": {"v": {"type": value, "validation": value}}},
        "tfvars": value,
    }[where]
    path = "x.tfvars.json" if where == "tfvars" else "x.tf.json"
    assert isinstance(load_tf_json(path, json.dumps(document)), ConfigFile)
