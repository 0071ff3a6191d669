"""Properties of the evaluator on generated IR: it never raises, returns only Terraform values,
and an Unknown never turns into a wrong known value."""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from linter.terraform.language.evaluate import DictScope, evaluate, is_known
from linter.terraform.language.functions import FUNCTIONS
from linter.terraform.language.values import equal

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["a", "b", "name", "tags", "0", "list", "level", "nope"]
FOR_VARS = ["k", "v", "var"]
INJECTED = "injected_unknown"


class Lazy(Mapping[str, Any]):
    """Like a module evaluator's lazy map: one key is a reference cycle."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> Any:
        if key == "cycle":
            raise RecursionError
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter([*self.values, "cycle"])

    def __len__(self) -> int:
        return len(self.values) + 1


ROOTS: dict[str, Any] = {
    "var": {"a": "x", "b": 2, "list": ["a", 1, True, None], "tags": {"name": "n", "level": "dsp"},
            "level": Unknown("var.level has no value"), "0": [{"name": "z"}]},
    "local": Lazy({"a": {"name": "lazy"}, "list": [1, 2, 3], "b": Unknown("local.b is not known")}),
    "each": {"key": "k1", "value": {"a": 1}},
    INJECTED: Unknown("injected"),
}

scalars = st.one_of(
    st.text(max_size=6), st.integers(-1000, 1000), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.sampled_from(["true", "false", "5", "1.5", "a,b", "%s", "%d-%v"]),
)
leaves = st.one_of(
    scalars.map(Literal),
    st.sampled_from(["var", "local", "each", "count", "v", "k"]).map(Variable),
    st.just(TemplateDirective("%{ if x }")),
)
OPS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "^"]


def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    small = st.lists(children, max_size=3).map(tuple)
    return st.one_of(
        st.builds(GetAttr, children, st.sampled_from(NAMES)),
        st.builds(Index, children, children),
        st.builds(Splat, children, st.lists(st.sampled_from(NAMES), max_size=2).map(tuple)),
        st.builds(Call, st.sampled_from(sorted(FUNCTIONS) + ["try", "can", "nosuch"]), small, st.booleans()),
        st.builds(Conditional, children, children, children),
        st.builds(BinaryOp, st.sampled_from(OPS), children, children),
        st.builds(UnaryOp, st.sampled_from(["!", "-", "~"]), children),
        st.builds(TupleExpr, small),
        st.builds(ObjectExpr, st.lists(st.tuples(children, children), max_size=3).map(tuple)),
        st.builds(ForExpr, st.none() | st.sampled_from(FOR_VARS), st.sampled_from(FOR_VARS), children,
                  children, st.none() | children, st.none() | children, st.booleans()),
        st.builds(Template, st.lists(st.text(max_size=3) | children, max_size=3).map(tuple)),
    )


exprs = st.recursive(leaves, extend, max_leaves=25)


def check_value(value: Any, depth: int = 0) -> None:
    """Only Terraform values, finite numbers, string keys; no internal error anywhere."""
    assert depth < 400
    if isinstance(value, Unknown):
        assert value.reason and "internal error" not in value.reason, value
    elif isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, list):
        for item in value:
            check_value(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            check_value(item, depth + 1)
    else:
        assert value is None or isinstance(value, (str, int, bool)), type(value)


@SETTINGS
@given(exprs)
def test_evaluate_never_raises_and_returns_terraform_values(expr: Expr) -> None:
    check_value(evaluate(expr, DictScope(ROOTS)))


def _subexpressions(expr: Any) -> Iterator[Expr]:
    if dataclasses.is_dataclass(expr):
        yield expr
        for field in dataclasses.fields(expr):
            yield from _subexpressions(getattr(expr, field.name))
    elif isinstance(expr, tuple):
        for item in expr:
            yield from _subexpressions(item)


def _replace(expr: Any, target: Expr, new: Expr) -> Any:
    if expr is target:
        return new
    if dataclasses.is_dataclass(expr):
        changes = {f.name: _replace(getattr(expr, f.name), target, new) for f in dataclasses.fields(expr)}
        return dataclasses.replace(expr, **changes)
    if isinstance(expr, tuple):
        return tuple(_replace(item, target, new) for item in expr)
    return expr


@SETTINGS
@given(exprs, st.data())
def test_an_unknown_operand_never_gives_a_different_known_value(expr: Expr, data: st.DataObject) -> None:
    scope = DictScope(ROOTS)
    before = evaluate(expr, scope)
    if not is_known(before):
        return
    target = data.draw(st.sampled_from(list(_subexpressions(expr))))
    after = evaluate(_replace(expr, target, Variable(INJECTED)), scope)
    assert not is_known(after) or equal(before, after), (before, after)


@SETTINGS
@given(st.lists(st.text(max_size=3) | scalars.map(Literal), max_size=3), st.integers(0, 3))
def test_template_with_an_unknown_part_is_unknown(parts: list[Any], position: int) -> None:
    parts.insert(min(position, len(parts)), Variable(INJECTED))
    assert isinstance(evaluate(Template(("x", *parts)), DictScope(ROOTS)), Unknown)


@SETTINGS
@given(st.sampled_from(sorted(set(FUNCTIONS) - {"sensitive", "nonsensitive", "coalesce", "coalescelist",
                                                "alltrue", "anytrue", "lookup"})),
       st.lists(scalars.map(Literal), max_size=3), st.integers(0, 3))
def test_function_with_an_unknown_argument_is_unknown(name: str, args: list[Expr], position: int) -> None:
    args.insert(min(position, len(args)), Variable(INJECTED))
    assert isinstance(evaluate(Call(name, tuple(args)), DictScope(ROOTS)), Unknown)


@SETTINGS
@given(st.lists(st.dictionaries(st.text(max_size=3), scalars, max_size=3), max_size=3), st.integers(0, 3))
def test_merge_with_an_unknown_map_is_unknown(maps: list[dict[str, Any]], position: int) -> None:
    args: list[Expr] = [ObjectExpr(tuple((Literal(k), Literal(v)) for k, v in m.items())) for m in maps]
    args.insert(min(position, len(args)), Variable(INJECTED))
    assert evaluate(Call("merge", tuple(args)), DictScope(ROOTS)) == Unknown("injected")
