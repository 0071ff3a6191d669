"""The stage values of ``linter.model`` as compact JSON, for the incremental caches: never pickle.

A cached root module's nodes or a whole scan's result must come back exactly as they were built
(a tuple stays a tuple, a dict a dict, an enum member its member), or a warm report would differ
from a cold one. JSON has only arrays and objects, so the shapes JSON cannot tell apart are tagged
with one-key objects whose key starts with a NUL character (never a field or class name):

- a dataclass of ``linter.model`` is ``{"ClassName": [field values in declaration order]}``;
- a tuple is ``{"\\u0000t": [...]}``, a list a plain array;
- a dict with string keys is a plain object, unless it has exactly one key (which would read as a
  tag): then ``{"\\u0000d": [key, value]}``;
- a read-only mapping (``MappingProxyType``) is ``{"\\u0000m": {...}}``;
- an enum member is ``{"\\u0000e": ["NodeKind", "datastore"]}``, a date ``{"\\u0000D": "2026-12-07"}``.

Anything else (a set, a custom mapping, a non-string key) is refused by ``encode`` (TypeError): the
caller then keeps nothing, and the next scan evaluates again. Decoding builds only the classes and
enums of ``linter.model`` (a fixed registry); entries are sealed by the cache (an HMAC), so a
planted file never reaches this decoder, and a damaged one raises ``DecodeError``.
"""
from __future__ import annotations

import dataclasses
import enum
import json
from datetime import date
from sys import intern
from types import MappingProxyType
from typing import Any

from linter import model


class DecodeError(ValueError):
    """The text is not a value written by ``encode``."""


_CLASSES: dict[str, type] = {
    name: obj for name, obj in vars(model).items()
    if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == model.__name__
}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()
}
# each class's slots, set directly: the dataclasses are frozen and take keywords only, and calling
# them with a dict of keywords is most of the time a warm scan spends reading kept root modules
_BY_NAME: dict[str, tuple[type, tuple[Any, ...]]] = {
    name: (cls, tuple(vars(cls)[f].__set__ for f in _FIELDS[cls])) for name, cls in _CLASSES.items()
}
_ENUMS: dict[str, type[enum.Enum]] = {
    name: obj for name, obj in vars(model).items()
    if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == model.__name__
}
_SCALARS = frozenset({str, int, float, bool, type(None)})
_new = object.__new__
_TUPLE, _DICT, _PROXY, _ENUM, _DATE = "\0t", "\0d", "\0m", "\0e", "\0D"


def encode(value: Any) -> str:
    """A value of the model (nodes, problems, a scan result…) → compact JSON text; TypeError when
    it holds something this format cannot give back identically."""
    return json.dumps(_plain(value), separators=(",", ":"), check_circular=False)


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple:
        return {_TUPLE: [_plain(v) for v in value]}
    if kind is list:
        return [_plain(v) for v in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise TypeError("a dict key that is not a string")
        if len(value) == 1:
            ((key, item),) = value.items()
            return {_DICT: [key, _plain(item)]}
        return {k: _plain(v) for k, v in value.items()}
    if kind is MappingProxyType:  # read-only mappings of the knowledge (a rule's params)
        return {_PROXY: _plain(dict(value))}
    fields = _FIELDS.get(kind)
    if fields is not None:
        return {kind.__name__: [_plain(getattr(value, f)) for f in fields]}
    if isinstance(value, enum.Enum) and _ENUMS.get(kind.__name__) is kind:
        return {_ENUM: [kind.__name__, value.value]}
    if kind is date:
        return {_DATE: value.isoformat()}
    raise TypeError(f"not a model value: {kind.__name__}")


def decode(text: str | bytes) -> Any:
    """JSON text written by ``encode`` → the value; DecodeError on anything else."""
    try:
        return json.loads(text, object_hook=_build)
    except DecodeError:
        raise
    except (ValueError, TypeError, KeyError, RecursionError) as error:  # syntax, a bad enum value or date
        raise DecodeError(str(error)[:80]) from None


def _build(obj: dict[str, Any]) -> Any:
    """json's object hook: a one-key object is a tag (inner ones are already built)."""
    if len(obj) != 1:
        return obj
    ((name, values),) = obj.items()
    found = _BY_NAME.get(name)
    if found is not None:
        cls, setters = found
        if type(values) is not list or len(values) != len(setters):
            raise DecodeError(f"{name}: wrong fields")
        # a str field is shared with every equal one (sys.intern: freed with its last user): the file,
        # root and type of a cached root's nodes would otherwise be one copy per node, and a warm scan
        # would take more memory than the cold one that built them
        built: Any = _new(cls)
        for set_field, value in zip(setters, values, strict=True):
            set_field(built, intern(value) if type(value) is str else value)
        return built
    if name == _TUPLE and type(values) is list:
        return tuple(values)
    if name == _DICT and type(values) is list and len(values) == 2 and type(values[0]) is str:
        return {values[0]: values[1]}
    if name == _PROXY and type(values) is dict:
        return MappingProxyType(values)
    if name == _ENUM and type(values) is list and len(values) == 2 and values[0] in _ENUMS:
        return _ENUMS[values[0]](values[1])
    if name == _DATE and type(values) is str:
        return date.fromisoformat(values)
    raise DecodeError(f"unknown tag {name[:40]!r}")
