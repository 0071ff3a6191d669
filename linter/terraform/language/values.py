"""Terraform values as the evaluator and the functions see them, and the limits that keep them small.

A value is ``str``, ``int``, ``float``, ``bool``, ``None`` (null), ``list`` (tuples, lists, sets),
``dict`` (objects, maps) or ``Unknown``. Containers may hold ``Unknown`` items: a tag map with one
unknown value still tells the other tags. Two refinements of the plain types carry what Terraform's
``try`` and ``can`` need to decide:

* ``Invalid`` (an ``Unknown``) is where Terraform itself would stop with an error (missing attribute,
  bad index, wrong type): ``try`` moves on to its next argument. A plain ``Unknown`` is a value that
  exists but is not known here, and ``try`` cannot decide on it.
* ``OpenDict`` (a ``dict``) is an object whose absent keys are not known to be absent (a resource
  whose computed attributes are not in the configuration): looking one up is ``Unknown``, not
  ``Invalid``. Lazy mappings handed over by a scope become ``OpenDict``.

Scanned files are hostile, so every evaluation runs under a ``Budget`` (steps, items, characters)
and values are bounded in depth and size.
"""
from __future__ import annotations

import contextvars
import math
from collections.abc import Mapping, Sized
from decimal import Decimal
from typing import Any, Iterator

from linter import limits
from linter.model import Unknown

MAX_DEPTH = limits.EXPRESSION_DEPTH
MAX_STRING = limits.STRING_CHARS
MAX_ITEMS = limits.COLLECTION_ITEMS
MAX_STEPS = limits.EVALUATION_STEPS  # units: nodes, items, 16 characters
_MAX_WALK = limits.WALK_NODES  # with or without a budget
_BIG_INT = 2**63  # larger integers become floats: Terraform numbers are not unbounded either


class Invalid(Unknown):
    """An error in Terraform's terms. Equal to an ``Unknown`` with the same reason."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.reason == self.reason

    __hash__ = Unknown.__hash__

    def __repr__(self) -> str:
        return f"Invalid({self.reason!r})"


class OpenDict(dict):
    """An object whose missing keys are unknown rather than absent (see the module docstring)."""

    __slots__ = ()


class BudgetExceeded(Exception):
    """Raised through the evaluator when one evaluation has done too much work."""


class LimitExceeded(Exception):
    """A value would exceed a size limit: not a Terraform error, just not evaluated here."""


class Budget:
    __slots__ = ("left",)

    def __init__(self, steps: int = MAX_STEPS) -> None:
        self.left = steps


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("tf_eval_budget", default=None)


def charge(units: int) -> None:
    """Spend work from the current evaluation's budget (a no-op outside an evaluation)."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.left -= units
        if budget.left < 0:
            raise BudgetExceeded


def charge_text(length: int) -> None:
    if length > MAX_STRING:
        raise LimitExceeded(f"a string longer than {MAX_STRING} characters is not evaluated")
    charge(length // 16 + 1)


def use_budget(budget: Budget | None) -> contextvars.Token[Budget | None]:
    return _BUDGET.set(budget)


def reset_budget(token: contextvars.Token[Budget | None]) -> None:
    _BUDGET.reset(token)


# ---- deep inspection --------------------------------------------------------------------------


def _walk(value: Any) -> Iterator[Any]:
    """Every value inside ``value`` (itself included), depth first, bounded and charged."""
    stack = [(value, 0)]
    visited = 0
    while stack:
        item, depth = stack.pop()
        visited += 1
        if visited > _MAX_WALK or depth > MAX_DEPTH:
            yield Unknown("value is too large or too deeply nested to inspect")
            return
        if visited % 32 == 0:
            charge(64)
        yield item
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in reversed(_values_of(item)))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in reversed(item))


def _values_of(mapping: Mapping[Any, Any]) -> list[Any]:
    if type(mapping) in (dict, OpenDict):
        return list(mapping.values())
    try:  # a lazy mapping of a scope: reading may fail like any reference
        return [mapping[key] for key in mapping]
    except (KeyError, RecursionError) as exc:
        return [Unknown(f"a value could not be read: {type(exc).__name__}")]


def find_unknown(value: Any) -> Unknown | None:
    """The first ``Unknown`` inside ``value`` (an ``Invalid`` one if any), or None when fully known."""
    found: Unknown | None = None
    for item in _walk(value):
        if isinstance(item, Invalid):
            return item
        if found is None and isinstance(item, Unknown):
            found = item
    return found


def find_plain_unknown(value: Any) -> Unknown | None:
    """The first ``Unknown`` inside ``value`` that is not an ``Invalid``."""
    for item in _walk(value):
        if isinstance(item, Unknown) and not isinstance(item, Invalid):
            return item
    return None


def is_known(value: Any) -> bool:
    """True when ``value`` holds no ``Unknown`` at any depth."""
    return find_unknown(value) is None


def pick_unknown(*values: Any) -> Unknown | None:
    """Among top-level operands, the ``Unknown`` to propagate: an error first, else the first one."""
    first: Unknown | None = None
    for value in values:
        if isinstance(value, Invalid):
            return value
        if first is None and isinstance(value, Unknown):
            first = value
    return first


# ---- types and conversions --------------------------------------------------------------------


def kind(value: Any) -> str:
    """Terraform's type family of a value: string, number, bool, null, list, map, unknown."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "unknown"


def number(value: int | float) -> int | float:
    """Terraform has one number type: integral values are ints, huge ints floats, no NaN/inf."""
    if isinstance(value, int):
        if abs(value) <= _BIG_INT:
            return value
        try:
            return number(float(value))
        except OverflowError:
            raise ValueError("the result is too large a number") from None
    if not math.isfinite(value):
        raise ValueError("the result is not a finite number")
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def render_number(value: int | float) -> str:
    """As Terraform prints numbers: ``5``, ``1.5``, ``0.00001`` (no exponent)."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def to_string(value: Any) -> str:
    """Terraform's automatic conversion to string (numbers and bools convert, nothing else)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return render_number(value)
    raise ValueError(f"a {kind(value)} value cannot be used as a string")


def to_number(value: Any) -> int | float:
    """Terraform's automatic conversion to number (strings in decimal notation convert)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"a {kind(value)} value cannot be used as a number")
    if isinstance(value, str):
        return parse_number(value)
    return number(value)


def parse_number(text: str) -> int | float:
    stripped = text.lstrip("-")
    if not stripped or len(text) > 400 or not (stripped[0].isdigit() or stripped[0] == "."):
        raise ValueError(f"cannot convert {text[:40]!r} to a number")
    if not all(c in "0123456789.eE+-" and c.isascii() for c in stripped):
        raise ValueError(f"cannot convert {text[:40]!r} to a number")
    try:
        return number(int(text)) if text.lstrip("-").isdigit() else number(float(text))
    except (ValueError, OverflowError):
        raise ValueError(f"cannot convert {text[:40]!r} to a number") from None


def to_bool(value: Any) -> bool:
    """Terraform's automatic conversion to bool (only the strings "true" and "false" convert)."""
    if isinstance(value, bool):
        return value
    if value == "true" or value == "false":
        return value == "true"
    raise ValueError(f"a {kind(value)} value cannot be used as a bool")


def equal(left: Any, right: Any, depth: int = 0) -> bool:
    """Terraform's ``==`` on fully known values: types must agree (``1 != "1"``, ``true != 1``)."""
    if depth > MAX_DEPTH:
        raise ValueError("values too deeply nested to compare")
    left_kind, right_kind = kind(left), kind(right)
    if left_kind != right_kind:
        return False
    if left_kind == "list":
        return len(left) == len(right) and all(equal(a, b, depth + 1) for a, b in zip(left, right, strict=True))
    if left_kind == "map":
        return left.keys() == right.keys() and all(equal(left[k], right[k], depth + 1) for k in left)
    return bool(left == right)


# ---- values handed over by a scope ------------------------------------------------------------


def materialize(value: Any, depth: int = 0) -> Any:
    """A scope's value as evaluator values: lazy Mappings become ``OpenDict``, tuples and sets
    lists, anything else that is not a Terraform value becomes ``Unknown``. Returns ``value``
    itself when nothing needed converting."""
    if value is None or isinstance(value, (str, bool, int, Unknown)):
        return value
    if isinstance(value, float):
        return number(value) if math.isfinite(value) else Invalid("the value is not a finite number")
    if depth > MAX_DEPTH:
        return Unknown("value is too deeply nested")
    charge(2 + len(value) if isinstance(value, Sized) else 2)
    if isinstance(value, Mapping):
        return _materialize_mapping(value, depth)
    if isinstance(value, (list, tuple, set, frozenset)):
        try:
            items = list(value) if not isinstance(value, (set, frozenset)) else set_order(list(value))
        except ValueError:
            return Unknown("a set with unknown elements")
        if len(items) > MAX_ITEMS:
            return Unknown(f"a list of more than {MAX_ITEMS} items is not evaluated")
        converted = [materialize(item, depth + 1) for item in items]
        if type(value) is list and all(a is b for a, b in zip(converted, value, strict=True)):
            return value
        return converted
    return Unknown(f"a {type(value).__name__} is not a Terraform value")


def _materialize_mapping(value: Mapping[Any, Any], depth: int) -> Any:
    result = dict() if isinstance(value, dict) and not isinstance(value, OpenDict) else OpenDict()
    changed = type(value) not in (dict, OpenDict)
    for count, key in enumerate(value):
        if count >= MAX_ITEMS:
            return Unknown(f"a map of more than {MAX_ITEMS} items is not evaluated")
        try:
            item = value[key]
        except RecursionError:
            item = Unknown(f"{key!s} refers to itself or is nested too deeply")
        except KeyError:
            item = Unknown(f"{key!s} has no value")
        converted = materialize(item, depth + 1)
        changed = changed or converted is not item or not isinstance(key, str)
        result[_key_text(key)] = converted
    return result if changed else value


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    return to_string(key) if isinstance(key, (int, float, bool)) else str(key)


def canonical(value: Any, depth: int = 0) -> Any:
    """A hashable key such that ``canonical(a) == canonical(b)`` exactly when ``equal(a, b)``;
    raises ValueError for values holding an ``Unknown`` (they equal nothing yet)."""
    if depth > MAX_DEPTH or isinstance(value, Unknown):
        raise ValueError("the value is not known")
    value_kind = kind(value)
    if value_kind == "list":
        charge(len(value) // 16 + 1)
        return ("list", tuple(canonical(item, depth + 1) for item in value))
    if value_kind == "map":
        charge(len(value) // 16 + 1)
        return ("map", tuple(sorted((k, canonical(v, depth + 1)) for k, v in value.items())))
    return (value_kind, value)


def set_order(items: list[Any]) -> list[Any]:
    """A set's elements as Terraform iterates them: distinct, strings and numbers sorted."""
    seen: dict[Any, Any] = {}
    for item in items:
        seen.setdefault(canonical(item), item)
    distinct = list(seen.values())
    kinds = {kind(item) for item in distinct}
    if kinds in ({"string"}, {"number"}):
        distinct.sort()
    return distinct
