"""The ``expressions`` of a plan's configuration: what a plan records of the source text.

Each attribute is ``{"constant_value": …}`` when it is a constant, ``{"references": [...]}`` when
it refers to something (the value itself is not recorded), ``{}`` when it is neither (a function
call); nested blocks are objects, or lists of objects, of the same. A plan records no evaluated
provider settings, so anything but a constant is ``Unknown`` here.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping, TypeGuard

from linter.model import Unknown

EXPRESSION_KEYS = frozenset({"constant_value", "references"})


def is_expression(value: Any) -> TypeGuard[dict[str, Any]]:
    """An attribute's expression, as opposed to a nested block (told apart by its keys)."""
    if not isinstance(value, dict) or not value.keys() <= EXPRESSION_KEYS:
        return False
    return isinstance(value.get("references", []), list)


def references(expression: Mapping[str, Any]) -> list[str]:
    return [r for r in expression.get("references", []) if isinstance(r, str)]


def value_of(expression: Any, variables: Mapping[str, Any] | None = None) -> Any:
    """A constant's value; Unknown (saying why) for anything a plan does not evaluate.

    Nested blocks become lists of dicts, always, as the Terraform frontend evaluates them (it has
    no schemas to tell a single block from a repeated one). ``variables`` (root module inputs)
    only make the reason more helpful.
    """
    if is_expression(expression) and expression:
        refs = references(expression)
        if refs:
            return Unknown(_reason(refs, variables or {}))
        if "constant_value" in expression:
            return expression["constant_value"]
    elif isinstance(expression, list):
        return [body_values(item, variables) if isinstance(item, dict) else value_of(item, variables)
                for item in expression]
    elif isinstance(expression, dict) and expression:
        return [body_values(expression, variables)]
    return Unknown("an expression that a plan does not record (a function call?)")


def body_values(body: Mapping[str, Any], variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A block body's expressions, by attribute name, as values."""
    return {name: value_of(item, variables) for name, item in body.items()}


def _reason(refs: list[str], variables: Mapping[str, Any]) -> str:
    shown = [_with_value(r, variables) for r in dict.fromkeys(refs)][:3]
    return f"set from {', '.join(shown)}: a plan does not record the evaluated value"


def _with_value(ref: str, variables: Mapping[str, Any]) -> str:
    kind, _, name = ref.partition(".")
    if kind == "var" and name in variables and isinstance(variables[name], (str, int, float, bool)):
        return f"{ref} ({variables[name]!r} in this plan)"
    return ref


def walk(expressions: Mapping[str, Any], prefix: str = "", depth: int = 0) -> Iterator[tuple[str, list[str]]]:
    """(dotted attribute path, references) of every expression that has references.

    List indices of nested blocks are left out of the path (``rule.destination.bucket``), as the
    knowledge's flow attributes name them.
    """
    if depth > 32:
        return
    for name, item in expressions.items():
        path = f"{prefix}{name}"
        if is_expression(item):
            refs = references(item)
            if refs:
                yield path, refs
        elif isinstance(item, dict):
            yield from walk(item, path + ".", depth + 1)
        elif isinstance(item, list):
            for block in item:
                if isinstance(block, dict):
                    yield from walk(block, path + ".", depth + 1)
