"""Terraform's type conversion, encoding and number functions."""
from __future__ import annotations

import base64
import hashlib
import json
import math
import urllib.parse
from typing import Any

from linter.terraform.language.functions_base import Function, as_int, as_list, as_map, as_str, check_length, define
from linter.terraform.language.values import (
    MAX_STRING,
    kind,
    materialize,
    number,
    set_order,
    to_bool,
    to_number,
    to_string,
)

TYPES: dict[str, Function] = {}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# ---- conversions (null converts to null) ------------------------------------------------------


@define(TYPES, "tostring")
def tostring(value: Any) -> str | None:
    return None if value is None else to_string(value)


@define(TYPES, "tonumber")
def tonumber(value: Any) -> int | float | None:
    return None if value is None else to_number(value)


@define(TYPES, "tobool")
def tobool(value: Any) -> bool | None:
    return None if value is None else to_bool(value)


@define(TYPES, "tolist", unknown="args")
def tolist(value: Any) -> list[Any] | None:
    return None if value is None else _unify(as_list(value))


@define(TYPES, "toset")
def toset(value: Any) -> list[Any] | None:
    return None if value is None else set_order(_unify(as_list(value)))


@define(TYPES, "tomap", unknown="args")
def tomap(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    mapping = as_map(value)
    return dict(zip(mapping, _unify(list(mapping.values())), strict=True))


def _unify(items: list[Any]) -> list[Any]:
    """A list or map has one element type: strings win over numbers and bools, as in Terraform."""
    kinds = {kind(item) for item in items} - {"null", "unknown"}
    if len(kinds) <= 1:
        return items
    if kinds <= {"string", "number", "bool"} and "string" in kinds:
        return [to_string(i) if kind(i) in ("number", "bool") else i for i in items]
    raise ValueError(f"the elements have no common type ({', '.join(sorted(kinds))})")


# ---- encodings --------------------------------------------------------------------------------


@define(TYPES, "jsonencode")
def jsonencode(value: Any) -> str:
    """Keys sorted and ``<>&`` escaped, as Terraform's (Go's) encoder does."""
    check_length(_json_size(value))
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _json_size(value: Any) -> int:
    """The encoded length without escapes (the result is checked again), stopping as soon as it
    is too long: shared references could otherwise expand far beyond the value's size."""
    size, stack = 0, [value]
    while stack and size <= MAX_STRING:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2 + sum(len(key) + 4 for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            size += 2 + len(item)
            stack.extend(item)
        else:
            size += 32
    return size


@define(TYPES, "jsondecode")
def jsondecode(text: Any) -> Any:
    decoded = json.loads(as_str(text), parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    return materialize(decoded)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _int(text: str) -> int | float:
    return number(int(text))


def _float(text: str) -> int | float:
    return number(float(text))


@define(TYPES, "base64encode")
def base64encode(text: Any) -> str:
    return base64.b64encode(as_str(text).encode()).decode()


@define(TYPES, "base64decode")
def base64decode(text: Any) -> str:
    return base64.b64decode(as_str(text), validate=True).decode()


@define(TYPES, "urlencode")
def urlencode(text: Any) -> str:
    return urllib.parse.quote_plus(as_str(text), safe="")


def _digest(name: str, algorithm: str, encode: str) -> None:
    def digest(text: Any) -> str:
        raw = hashlib.new(algorithm, as_str(text).encode())
        return raw.hexdigest() if encode == "hex" else base64.b64encode(raw.digest()).decode()

    define(TYPES, name)(digest)


for _name, _algorithm, _encode in (
    ("md5", "md5", "hex"), ("sha1", "sha1", "hex"), ("sha256", "sha256", "hex"),
    ("sha512", "sha512", "hex"), ("base64sha256", "sha256", "b64"), ("base64sha512", "sha512", "b64"),
):
    _digest(_name, _algorithm, _encode)


# ---- numbers ----------------------------------------------------------------------------------


@define(TYPES, "min")
def min_(*numbers: Any) -> int | float:
    return min(to_number(n) for n in _some(numbers))


@define(TYPES, "max")
def max_(*numbers: Any) -> int | float:
    return max(to_number(n) for n in _some(numbers))


def _some(numbers: tuple[Any, ...]) -> tuple[Any, ...]:
    if not numbers:
        raise ValueError("at least one number is required")
    return numbers


@define(TYPES, "abs")
def abs_(value: Any) -> int | float:
    return abs(to_number(value))


@define(TYPES, "ceil")
def ceil(value: Any) -> int | float:
    return number(math.ceil(to_number(value)))


@define(TYPES, "floor")
def floor(value: Any) -> int | float:
    return number(math.floor(to_number(value)))


@define(TYPES, "signum")
def signum(value: Any) -> int:
    result = to_number(value)
    return (result > 0) - (result < 0)


@define(TYPES, "pow")
def pow_(base: Any, exponent: Any) -> int | float:
    return number(math.pow(to_number(base), to_number(exponent)))


@define(TYPES, "log")
def log(value: Any, base: Any) -> int | float:
    return number(math.log(to_number(value), to_number(base)))


@define(TYPES, "parseint")
def parseint(text: Any, base: Any) -> int | float:
    """Bases 2 to 62, digits 0-9, then a-z, then A-Z (case-insensitive up to base 36)."""
    text, radix = as_str(text), as_int(base)
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not 2 <= radix <= 62 or not digits or len(text) > 400:
        raise ValueError(f"cannot parse {text[:40]!r} in base {radix}")
    digits = digits if radix > 36 else digits.lower()
    result = 0
    for char in digits:
        value = _DIGITS.find(char)
        if not 0 <= value < radix:
            raise ValueError(f"cannot parse {text[:40]!r} in base {radix}")
        result = result * radix + value
    return number(-result if text.startswith("-") else result)

