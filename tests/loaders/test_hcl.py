"""linter.loaders.hcl: exact IR, lines and errors for Terraform native syntax."""
from __future__ import annotations

from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.loaders.hcl import load_hcl
from linter.loaders.ir import (
    Attribute,
    BinaryOp,
    Block,
    Body,
    Call,
    Conditional,
    ConfigFile,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    ParseError,
    Splat,
    Template,
    TemplateDirective,
    TupleExpr,
    UnaryOp,
    Variable,
    traversals,
)


def expr_of(source: str) -> Expr:
    """The expression of ``x = <source>`` (everything on line 1 unless the source spans lines)."""
    loaded = load_hcl("t.tf", "x = " + source + "\n")
    assert loaded.errors == ()
    (attribute,) = loaded.body.attributes
    return attribute.expr


def error_of(text: str) -> ParseError:
    loaded = load_hcl("t.tf", text)
    assert loaded.body == Body()
    (error,) = loaded.errors
    return error


def var(*names: str, line: int = 1) -> Expr:
    node: Expr = Variable(names[0], line)
    for name in names[1:]:
        node = GetAttr(node, name, line)
    return node


# ---- literals and strings ------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "value"), [
    ("42", 42), ("-7", -7), ("1.5", 1.5), ("-1.5", -1.5), ("1e3", 1000.0), ("true", True),
    ("false", False), ("null", None), ('"plain"', "plain"), ('""', ""),
    (r'"a\"b\\c\nd\te\u00e9"', 'a"b\\c\nd\te\u00e9'), ('"$${not} %%{this}"', "${not} %{this}"),
])
def test_literals(source: str, value: object) -> None:
    assert expr_of(source) == Literal(value, 1)


def test_template_with_interpolations() -> None:
    assert expr_of('"app-${var.env}-${count.index + 1}!"') == Template((
        "app-", var("var", "env"), "-",
        BinaryOp("+", var("count", "index"), Literal(1, 1), 1), "!",
    ), 1)


def test_lone_interpolation_is_the_expression_itself() -> None:
    assert expr_of('"${var.tags}"') == var("var", "tags")


def test_template_directives_are_kept_whole_with_the_expressions_they_name() -> None:
    assert expr_of('"a-%{ if var.x }yes%{ else }no%{ endif }-b"') == Template((
        "a-", TemplateDirective("%{ if var.x }yes%{ else }no%{ endif }", 1, (var("var", "x"),)), "-b",
    ), 1)
    assert expr_of('"%{for s in var.l}${s},%{endfor}"') == Template((
        TemplateDirective("%{for s in var.l}${s},%{endfor}", 1, (var("var", "l"), Variable("s", 1))),
    ), 1)


def test_nested_directive_references_reach_traversals() -> None:
    source = ('"%{ for k, v in var.m }%{ if v.on && contains(local.f, k) }${aws_s3_bucket.b[k].arn}'
              '%{ else }${upper(data.x.y.z)}%{ endif }%{ endfor }"')
    (directive,) = cast(Template, expr_of(source)).parts
    assert isinstance(directive, TemplateDirective)
    assert [type(e).__name__ for e in directive.exprs] == ["GetAttr", "BinaryOp", "GetAttr", "Call"]
    assert sorted(traversals(expr_of(source))) == [
        ("aws_s3_bucket", "b"), ("data", "x", "y", "z"), ("k",), ("k",), ("local", "f"),
        ("v", "on"), ("var", "m"),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ('x = "%{ endif }"', "template directive without its opening"),
    ('x = "%{ if a }b"', "unterminated template directive"),
    ('x = "%{ for a in b }c%{ endif }"', "unexpected endif directive"),
])
def test_unbalanced_directives_are_errors(text: str, message: str) -> None:
    assert error_of(text) == ParseError(1, message)


# ---- heredocs ------------------------------------------------------------------------------------

def test_heredoc_keeps_quotes_and_backslashes_literally() -> None:
    text = 'x = <<EOT\n{"k": "v\\n"}\n  indented\nEOT\n'
    assert load_hcl("t.tf", text).body.attributes == (
        Attribute("x", Literal('{"k": "v\\n"}\n  indented\n', 1), 1),
    )


def test_indented_heredoc_strips_common_indentation() -> None:
    text = "x = <<-EOT\n    a\n\n      b ${var.c}\n    EOT\n"
    assert expr_of_text(text) == Template(("a\n\n  b ", var("var", "c", line=4), "\n"), 1)


def test_heredoc_interpolations_are_parsed_with_their_strings() -> None:
    text = 'x = <<EOT\n{"name": "${lookup(var.m, "a", "}")}", "$${lit}"}\nEOT\n'
    call = Call("lookup", (var("var", "m", line=2), Literal("a", 2), Literal("}", 2)), False, 2)
    assert expr_of_text(text) == Template(('{"name": "', call, '", "${lit}"}\n'), 1)


def test_heredoc_directive_and_empty_heredoc() -> None:
    text = "x = <<EOT\n%{ for p in var.ps ~}\n${p}\n%{ endfor ~}\nEOT\ny = <<E\nE\n"
    x, y = load_hcl("t.tf", text).body.attributes
    assert x.expr == Template((TemplateDirective(
        "%{ for p in var.ps ~}\n${p}\n%{ endfor ~}", 2, (var("var", "ps", line=2), Variable("p", 3))),
        "\n"), 1)
    assert y == Attribute("y", Literal("", 6), 6)


def expr_of_text(text: str) -> Expr:
    (attribute,) = load_hcl("t.tf", text).body.attributes
    return attribute.expr


# ---- traversals, calls, operators ----------------------------------------------------------------

def test_traversals_and_indexes() -> None:
    assert expr_of("aws_s3_bucket.logs.arn") == var("aws_s3_bucket", "logs", "arn")
    assert expr_of('var.list[0]["a"]') == Index(
        Index(var("var", "list"), Literal(0, 1), 1), Literal("a", 1), 1)
    assert expr_of("var.list.0") == Index(var("var", "list"), Literal(0, 1), 1)
    assert expr_of("var.m[local.k]") == Index(var("var", "m"), var("local", "k"), 1)


def test_splats() -> None:
    assert expr_of("aws_instance.web[*].id") == Splat(var("aws_instance", "web"), ("id",), 1)
    assert expr_of("aws_instance.web.*.id") == Splat(var("aws_instance", "web"), ("id",), 1)
    assert expr_of("x[*].ports[0].n") == Splat(Variable("x", 1), ("ports", "0", "n"), 1)
    assert expr_of("x.*.a.0") == Splat(Variable("x", 1), ("a", "0"), 1)
    # an attribute-only splat ends at a bracket index, which applies to the whole result
    assert expr_of("x.*.a[0]") == Index(Splat(Variable("x", 1), ("a",), 1), Literal(0, 1), 1)


def test_full_splat_with_a_computed_index_becomes_a_for_expression() -> None:
    item = Variable("splat.item", 1)
    assert expr_of("x[*].a[var.i]") == ForExpr(
        None, "splat.item", Variable("x", 1),
        Index(GetAttr(item, "a", 1), var("var", "i"), 1), line=1)


def test_function_calls() -> None:
    assert expr_of('lookup(var.m, "k", null)') == Call(
        "lookup", (var("var", "m"), Literal("k", 1), Literal(None, 1)), False, 1)
    assert expr_of("concat(local.lists...)") == Call("concat", (var("local", "lists"),), True, 1)
    assert expr_of("timestamp()") == Call("timestamp", (), False, 1)
    assert expr_of('provider::terraform::encode_tfvars(local.x)') == Call(
        "provider::terraform::encode_tfvars", (var("local", "x"),), False, 1)


def test_operator_precedence_follows_the_parser() -> None:
    a, b, c, d = (Variable(n, 1) for n in "abcd")
    assert expr_of("a || b && !c == d") == BinaryOp(
        "||", a, BinaryOp("&&", b, BinaryOp("==", UnaryOp("!", c, 1), d, 1), 1), 1)
    assert expr_of("a + b * c - d") == BinaryOp(
        "-", BinaryOp("+", a, BinaryOp("*", b, c, 1), 1), d, 1)
    assert expr_of("(a + b) * c") == BinaryOp("*", BinaryOp("+", a, b, 1), c, 1)
    assert expr_of("a < b ? -c : d") == Conditional(
        BinaryOp("<", a, b, 1), UnaryOp("-", c, 1), d, 1)


def test_multiline_operators_and_lines() -> None:
    text = "x = (\n  var.a\n  && var.b\n)\n"
    assert expr_of_text(text) == BinaryOp("&&", var("var", "a", line=2), var("var", "b", line=3), 2)


# ---- collections and for expressions -------------------------------------------------------------

def test_tuples_and_objects() -> None:
    assert expr_of("[1, \"a\", [],]") == TupleExpr(
        (Literal(1, 1), Literal("a", 1), TupleExpr((), 1)), 1)
    assert expr_of('{ Name = "n", "quoted" = 1, (local.k) = 2, for = 3, "${var.p}x" = 4 }') == ObjectExpr((
        (Literal("Name", 1), Literal("n", 1)),
        (Literal("quoted", 1), Literal(1, 1)),
        (var("local", "k"), Literal(2, 1)),
        (Literal("for", 1), Literal(3, 1)),
        (Template((var("var", "p"), "x"), 1), Literal(4, 1)),
    ), 1)


def test_for_expressions() -> None:
    assert expr_of("[for s in var.l : upper(s) if s != \"\"]") == ForExpr(
        None, "s", var("var", "l"), Call("upper", (Variable("s", 1),), False, 1),
        cond=BinaryOp("!=", Variable("s", 1), Literal("", 1), 1), line=1)
    assert expr_of("{for k, v in var.m : v => k...}") == ForExpr(
        "k", "v", var("var", "m"), Variable("k", 1), key=Variable("v", 1), grouping=True, line=1)


# ---- blocks, lines, comments ---------------------------------------------------------------------

MODULE = """\
# snclint:ignore SNC001 reason="archive" until=2027-06-30
// second line
resource "aws_s3_bucket" "logs" {
  bucket = "logs"

  # about the rule
  lifecycle_rule {
    enabled = true
  }
}

/* a block
   comment */
provider aws {
  region = "eu-west-3"
}

# not attached: a blank line follows

terraform {}
"""


def test_blocks_with_lines_labels_and_comments() -> None:
    loaded = load_hcl("main.tf", MODULE)
    assert loaded == ConfigFile("main.tf", Body((), (
        Block("resource", ("aws_s3_bucket", "logs"), Body(
            (Attribute("bucket", Literal("logs", 4), 4),),
            (Block("lifecycle_rule", (), Body((Attribute("enabled", Literal(True, 8), 8),)),
                   7, 9, ("# about the rule",)),),
        ), 3, 10, ('# snclint:ignore SNC001 reason="archive" until=2027-06-30', "// second line")),
        Block("provider", ("aws",), Body((Attribute("region", Literal("eu-west-3", 15), 15),)),
              14, 16, ("/* a block", "comment */")),
        Block("terraform", (), Body(), 20, 20, ()),
    )))


def test_crlf_reads_like_lf() -> None:
    crlf = MODULE.replace("\n", "\r\n") + 'x = <<EOT\r\nline\r\nEOT\r\n'
    loaded = load_hcl("main.tf", crlf)
    assert loaded.body.blocks == load_hcl("main.tf", MODULE).body.blocks
    assert loaded.body.attributes == (Attribute("x", Literal("line\n", 21), 21),)


def test_tfvars() -> None:
    loaded = load_hcl("terraform.tfvars", 'region = "eu-west-3"\nsizes = { a = 1 }\n')
    assert loaded.body == Body((
        Attribute("region", Literal("eu-west-3", 1), 1),
        Attribute("sizes", ObjectExpr(((Literal("a", 2), Literal(1, 2)),), 2), 2),
    ))


# ---- errors --------------------------------------------------------------------------------------

BROKEN = 'resource "aws_s3_bucket" "half" {\n  bucket = "half"\n  tags = {\n    data_sensitivity = "particuliere"\n'


@pytest.mark.parametrize(("text", "error"), [
    (BROKEN, ParseError(4, "unexpected end of file")),
    ('a = 1\nb = "open\n', ParseError(2, "unexpected end of file")),
    ("a = 1\nb = \n", ParseError(2, "unexpected end of line")),
    ("a = 1\n\nresource {\n  = 2\n}\n", ParseError(4, "unexpected '= 2'")),
    ('resource "a${b}" "c" {}\n', ParseError(1, "a block label must be a literal string")),
    ("x = <<EOT\nok ${f(}\nEOT\n", ParseError(2, "unexpected '}'")),
    ("x = " + "[" * 300 + "]" * 300, ParseError(1, "expression nested deeper than 200")),
    ("b {\n" * 250 + "}\n" * 250, ParseError(201, "blocks nested deeper than 200")),
    ("x = 1" + "0" * 5000, ParseError(1, "number too long")),
], ids=["eof", "open-string", "missing-value", "stray-equals", "label-template", "heredoc-expr",
        "deep-expr", "deep-blocks", "long-number"])
def test_errors_carry_the_parser_line(text: str, error: ParseError) -> None:
    assert error_of(text) == error


def test_too_large() -> None:
    assert error_of("# " + "x" * (5 * 1024 * 1024)) == ParseError(1, "file too large (over 5 MB)")


# ---- never raises --------------------------------------------------------------------------------

SNIPPETS = [MODULE, BROKEN, 'x = <<-EOT\n  a ${b("c")} %{if d}e%{endif}\n  EOT\n',
            'locals { m = { for k, v in var.m : k => v... if v != null } }\n',
            'y = x[*].a[0] + f(a...) ? "${q}" : -1.5e3\n']


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert isinstance(load_hcl("t.tf", text), ConfigFile)


@st.composite
def mutated_snippets(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SNIPPETS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(len(text), at + 8)))
        insert = draw(st.text(alphabet='{}[]()"$%<>=#/*\\\n .,:?!~-EOT0x', max_size=6))
        text = text[:at] + insert + text[end:]
    return text


@settings(max_examples=200, deadline=None)
@given(mutated_snippets())
def test_never_raises_on_mutated_snippets(text: str) -> None:
    loaded = load_hcl("t.tf", text)
    assert isinstance(loaded, ConfigFile)
    assert all(1 <= e.line <= text.count("\n") + 2 for e in loaded.errors)


def test_a_number_python_hcl2_mislexes_is_a_parse_error_not_a_crash() -> None:
    config = load_hcl("x.tf", "x = -1-2.5\n")
    assert [(e.line, e.message) for e in config.errors] == [(1, "cannot read the number '-1-2.5'")]
