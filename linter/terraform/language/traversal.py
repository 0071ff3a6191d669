"""Reading references: ``a.b``, ``a[k]``, ``a[*].b`` on the values a scope hands over.

A scope's values may be lazy Mappings (a module evaluator's cells): only ``[]`` is used on them,
so reading ``a.b`` computes ``b`` alone. Failures become Unknown with a reason that names the
reference (``aws_s3_bucket.logs.arn is not known``).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Callable

from linter.loaders.ir import Expr, GetAttr, Index, Literal, Splat, Variable
from linter.model import Unknown
from linter.terraform.language.values import BudgetExceeded, Invalid, OpenDict, kind, materialize, to_number

_PLAIN = (dict, OpenDict)


def read(get: Callable[[str], Any], key: str, where: Callable[[], str] | None, missing: type[Unknown]) -> Any:
    """``get(key)`` from the scope (or a lazy Mapping of it): its failures become Unknown.
    ``where`` describes what holds ``key`` (None: a root name), computed only for a reason."""
    try:
        return get(key)
    except KeyError:
        what = _described(key, where)
        return missing(f"{what} does not exist" if missing is Invalid else f"{what} is not known")
    except RecursionError:
        return Unknown(f"{_described(key, where)} refers to itself or is nested too deeply")
    except BudgetExceeded:
        raise
    except Exception as exc:  # the scope is another stage's code fed by the same hostile files
        return Unknown(f"{_described(key, where)} could not be evaluated: {type(exc).__name__}")


def _described(key: str, where: Callable[[], str] | None) -> str:
    return key if where is None else f"{where()}.{key}"


def attribute(obj: Any, name: str, where: Callable[[], str]) -> Any:
    """``obj.name``; ``where`` describes ``obj`` for reasons."""
    if isinstance(obj, Unknown):
        return obj
    if type(obj) in _PLAIN and name in obj:  # an evaluated object's attribute: reading cannot fail
        return obj[name]
    if isinstance(obj, Mapping):
        closed = type(obj) is dict
        return read(obj.__getitem__, name, where, Invalid if closed else Unknown)
    return Invalid(f"{where()} is a {kind(materialize(obj))}, it has no attribute {name!r}")


def element(obj: list[Any] | tuple[Any, ...], key: Any, where: Callable[[], str]) -> Any:
    try:
        position = to_number(key)
    except ValueError:
        return Invalid(f"{where()} is a list: it cannot be indexed by {key!r}")
    if not isinstance(position, int) or not 0 <= position < len(obj):
        return Invalid(f"{where()} has no element {position} ({len(obj)} items)")
    return obj[position]


def splat_path(expr: Splat, count: int) -> str:
    return describe(expr.obj) + "[*]" + "".join(f".{name}" for name in expr.attrs[:count])


def describe(expr: Expr) -> str:
    """``aws_s3_bucket.logs["eu"].arn`` for a reference, for reasons; ``(expression)`` otherwise."""
    suffix: list[str] = []
    while len(suffix) < 50:
        match expr:
            case Variable(name=name):
                return name + "".join(reversed(suffix))
            case GetAttr(obj=obj, name=name):
                suffix.append(f".{name}")
            case Index(obj=obj, key=Literal(value=value)) if isinstance(value, (str, int)):
                suffix.append(f"[{json.dumps(value)}]")
            case Index(obj=obj):
                suffix.append("[…]")
            case Splat(obj=obj, attrs=attrs):
                suffix.append("[*]" + "".join(f".{a}" for a in attrs))
            case _:
                break
        expr = obj
    return "(expression)" + "".join(reversed(suffix))
