"""Terraform's collection functions. Lists stand for tuples, lists and sets; sets come out in
Terraform's iteration order (``values.set_order``)."""
from __future__ import annotations

from typing import Any

from linter import limits
from linter.model import Unknown
from linter.terraform.language.functions_base import Function, as_int, as_list, as_map, as_str, define
from linter.terraform.language.values import (
    OpenDict,
    canonical,
    charge,
    equal,
    find_unknown,
    kind,
    number,
    pick_unknown,
    set_order,
    to_bool,
    to_number,
    to_string,
)

COLLECTIONS: dict[str, Function] = {}
_MISSING = object()
_RANGE_LIMIT = limits.RANGE_VALUES


@define(COLLECTIONS, "merge", unknown="none")
def merge(*maps: Any) -> Any:
    """Later maps win; null arguments are skipped. An Unknown argument makes the whole result
    Unknown (an unknown map may override any key); Unknown values inside known maps are kept."""
    found = pick_unknown(*maps)
    if found is not None:
        return found
    result: dict[str, Any] = OpenDict() if any(isinstance(m, OpenDict) for m in maps) else {}
    for mapping in maps:
        if mapping is not None:
            result.update(as_map(mapping))
    return result


@define(COLLECTIONS, "lookup", unknown="none")
def lookup(mapping: Any, key: Any, default: Any = _MISSING) -> Any:
    """``lookup(map, key)`` fails on a missing key; with a default it returns the default."""
    found = pick_unknown(mapping, key)
    if found is not None:
        return found
    mapping, key = as_map(mapping), as_str(key)
    if key in mapping:
        return mapping[key]
    if isinstance(mapping, OpenDict):
        return Unknown(f"lookup(): key {key!r} is not known")
    if default is _MISSING:
        raise ValueError(f"the map has no key {key!r}")
    return default


@define(COLLECTIONS, "coalesce", unknown="none")
def coalesce(*args: Any) -> Any:
    """The first argument that is neither null nor "", in order: an Unknown met before it makes
    the result Unknown, one after it does not matter."""
    strings = any(isinstance(arg, str) for arg in args)
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
        if arg is None or arg == "" and isinstance(arg, str):
            continue
        return to_string(arg) if strings and kind(arg) in ("number", "bool") else arg
    raise ValueError("no non-null, non-empty-string arguments")


@define(COLLECTIONS, "coalescelist", unknown="none")
def coalescelist(*lists: Any) -> Any:
    for items in lists:
        if isinstance(items, Unknown):
            return items
        if as_list(items):
            return items
    raise ValueError("no non-empty list arguments")


@define(COLLECTIONS, "concat", unknown="args")
def concat(*lists: Any) -> list[Any]:
    return [item for items in lists for item in as_list(items)]


@define(COLLECTIONS, "keys", unknown="args")
def keys(mapping: Any) -> list[str]:
    return sorted(as_map(mapping))


@define(COLLECTIONS, "values", unknown="args")
def values(mapping: Any) -> list[Any]:
    mapping = as_map(mapping)
    return [mapping[key] for key in sorted(mapping)]


@define(COLLECTIONS, "length", unknown="args")
def length(value: Any) -> int:
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise ValueError(f"a {kind(value)} has no length")


@define(COLLECTIONS, "element", unknown="args")
def element(items: Any, index: Any) -> Any:
    """Wraps around: ``element(["a", "b"], 3)`` is "b"."""
    items, position = as_list(items), as_int(index)
    if not items or position < 0:
        raise ValueError("an empty list, or a negative index")
    return items[position % len(items)]


@define(COLLECTIONS, "index")
def index(items: Any, value: Any) -> int:
    for position, item in enumerate(as_list(items)):
        if equal(item, value):
            return position
        charge(1)
    raise ValueError("the item is not in the list")


@define(COLLECTIONS, "contains")
def contains(items: Any, value: Any) -> bool:
    return canonical(value) in {canonical(item) for item in as_list(items)}


@define(COLLECTIONS, "distinct")
def distinct(items: Any) -> list[Any]:
    seen: dict[Any, Any] = {}
    for item in as_list(items):
        seen.setdefault(canonical(item), item)
    return list(seen.values())


@define(COLLECTIONS, "flatten")
def flatten(items: Any) -> list[Any]:
    out: list[Any] = []
    stack = [iter(as_list(items))]
    while stack:
        item = next(stack[-1], _MISSING)
        if item is _MISSING:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        else:
            out.append(item)
            charge(1)
    return out


@define(COLLECTIONS, "compact")
def compact(items: Any) -> list[str]:
    return [to_string(item) for item in as_list(items) if item is not None and item != ""]


@define(COLLECTIONS, "zipmap", unknown="none")
def zipmap(key_list: Any, value_list: Any) -> Any:
    found = find_unknown(key_list) or pick_unknown(value_list)
    if found is not None:
        return found
    names, items = [as_str(k) for k in as_list(key_list)], as_list(value_list)
    if len(names) != len(items):
        raise ValueError("the key and value lists have different lengths")
    return dict(zip(names, items, strict=True))


@define(COLLECTIONS, "range")
def range_(*args: Any) -> list[int | float]:
    """Terraform refuses more than 1024 values."""
    if not 1 <= len(args) <= 3:
        raise ValueError("range() takes one to three arguments")
    bounds = [to_number(arg) for arg in args]
    start, end = (0, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
    step = bounds[2] if len(bounds) == 3 else (1 if start <= end else -1)
    if step == 0 or (start < end and step < 0) or (start > end and step > 0):
        raise ValueError("the step must be non-zero and go from start towards end")
    count = max(0, int(-(-(end - start) // step)))
    if count > _RANGE_LIMIT:
        raise ValueError(f"more than {_RANGE_LIMIT} values would be generated")
    return [number(start + i * step) for i in range(count)]


@define(COLLECTIONS, "one", unknown="args")
def one(items: Any) -> Any:
    items = as_list(items)
    if len(items) > 1:
        raise ValueError("the list has more than one element")
    return items[0] if items else None


@define(COLLECTIONS, "sum")
def sum_(items: Any) -> int | float:
    numbers = [to_number(item) for item in as_list(items)]
    if not numbers:
        raise ValueError("cannot sum an empty list")
    return number(sum(numbers))


@define(COLLECTIONS, "setunion")
def setunion(*sets: Any) -> list[Any]:
    return set_order([item for items in sets for item in as_list(items)])


@define(COLLECTIONS, "setintersection")
def setintersection(first: Any, *others: Any) -> list[Any]:
    keep = [{canonical(item) for item in as_list(items)} for items in others]
    return set_order([i for i in as_list(first) if all(canonical(i) in k for k in keep)])


@define(COLLECTIONS, "setsubtract")
def setsubtract(first: Any, second: Any) -> list[Any]:
    drop = {canonical(item) for item in as_list(second)}
    return set_order([item for item in as_list(first) if canonical(item) not in drop])


@define(COLLECTIONS, "slice", unknown="args")
def slice_(items: Any, start: Any, end: Any) -> list[Any]:
    items, first, last = as_list(items), as_int(start), as_int(end)
    if not 0 <= first <= last <= len(items):
        raise ValueError(f"indexes {first} and {last} are out of range for {len(items)} items")
    return items[first:last]


@define(COLLECTIONS, "reverse", unknown="args")
def reverse(items: Any) -> list[Any]:
    return as_list(items)[::-1]


@define(COLLECTIONS, "sort")
def sort(items: Any) -> list[str]:
    """Lexical order of the strings (numbers are converted to strings first, as in Terraform)."""
    return sorted(as_str(item) for item in as_list(items))


@define(COLLECTIONS, "chunklist", unknown="args")
def chunklist(items: Any, size: Any) -> list[list[Any]]:
    items, chunk = as_list(items), as_int(size)
    if chunk < 0:
        raise ValueError("the chunk size must not be negative")
    if chunk == 0:
        return [items]
    return [items[i : i + chunk] for i in range(0, len(items), chunk)]


@define(COLLECTIONS, "alltrue", unknown="args")
def alltrue(items: Any) -> Any:
    return _all_or_any(as_list(items), stop_at=False)


@define(COLLECTIONS, "anytrue", unknown="args")
def anytrue(items: Any) -> Any:
    return _all_or_any(as_list(items), stop_at=True)


def _all_or_any(items: list[Any], stop_at: bool) -> Any:
    """A known ``stop_at`` element decides; otherwise an Unknown element leaves it undecided."""
    undecided: Unknown | None = None
    for item in items:
        if isinstance(item, Unknown):
            undecided = undecided or item
        elif item is not None and to_bool(item) is stop_at:
            return stop_at
    return undecided if undecided is not None else not stop_at
