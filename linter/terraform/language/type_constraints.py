"""Variable type constraints (``type = object({…})``) and the conversion Terraform applies with them.

A variable's value is converted to its declared type before any expression sees it: numbers and
bools become strings where a string is declared (and back), lists become sets, an object keeps
only the attributes its type declares, and ``optional(type, default)`` attributes that are absent
or null take their default (Terraform >= 1.3), defaults nested in defaults included. A value that
does not convert is left as it is: Terraform would stop with an error, and this linter reports
what the value says rather than inventing one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Union

from linter.loaders.ir import Call, Expr, ObjectExpr, TupleExpr, Variable
from linter.model import Unknown
from linter.terraform.language.literals import literal_string
from linter.terraform.language.values import MAX_DEPTH, OpenDict, charge, set_order, to_bool, to_number, to_string

_PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_COLLECTIONS = frozenset({"list", "set", "map"})


@dataclass(frozen=True, slots=True)
class Primitive:
    name: str  # string | number | bool | any


@dataclass(frozen=True, slots=True)
class Collection:
    kind: str  # list | set | map
    element: TypeSpec


@dataclass(frozen=True, slots=True)
class Attr:
    type: TypeSpec
    optional: bool = False
    default: Any = None  # only meaningful when optional


@dataclass(frozen=True, slots=True)
class Object:
    attributes: Mapping[str, Attr] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Tuple:
    elements: tuple[TypeSpec, ...] = ()


TypeSpec = Union[Primitive, Collection, Object, Tuple]
ANY = Primitive("any")


def parse_type(expr: Expr | None, evaluate: Any, depth: int = 0) -> TypeSpec:
    """The type an expression declares; anything not understood is ``any`` (no conversion).
    ``evaluate`` turns a default's expression into a value (no references are allowed there)."""
    if expr is None or depth > MAX_DEPTH:
        return ANY
    match expr:
        case Variable(name=name) if name in _PRIMITIVES:
            return Primitive(name)
        case Call(name=name, args=(element,)) if name in _COLLECTIONS:
            return Collection(name, parse_type(element, evaluate, depth + 1))
        case Call(name="object", args=(ObjectExpr(items=items),)):
            return Object({key: _attribute(value, evaluate, depth + 1) for key_expr, value in items
                           if (key := _key(key_expr)) is not None})
        case Call(name="tuple", args=(TupleExpr(items=items),)):
            return Tuple(tuple(parse_type(item, evaluate, depth + 1) for item in items))
    text = literal_string(expr)  # a JSON configuration writes the type as a string
    return Primitive(text) if text in _PRIMITIVES else ANY


def _key(expr: Expr) -> str | None:
    if isinstance(expr, Variable):
        return expr.name
    return literal_string(expr)


def _attribute(expr: Expr, evaluate: Any, depth: int) -> Attr:
    if isinstance(expr, Call) and expr.name == "optional" and 1 <= len(expr.args) <= 2:
        spec = parse_type(expr.args[0], evaluate, depth)
        default = evaluate(expr.args[1]) if len(expr.args) == 2 else None
        return Attr(spec, optional=True, default=default)
    return Attr(parse_type(expr, evaluate, depth))


def convert(value: Any, spec: TypeSpec, depth: int = 0) -> Any:
    """``value`` converted to ``spec`` with optional defaults applied; unchanged where it cannot be."""
    if value is None or isinstance(value, Unknown) or depth > MAX_DEPTH:
        return value
    try:
        return _convert(value, spec, depth)
    except (ValueError, TypeError):
        return value


def _convert(value: Any, spec: TypeSpec, depth: int) -> Any:
    charge(1)
    match spec:
        case Primitive(name="string"):
            return to_string(value)
        case Primitive(name="number"):
            return to_number(value)
        case Primitive(name="bool"):
            return to_bool(value)
        case Collection(kind="map", element=element):
            if not isinstance(value, dict):
                raise ValueError("not a map")
            return _like(value, {k: convert(v, element, depth + 1) for k, v in value.items()})
        case Collection(kind=kind_, element=element):
            if not isinstance(value, list):
                raise ValueError("not a list")
            items = [convert(v, element, depth + 1) for v in value]
            return set_order(items) if kind_ == "set" and not any(isinstance(i, Unknown) for i in items) else items
        case Object(attributes=attributes):
            if not isinstance(value, dict):
                raise ValueError("not an object")
            return _object(value, attributes, depth)
        case Tuple(elements=elements):
            if not isinstance(value, list) or len(value) != len(elements):
                raise ValueError("not a tuple of that length")
            return [convert(v, e, depth + 1) for v, e in zip(value, elements, strict=True)]
    return value


def _object(value: dict[str, Any], attributes: Mapping[str, Attr], depth: int) -> dict[str, Any]:
    """Declared attributes only (Terraform drops the others), absent optional ones defaulted."""
    out: dict[str, Any] = {}
    for name, attr in attributes.items():
        if name in value and value[name] is not None:
            out[name] = convert(value[name], attr.type, depth + 1)
        elif attr.optional:
            out[name] = convert(attr.default, attr.type, depth + 1)
        elif name in value:
            out[name] = None
        elif isinstance(value, OpenDict):
            out[name] = Unknown(f"{name} is not known")
    return _like(value, out)


def _like(original: dict[str, Any], converted: dict[str, Any]) -> dict[str, Any]:
    return OpenDict(converted) if isinstance(original, OpenDict) else converted
