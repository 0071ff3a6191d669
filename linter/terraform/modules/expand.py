"""``count``, ``for_each`` and ``dynamic`` blocks, and block bodies as evaluated attributes.

A block body becomes a dict: each attribute its evaluated value, each nested block type a *list of
dicts*, always — whether the provider's schema allows one block or many (we do not ship schemas),
so ``settings.user_labels`` is read through ``settings[*]``. ``dynamic "x"`` blocks add to the list
of ``x`` one dict per element of their ``for_each`` when it is known; when it is not, the list
holds an ``Unknown`` in their place, so that tags written there are reported as not evaluable.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from linter import limits
from linter.loaders.ir import Block, Body, Expr, Literal, Variable
from linter.model import Unknown
from linter.terraform.language.evaluate import evaluate

MAX_INSTANCES = limits.EXPANDED_INSTANCES
RESOURCE_META = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner",
                           "connection", "precondition", "postcondition"})
NO_KEY: None = None


class Scope(Protocol):
    def lookup(self, name: str) -> Any: ...


class Extended:
    """A scope with a few more names (``each``, ``count``, a dynamic block's iterator)."""

    __slots__ = ("parent", "names")

    def __init__(self, parent: Scope, names: Mapping[str, Any]) -> None:
        self.parent = parent
        self.names = names

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.parent.lookup(name)


def value_of(expr: Expr, scope: Scope) -> Any:
    """``evaluate`` that never raises: a too deep expression is Unknown like any other."""
    try:
        return evaluate(expr, scope)
    except RecursionError:
        return Unknown("the expression is nested too deeply to evaluate")


@dataclass(frozen=True, slots=True)
class Expansion:
    """The instances of a block: ``mode`` is single, count, for_each, or unknown (count or
    for_each could not be evaluated: one instance stands for all, with ``each``/``count``
    Unknown)."""

    mode: str
    items: tuple[tuple[int | str | None, Any], ...]  # (instance key, each.value)
    meta: str = ""  # "count" | "for_each" | ""
    reason: str = ""

    def names(self, key: int | str | None, value: Any) -> dict[str, Any]:
        """The names an instance's expressions see."""
        if self.meta == "count":
            return {"count": {"index": key if self.mode == "count" else Unknown(self.reason)}}
        if self.meta == "for_each":
            if self.mode == "unknown":
                return {"each": {"key": Unknown(self.reason), "value": Unknown(self.reason)}}
            return {"each": {"key": key, "value": value}}
        return {}


SINGLE = Expansion(mode="single", items=((NO_KEY, None),))


def expansion(body: Body, scope: Scope, what: str) -> Expansion:
    """The instances of a resource or module call, from its ``count``/``for_each``."""
    count, for_each = body.attribute("count"), body.attribute("for_each")
    if count is not None:
        number = _count(value_of(count.expr, scope))
        if isinstance(number, str):
            return _unknown("count", f"count of {what} is not known: {number}")
        return Expansion(mode="count", meta="count", items=tuple((i, i) for i in range(number)))
    if for_each is not None:
        value = value_of(for_each.expr, scope)
        items = _for_each_items(value)
        if isinstance(items, Unknown):
            return _unknown("for_each", f"for_each of {what} is not known: {items.reason}")
        return Expansion(mode="for_each", meta="for_each", items=items)
    return SINGLE


def _unknown(meta: str, reason: str) -> Expansion:
    return Expansion(mode="unknown", meta=meta, items=((NO_KEY, None),), reason=reason)


def _count(value: Any) -> int | str:
    """The number of instances, or why there is none."""
    if isinstance(value, Unknown):
        return value.reason
    number = value
    if isinstance(value, str):
        try:
            number = int(value)
        except ValueError:
            pass
    if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0 or number != int(number):
        return f"count = {value!r} is not a whole number"
    if number > MAX_INSTANCES:
        return f"count = {number} is more than the {MAX_INSTANCES} instances expanded"
    return int(number)


def _for_each_items(value: Any) -> tuple[tuple[str, Any], ...] | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        if len(value) > MAX_INSTANCES:
            return Unknown(f"more than {MAX_INSTANCES} instances")
        return tuple((str(k), value[k]) for k in sorted(value, key=str))
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_INSTANCES:
            return Unknown(f"more than {MAX_INSTANCES} instances")
        if any(isinstance(v, Unknown) for v in value):
            return Unknown("an element of the set is not known")
        if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return Unknown("for_each needs a map or a set of strings")
        keys = sorted({str(v) for v in value})
        return tuple((k, k) for k in keys)
    return Unknown(f"for_each = {value!r} is not a map or a set")


def address_key(key: int | str | None) -> str:
    """``[0]``, ``["eu"]``, or nothing: Terraform's instance key syntax."""
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key, ensure_ascii=False)}]"


# ---- bodies ------------------------------------------------------------------------------------


def body_thunks(body: Body, scope: Scope, skip: frozenset[str] = frozenset()) -> dict[str, Callable[[], Any]]:
    """Each top-level name of ``body`` and how to compute it (cells are made of these)."""
    thunks: dict[str, Callable[[], Any]] = {}
    for attribute in body.attributes:
        if attribute.name not in skip and attribute.name not in thunks:
            thunks[attribute.name] = _attribute_thunk(attribute.expr, scope)
    grouped: dict[str, list[Block]] = {}
    for block in body.blocks:
        name = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        if block.type not in skip and name not in thunks:
            grouped.setdefault(name, []).append(block)
    for name, blocks in grouped.items():
        thunks[name] = _blocks_thunk(blocks, scope)
    return thunks


def evaluate_body(body: Body, scope: Scope, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {name: thunk() for name, thunk in body_thunks(body, scope, skip).items()}


def _attribute_thunk(expr: Expr, scope: Scope) -> Callable[[], Any]:
    return lambda: value_of(expr, scope)


def _blocks_thunk(blocks: list[Block], scope: Scope) -> Callable[[], Any]:
    def compute() -> list[Any]:
        out: list[Any] = []
        for block in blocks:
            if block.type == "dynamic":
                out.extend(_dynamic(block, scope))
            else:
                out.append(evaluate_body(block.body, scope))
        return out
    return compute


def _dynamic(block: Block, scope: Scope) -> list[Any]:
    label = block.labels[0] if block.labels else "dynamic"
    for_each = block.body.attribute("for_each")
    contents = block.body.blocks_of("content")
    if for_each is None or not contents:
        return []
    iterator = _iterator_name(block) or label
    collection = value_of(for_each.expr, scope)
    if isinstance(collection, Unknown):
        return [Unknown(f"dynamic \"{label}\" for_each is not known: {collection.reason}")]
    if isinstance(collection, Mapping):
        items = [(k, collection[k]) for k in sorted(collection, key=str)]
    elif isinstance(collection, (list, tuple)):
        items = list(enumerate(collection))
    else:
        return [Unknown(f"dynamic \"{label}\" for_each = {collection!r} is not a collection")]
    if len(items) > MAX_INSTANCES:
        return [Unknown(f"dynamic \"{label}\" has more than {MAX_INSTANCES} elements")]
    return [evaluate_body(contents[0].body, Extended(scope, {iterator: {"key": k, "value": v}}))
            for k, v in items]


def _iterator_name(block: Block) -> str | None:
    attribute = block.body.attribute("iterator")
    if attribute is None:
        return None
    match attribute.expr:
        case Variable(name=name) | Literal(value=str(name)):
            return name
        case _:
            return None
