"""The IR's fast constructors make the very objects the dataclasses' own constructors make."""
from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, fields

import pytest

from linter.loaders import ir


def _pairs() -> list[tuple[object, object]]:
    lit = ir.Literal("x", 3)
    attr = ir.Attribute("name", lit, 3)
    body = ir.Body((attr,), ())
    return [
        (ir.new_literal("x", 3), lit),
        (ir.new_literal(None, 1), ir.Literal(None, 1)),
        (ir.new_variable("var", 2), ir.Variable("var", 2)),
        (ir.new_get_attr(ir.Variable("var", 2), "a", 2), ir.GetAttr(ir.Variable("var", 2), "a", 2)),
        (ir.new_attribute("name", lit, 3), attr),
        (ir.new_body((attr,), ()), body),
        (ir.new_block("resource", ("a", "b"), body, 1, 4, ("# c",)),
         ir.Block("resource", ("a", "b"), body, 1, 4, ("# c",))),
        (ir.new_template(("a", ir.Variable("v", 5)), 5), ir.Template(("a", ir.Variable("v", 5)), 5)),
        (ir.new_call("f", (lit,), True, 6), ir.Call("f", (lit,), True, 6)),
        (ir.new_tuple((lit, lit), 7), ir.TupleExpr((lit, lit), 7)),
        (ir.new_object(((lit, lit),), 8), ir.ObjectExpr(((lit, lit),), 8)),
    ]


@pytest.mark.parametrize(("made", "expected"), _pairs())
def test_same_object_as_the_constructor(made: object, expected: object) -> None:
    assert type(made) is type(expected)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert all(getattr(made, f.name) == getattr(expected, f.name) for f in fields(expected))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(made)) == expected
    with pytest.raises(FrozenInstanceError):
        setattr(made, fields(expected)[0].name, None)  # type: ignore[arg-type]
