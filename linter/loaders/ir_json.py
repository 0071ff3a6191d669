"""The Terraform IR as compact JSON, for the parse cache: never pickle.

A cache file could be planted by someone else, and unpickling runs code; JSON only ever builds
data. A node is ``{"ClassName": [field values in declaration order]}``, a tuple is a list, a
scalar is itself. Decoding accepts only the IR classes (a fixed registry built from
``linter.loaders.ir``) and checks every field against its type hint, so a corrupted or foreign
file raises ``DecodeError`` instead of producing IR the evaluator was never meant to see.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any, Callable

from linter.loaders import ir


class DecodeError(ValueError):
    """The text is not IR written by ``encode``."""


_CLASSES: dict[str, type] = {
    name: obj for name, obj in vars(ir).items()
    if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == ir.__name__
}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()
}
_SCALARS = (str, int, float, bool, type(None))


def encode(value: Any) -> str:
    """IR (a node, or tuples and scalars holding nodes) -> compact JSON text."""
    return json.dumps(value, default=_node, separators=(",", ":"), check_circular=False)


def _node(value: Any) -> dict[str, list[Any]]:
    fields = _FIELDS.get(type(value))
    if fields is None:
        raise TypeError(f"not an IR value: {type(value).__name__}")
    return {type(value).__name__: [getattr(value, name) for name in fields]}


def decode(text: str | bytes, hint: Any) -> Any:
    """JSON text -> a value of type ``hint`` (e.g. ``ir.Body``); DecodeError on anything else."""
    if not _SPECS:  # built on first use: evaluating the IR's type hints takes a while
        _SPECS.update((name, _spec(cls)) for name, cls in _CLASSES.items())
    try:
        return _convert(_check(hint), json.loads(text, object_hook=_build))
    except DecodeError:
        raise
    except (ValueError, TypeError, RecursionError) as error:  # JSON syntax, huge ints, depth
        raise DecodeError(str(error)[:80]) from None


@dataclasses.dataclass(frozen=True, slots=True)
class _Check:
    """What a field accepts: values of exactly these types as they are, and lists (JSON arrays)
    through ``from_list`` when the field holds a tuple."""

    exact: frozenset[type]
    from_list: Callable[[list[Any]], tuple[Any, ...]] | None = None


def _convert(check: _Check, value: Any) -> Any:
    if type(value) in check.exact:
        return value
    if check.from_list is not None and type(value) is list:
        return check.from_list(value)
    raise DecodeError(f"unexpected {type(value).__name__}")


def _build(obj: dict[str, Any]) -> Any:
    """json's object hook: every JSON object is one IR node (inner ones are already built).
    The hot path of a warm scan: the checks are inlined."""
    if len(obj) != 1:
        raise DecodeError("a node has exactly one key")
    for name, values in obj.items():
        spec = _SPECS.get(name)
        if spec is None:
            raise DecodeError(f"unknown node {name[:40]!r}")
        cls, checks, exact = spec
        if type(values) is not list or len(values) != len(checks):
            raise DecodeError(f"{name}: wrong fields")
        if not all(map(_contains, exact, map(type, values))):  # lists to convert, or bad types
            for i, value in enumerate(values):
                if type(value) not in exact[i]:
                    values[i] = _convert(checks[i], value)
        return cls(*values)
    raise DecodeError("a node has exactly one key")  # unreachable: len(obj) == 1


@functools.cache
def _check(hint: Any) -> _Check:
    """The ``_Check`` of a type hint of the IR."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        checks = [_check(option) for option in typing.get_args(hint)]
        lists = [c.from_list for c in checks if c.from_list is not None]
        if len(lists) > 1:
            raise TypeError(f"the IR cache cannot hold {hint!r}")
        return _Check(frozenset().union(*(c.exact for c in checks)), lists[0] if lists else None)
    if origin is tuple:
        return _Check(frozenset(), _from_list(typing.get_args(hint)))
    if hint in _SCALARS or hint in _FIELDS:
        return _Check(frozenset({hint}))
    raise TypeError(f"the IR cache cannot hold {hint!r}")  # an IR change this module must learn


def _from_list(args: tuple[Any, ...]) -> Callable[[list[Any]], tuple[Any, ...]]:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _check(args[0])
        if item.from_list is None:
            exact = item.exact

            def plain(value: list[Any]) -> tuple[Any, ...]:
                if not exact.issuperset(map(type, value)):
                    raise DecodeError("unexpected item")
                return tuple(value)
            return plain
        return lambda value: tuple(_convert(item, v) for v in value)
    items = [_check(a) for a in args]

    def fixed(value: list[Any]) -> tuple[Any, ...]:
        if len(value) != len(items):
            raise DecodeError(f"expected {len(items)} items")
        return tuple(_convert(check, v) for check, v in zip(items, value, strict=True))
    return fixed


def _spec(cls: type) -> tuple[type, tuple[_Check, ...], tuple[frozenset[type], ...]]:
    hints = typing.get_type_hints(cls)  # once per class: each call evaluates every annotation
    checks = tuple(_check(hints[f]) for f in _FIELDS[cls])
    return cls, checks, tuple(c.exact for c in checks)


_contains = frozenset.__contains__
_SPECS: dict[str, tuple[type, tuple[_Check, ...], tuple[frozenset[type], ...]]] = {}
