"""The expression evaluator, on IR built by hand (the HCL loader is tested on its own)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

import pytest

from linter.loaders.ir import (
    BinaryOp,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    Splat,
    Template,
    TemplateDirective,
    TupleExpr,
    UnaryOp,
    Variable,
)
from linter.model import Unknown
from linter.terraform.language.evaluate import DictScope, Invalid, OpenDict, evaluate, find_unknown, is_known


def ref(path: str) -> Expr:
    """``"var.a.b"`` as a traversal."""
    root, *names = path.split(".")
    expr: Expr = Variable(root)
    for name in names:
        expr = GetAttr(expr, name)
    return expr


def lit(value: Any) -> Literal:
    return Literal(value)


def obj(**items: Expr) -> ObjectExpr:
    return ObjectExpr(tuple((lit(k), v) for k, v in items.items()))


def tup(*items: Any) -> TupleExpr:
    return TupleExpr(tuple(i if not isinstance(i, (str, int, float, bool, type(None))) else lit(i)
                           for i in items))


ROOTS = {
    "var": {
        "env": "prod",
        "count": "3",
        "level": Unknown("var.level has no value"),
        "tags": {"data_sensitivity": "particuliere", "team": "payments"},
        "list": ["a", "b", "c"],
        "users": [{"name": "ann", "role": "admin"}, {"name": "bob", "role": "dev"}],
        "nothing": None,
    },
    "local": {"region": "eu-west-3", "enabled": True},
}


def ev(expr: Expr, **roots: Any) -> Any:
    return evaluate(expr, DictScope({**ROOTS, **roots}))


# ---- literals, templates ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["x", 5, 1.5, True, False, None])
def test_literal(value: Any) -> None:
    assert ev(lit(value)) == value


def test_integral_float_is_an_int() -> None:
    assert ev(lit(2.0)) == 2 and isinstance(ev(lit(2.0)), int)


def test_template_renders_numbers_and_bools_as_terraform() -> None:
    expr = Template(("n=", lit(5), " f=", lit(1.5), " b=", lit(True), " s=", ref("var.env")))
    assert ev(expr) == "n=5 f=1.5 b=true s=prod"


def test_template_of_one_interpolation_keeps_the_type() -> None:
    assert ev(Template((ref("var.list"),))) == ["a", "b", "c"]


def test_template_with_an_unknown_part_is_unknown() -> None:
    assert ev(Template(("level-", ref("var.level")))) == Unknown("var.level has no value")


def test_template_of_null_or_list_is_invalid() -> None:
    assert isinstance(ev(Template(("x", ref("var.nothing")))), Invalid)
    assert isinstance(ev(Template(("x", ref("var.list")))), Invalid)


def test_template_directive_is_unknown() -> None:
    result = ev(Template(("a", TemplateDirective("%{ if true }"), "b")))
    assert result == Unknown("template directives (%{if}, %{for}) are not evaluated")


def test_small_float_renders_without_exponent() -> None:
    assert ev(Template(("", lit(0.00001), ""))) == "0.00001"


# ---- references ---------------------------------------------------------------------------------


def test_variable_and_attributes() -> None:
    assert ev(ref("var.tags.team")) == "payments"
    assert ev(ref("local.region")) == "eu-west-3"


def test_unknown_root_name_names_the_reference() -> None:
    assert ev(ref("module.db.arn")) == Unknown("module.db.arn is not known")


def test_attribute_of_unknown_is_that_unknown() -> None:
    assert ev(ref("var.level.name")) == Unknown("var.level has no value")


def test_missing_attribute_of_an_object_is_invalid() -> None:
    result = ev(ref("var.tags.owner"))
    assert isinstance(result, Invalid) and result == Unknown("var.tags.owner does not exist")


def test_attribute_of_null_is_invalid() -> None:
    assert isinstance(ev(ref("var.nothing.x")), Invalid)


def test_index_list_by_number_and_numeric_string() -> None:
    assert ev(Index(ref("var.list"), lit(1))) == "b"
    assert ev(Index(ref("var.list"), lit("2"))) == "c"
    assert ev(Index(ref("var.list"), lit(1.0))) == "b"


def test_index_map_by_string_and_number_key() -> None:
    assert ev(Index(ref("var.tags"), lit("team"))) == "payments"
    assert ev(Index(obj(**{"1": lit("one")}), lit(1))) == "one"


@pytest.mark.parametrize("key", [3, -1, 1.5, "x", True])
def test_bad_list_index_is_invalid(key: Any) -> None:
    assert isinstance(ev(Index(ref("var.list"), lit(key))), Invalid)


def test_index_with_unknown_key_is_unknown() -> None:
    assert ev(Index(ref("var.list"), ref("var.level"))) == Unknown("var.level has no value")


def test_legacy_dot_index() -> None:
    assert ev(GetAttr(ref("var.list"), "0")) == "a"


def test_splat() -> None:
    assert ev(Splat(ref("var.users"), ("name",))) == ["ann", "bob"]
    assert ev(Splat(ref("var.tags"), ("team",))) == ["payments"]
    assert ev(Splat(ref("var.nothing"), ("x",))) == []
    assert ev(Splat(ref("var.level"), ("x",))) == Unknown("var.level has no value")


class LazyRoot(Mapping[str, Any]):
    """A scope's lazy mapping: counts reads, can fail like a module evaluator's cells."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.reads: list[str] = []

    def __getitem__(self, key: str) -> Any:
        self.reads.append(key)
        value = self.values[key]
        if isinstance(value, BaseException):
            raise value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def test_lazy_mapping_reads_only_what_is_referenced() -> None:
    local = LazyRoot({"a": {"x": 1}, "b": RecursionError()})
    assert ev(ref("local.a.x"), local=local) == 1
    assert local.reads == ["a"]


def test_lazy_mapping_as_a_value_becomes_an_open_dict() -> None:
    local = LazyRoot({"a": 1, "b": "two"})
    result = ev(ref("local"), local=local)
    assert result == {"a": 1, "b": "two"} and isinstance(result, OpenDict)


def test_missing_key_of_a_lazy_mapping_is_unknown_not_invalid() -> None:
    result = ev(ref("aws_s3_bucket.logs.arn"), aws_s3_bucket=LazyRoot({"logs": LazyRoot({"bucket": "b"})}))
    assert result == Unknown("aws_s3_bucket.logs.arn is not known")
    assert not isinstance(result, Invalid)


def test_scope_raising_recursion_error_makes_only_that_reference_unknown() -> None:
    local = LazyRoot({"a": RecursionError()})
    assert ev(tup(ref("local.a"), 1), local=local) == [
        Unknown("local.a refers to itself or is nested too deeply"), 1]


class FailingScope:
    def __init__(self, error: BaseException | None = None, value: Any = None) -> None:
        self.error, self.value = error, value

    def lookup(self, name: str) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


@pytest.mark.parametrize("error", [KeyError("var"), RecursionError(), ValueError("bug"), TypeError()])
def test_failing_scope_gives_unknown(error: BaseException) -> None:
    assert isinstance(evaluate(ref("var.x"), FailingScope(error)), Unknown)


def test_scope_returning_unknown_propagates() -> None:
    assert evaluate(ref("local.a.b"), FailingScope(value=Unknown("local.a refers to itself"))) == Unknown(
        "local.a refers to itself")


def test_scope_values_are_converted() -> None:
    scope = FailingScope(value={"t": (1, 2), "s": frozenset({"b", "a"}), "k": {1: "x"}, "o": object()})
    result = evaluate(Variable("x"), scope)
    assert result["t"] == [1, 2] and result["s"] == ["a", "b"] and result["k"] == {"1": "x"}
    assert isinstance(result["o"], Unknown)


# ---- calls --------------------------------------------------------------------------------------


def test_call() -> None:
    assert ev(Call("upper", (ref("var.env"),))) == "PROD"
    assert ev(Call("core::upper", (lit("a"),))) == "A"


def test_unsupported_function() -> None:
    assert ev(Call("cidrsubnet", (lit("10.0.0.0/8"), lit(8), lit(1)))) == Unknown(
        "function cidrsubnet is not supported")


def test_expanded_arguments() -> None:
    assert ev(Call("max", (tup(1, 5, 3),), expand_final=True)) == 5
    assert ev(Call("concat", (tup("x"), ref("var.level")), expand_final=True)) == Unknown(
        "var.level has no value")
    assert isinstance(ev(Call("max", (lit(3),), expand_final=True)), Invalid)


def test_merge_keeps_unknown_values_but_not_unknown_maps() -> None:
    merged = ev(Call("merge", (ref("var.tags"), obj(owner=ref("var.level")))))
    assert merged == {"data_sensitivity": "particuliere", "team": "payments",
                      "owner": Unknown("var.level has no value")}
    assert ev(Call("merge", (ref("var.tags"), ref("var.level")))) == Unknown("var.level has no value")


def test_try_returns_the_first_fully_known_argument() -> None:
    assert ev(Call("try", (ref("var.tags.owner"), ref("var.tags.team")))) == "payments"
    assert ev(Call("try", (Index(ref("var.list"), lit(9)), lit("d")))) == "d"
    assert ev(Call("try", (Call("tonumber", (lit("x"),)), lit(0)))) == 0


def test_try_does_not_decide_on_an_unknown_value() -> None:
    assert ev(Call("try", (ref("var.level"), lit("standard")))) == Unknown("var.level has no value")
    assert ev(Call("try", (ref("module.x.y"), lit("d")))) == Unknown("module.x.y is not known")


def test_try_keeps_a_partly_known_value() -> None:
    result = ev(Call("try", (obj(a=lit(1), b=ref("var.level")), lit("d"))))
    assert result == {"a": 1, "b": Unknown("var.level has no value")}


def test_try_with_error_and_unknown_is_unknown() -> None:
    both = obj(a=ref("var.tags.nope"), b=ref("var.level"))
    assert ev(Call("try", (both, lit("d")))) == Unknown("var.level has no value")


def test_try_with_every_argument_failing_is_invalid() -> None:
    result = ev(Call("try", (ref("var.tags.a"), ref("var.tags.b"))))
    assert isinstance(result, Invalid)
    assert ev(Call("try", (Call("try", (ref("var.tags.a"),)), lit("outer")))) == "outer"


def test_can() -> None:
    assert ev(Call("can", (ref("var.tags.team"),))) is True
    assert ev(Call("can", (ref("var.tags.owner"),))) is False
    assert ev(Call("can", (ref("var.level"),))) == Unknown("var.level has no value")
    assert isinstance(ev(Call("can", (lit(1), lit(2)))), Invalid)


# ---- conditionals and operators -----------------------------------------------------------------


def test_conditional_evaluates_only_the_chosen_branch() -> None:
    expr = Conditional(BinaryOp("==", ref("var.env"), lit("prod")), lit("dsp"), ref("var.tags.nope"))
    assert ev(expr) == "dsp"
    assert ev(Conditional(lit("false"), lit(1), lit(2))) == 2


def test_conditional_on_unknown_or_non_bool() -> None:
    assert ev(Conditional(ref("var.level"), lit(1), lit(2))) == Unknown("var.level has no value")
    assert isinstance(ev(Conditional(lit(None), lit(1), lit(2))), Invalid)
    assert isinstance(ev(Conditional(lit(1), lit(1), lit(2))), Invalid)


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("+", 1, 2, 3), ("+", "5", 1, 6), ("-", 1.5, 0.5, 1), ("*", 4, "2.5", 10), ("/", 7, 2, 3.5),
        ("/", 4, 2, 2), ("%", 7, 3, 1), ("%", -5, 3, -2), ("<", 1, 2, True), (">=", "10", 9, True),
        ("==", 1, 1.0, True), ("==", "1", 1, False), ("==", True, 1, False), ("!=", "a", "b", True),
        ("==", None, None, True), ("&&", True, False, False), ("||", False, "true", True),
    ],
)
def test_binary_operators(op: str, left: Any, right: Any, expected: Any) -> None:
    result = ev(BinaryOp(op, lit(left), lit(right)))
    assert result == expected and type(result) is type(expected)


def test_equality_of_collections() -> None:
    assert ev(BinaryOp("==", tup(1, "a"), tup(1, "a"))) is True
    assert ev(BinaryOp("==", obj(a=lit(1)), obj(a=lit(1)))) is True
    assert ev(BinaryOp("==", obj(a=lit(1)), obj(a=lit(True)))) is False


@pytest.mark.parametrize(("op", "left", "right"), [
    ("+", "a", 1), ("+", True, 1), ("/", 1, 0), ("%", 1, 0), ("<", None, 1), ("&&", 1, True),
    ("**", 1, 1),
])
def test_binary_type_errors_are_invalid(op: str, left: Any, right: Any) -> None:
    assert isinstance(ev(BinaryOp(op, lit(left), lit(right))), Invalid)


def test_unknown_operands() -> None:
    level = ref("var.level")
    assert ev(BinaryOp("+", lit(1), level)) == Unknown("var.level has no value")
    assert ev(BinaryOp("==", level, lit("x"))) == Unknown("var.level has no value")
    assert ev(BinaryOp("&&", lit(False), level)) is False
    assert ev(BinaryOp("&&", level, lit(False))) is False
    assert ev(BinaryOp("||", lit(True), level)) is True
    assert ev(BinaryOp("&&", lit(True), level)) == Unknown("var.level has no value")
    assert ev(BinaryOp("==", tup(level), tup("x"))) == Unknown("var.level has no value")


def test_an_error_wins_over_an_unknown_operand() -> None:
    assert isinstance(ev(BinaryOp("+", lit("abc"), ref("var.level"))), Invalid)
    assert isinstance(ev(BinaryOp("&&", lit(False), ref("var.tags.nope"))), Invalid)


def test_unary() -> None:
    assert ev(UnaryOp("!", lit(True))) is False
    assert ev(UnaryOp("-", lit("5"))) == -5
    assert ev(UnaryOp("!", ref("var.level"))) == Unknown("var.level has no value")
    assert isinstance(ev(UnaryOp("-", lit("x"))), Invalid)


# ---- constructors and for ------------------------------------------------------------------------


def test_tuple_keeps_unknown_items() -> None:
    assert ev(tup(1, ref("var.level"))) == [1, Unknown("var.level has no value")]


def test_object_keys() -> None:
    expr = ObjectExpr(((lit("a"), lit(1)), (lit(2), lit("two")), (lit(True), lit("t")),
                       (ref("var.env"), lit("e"))))
    assert ev(expr) == {"a": 1, "2": "two", "true": "t", "prod": "e"}


def test_object_with_unknown_key_is_unknown() -> None:
    expr = ObjectExpr(((lit("a"), lit(1)), (ref("var.level"), lit(2))))
    assert ev(expr) == Unknown("var.level has no value")
    assert isinstance(ev(ObjectExpr(((lit(None), lit(1)),))), Invalid)


def test_for_list_over_list_with_index() -> None:
    expr = ForExpr("i", "v", ref("var.list"), Template((Variable("v"), "-", Variable("i"))))
    assert ev(expr) == ["a-0", "b-1", "c-2"]


def test_for_over_map_iterates_in_key_order_with_filter() -> None:
    coll = obj(b=lit(2), a=lit(1), c=lit(3))
    expr = ForExpr("k", "v", coll, Variable("k"), cond=BinaryOp(">", Variable("v"), lit(1)))
    assert ev(expr) == ["b", "c"]


def test_for_map_form_and_grouping() -> None:
    users = ref("var.users")
    by_name = ForExpr(None, "u", users, GetAttr(Variable("u"), "role"), key=GetAttr(Variable("u"), "name"))
    assert ev(by_name) == {"ann": "admin", "bob": "dev"}
    grouped = ForExpr(None, "s", tup("a", "bb", "cc"), Variable("s"),
                      key=Call("length", (Variable("s"),)), grouping=True)
    assert ev(grouped) == {"1": ["a"], "2": ["bb", "cc"]}


def test_for_duplicate_key_without_grouping_is_invalid() -> None:
    expr = ForExpr(None, "s", tup("a", "a"), lit(1), key=Variable("s"))
    assert isinstance(ev(expr), Invalid)


def test_for_unknowns() -> None:
    level = ref("var.level")
    assert ev(ForExpr(None, "v", level, Variable("v"))) == Unknown("var.level has no value")
    filtered = ForExpr(None, "v", tup(1, 2), Variable("v"), cond=BinaryOp("==", Variable("v"), level))
    assert ev(filtered) == Unknown("var.level has no value")
    keyed = ForExpr(None, "v", tup(1), Variable("v"), key=level)
    assert ev(keyed) == Unknown("var.level has no value")
    assert ev(ForExpr(None, "v", tup(1, 2), level)) == [Unknown("var.level has no value")] * 2


def test_for_variables_shadow_the_scope_only_inside() -> None:
    expr = tup(ForExpr(None, "var", tup(1), Variable("var")), ref("var.env"))
    assert ev(expr) == [[1], "prod"]


def test_for_over_a_string_or_null_is_invalid() -> None:
    assert isinstance(ev(ForExpr(None, "v", lit("abc"), Variable("v"))), Invalid)
    assert isinstance(ev(ForExpr(None, "v", lit(None), Variable("v"))), Invalid)


# ---- limits -------------------------------------------------------------------------------------


def test_deep_expression_is_unknown_not_a_crash() -> None:
    expr: Expr = lit(1)
    for _ in range(5000):
        expr = BinaryOp("+", expr, lit(1))
    assert isinstance(ev(expr), Unknown)


def test_deep_template_chain_is_unknown() -> None:
    expr: Expr = lit("x")
    for _ in range(300):
        expr = Template(("a", expr))
    assert ev(expr) == Unknown("expression nested deeper than 200 levels")


def test_huge_string_is_unknown() -> None:
    big = lit("x" * 600_000)
    assert ev(Template((big, big))) == Unknown("a string longer than 1000000 characters is not evaluated")


def test_exploding_for_expression_is_cut_by_the_budget() -> None:
    rng = Call("range", (lit(1000),))
    inner = ForExpr(None, "b", rng, Call("join", (lit(","), Call("range", (lit(1000),)))))
    expr = ForExpr(None, "a", rng, inner)
    assert ev(expr) == Unknown("the expression needs too much work to evaluate")


def test_not_an_expression_is_invalid() -> None:
    assert isinstance(evaluate("var.x", DictScope({})), Invalid)  # type: ignore[arg-type]


def test_is_known_and_find_unknown_are_deep() -> None:
    assert is_known({"a": [1, {"b": "c"}]})
    assert not is_known({"a": [1, {"b": Unknown("x")}]})
    assert find_unknown([Unknown("first"), Invalid("error")]) == Invalid("error")
    deep: Any = "x"
    for _ in range(1000):
        deep = [deep]
    assert not is_known(deep)


def test_invalid_equals_unknown_with_the_same_reason() -> None:
    assert Invalid("r") == Unknown("r") and Unknown("r") == Invalid("r")
    assert hash(Invalid("r")) == hash(Unknown("r")) and Invalid("r") != Unknown("s")


def test_missing_attribute_after_a_splat_names_the_path() -> None:
    assert ev(Splat(ref("var.users"), ("nope",))) == [Invalid("var.users[*].nope does not exist")] * 2


def test_index_reason_names_the_reference() -> None:
    assert ev(Index(ref("var.list"), lit(5))) == Invalid("var.list has no element 5 (3 items)")
    assert ev(Index(ref("var.tags"), lit("x"))) == Invalid('var.tags.x does not exist')


# ---- end to end, through the HCL loader when it is there ----------------------------------------


@pytest.fixture
def hcl_value() -> Any:
    hcl = pytest.importorskip("linter.loaders.hcl")

    def value(source: str) -> Any:
        config = hcl.load_hcl("main.tf", f"x = {source}\n")
        assert config.errors == ()
        return ev(config.body.attributes[0].expr)

    return value


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('merge(var.tags, { Name = "app-${var.env}" })',
         {"data_sensitivity": "particuliere", "team": "payments", "Name": "app-prod"}),
        ('lookup(var.tags, "owner", "nobody")', "nobody"),
        ('try(var.tags.owner, var.tags.team)', "payments"),
        ('[for u in var.users : upper(u.name) if u.role != "dev"]', ["ANN"]),
        ('{ for k, v in var.tags : v => k... }', {"particuliere": ["data_sensitivity"], "payments": ["team"]}),
        ('var.env == "prod" ? "particuliere" : "standard"', "particuliere"),
        ('coalesce(var.nothing, local.region)', "eu-west-3"),
        ('var.users[*].name', ["ann", "bob"]),
        ('var.count * 2 + 1', 7),
        ('"${var.level}-x"', Unknown("var.level has no value")),
        ('<<EOT\nhello ${var.env}\nEOT', "hello prod\n"),
    ],
)
def test_end_to_end(hcl_value: Any, source: str, expected: Any) -> None:
    assert hcl_value(source) == expected


def test_reasons_name_references_in_terraform_syntax() -> None:
    logs = Index(ref("aws_s3_bucket.logs"), lit("eu"))
    assert ev(GetAttr(logs, "arn")) == Unknown('aws_s3_bucket.logs["eu"].arn is not known')
    assert ev(GetAttr(Index(ref("var.list"), lit(0)), "x")) == Invalid(
        "var.list[0] is a string, it has no attribute 'x'")


def test_is_known_reads_lazy_mappings() -> None:
    assert is_known(LazyRoot({"a": [1]}))
    assert not is_known(LazyRoot({"a": [Unknown("x")]}))
    assert not is_known(LazyRoot({"a": RecursionError()}))
