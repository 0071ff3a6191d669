"""What every Terraform function shares: registration, argument checks, Unknown handling, limits.

Each function is a small pure Python function over evaluated values. ``define`` wraps it so that a
call never raises: a wrong argument count or a failing function (a Terraform error) gives
``Invalid`` with the reason, and a result over the size limits gives ``Unknown``.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Literal

from linter.model import Unknown
from linter.terraform.language.values import (
    MAX_ITEMS,
    BudgetExceeded,
    Invalid,
    LimitExceeded,
    charge,
    charge_text,
    find_unknown,
    kind,
    pick_unknown,
    to_number,
    to_string,
)

Function = Callable[..., Any]
UnknownPolicy = Literal["deep", "args", "none"]


def define(table: dict[str, Function], name: str, *, unknown: UnknownPolicy = "deep") -> Callable[
    [Function], Function
]:
    """Register ``fn`` as Terraform function ``name`` in ``table``. ``fn`` reports a Terraform
    error by raising ValueError.

    ``unknown`` says when the result is Unknown without calling ``fn``: ``"deep"`` when any argument
    holds an Unknown anywhere (the function reads every element: ``join``, ``contains``);
    ``"args"`` only when an argument itself is Unknown (the function moves elements without reading
    them: ``concat``, ``length``); ``"none"`` when ``fn`` decides (``coalesce``, ``merge``).
    """

    def decorate(fn: Function) -> Function:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            try:
                signature.bind(*args)
            except TypeError:
                return Invalid(f"wrong number of arguments to {name}()")
            found = find_unknown(list(args)) if unknown == "deep" else None
            found = found or (pick_unknown(*args) if unknown == "args" else None)
            if found is not None:
                return found
            try:
                return _bounded(name, fn(*args))
            except BudgetExceeded:
                raise
            except RecursionError:
                return Unknown(f"{name}(): value nested too deeply")
            except LimitExceeded as exc:
                return Unknown(f"{name}(): {exc}")
            except (ValueError, ArithmeticError) as exc:  # what Terraform reports as an error
                return Invalid(f"{name}(): {exc}")
            except Exception as exc:  # a bug here must not stop the scan either
                return Unknown(f"{name}(): internal error ({type(exc).__name__}: {exc})")

        table[name] = call
        return call

    return decorate


def _bounded(name: str, result: Any) -> Any:
    if isinstance(result, str):
        charge_text(len(result))
    elif isinstance(result, (list, dict)):
        if len(result) > MAX_ITEMS:
            raise LimitExceeded(f"a result of more than {MAX_ITEMS} items is not evaluated")
        charge(len(result) + 1)
    return result


# ---- argument checks (each raises ValueError with a message for the Invalid reason) -------------


def as_str(value: Any) -> str:
    if value is None:
        raise ValueError("a null value cannot be used as a string")
    return to_string(value)


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"a list is required, not a {kind(value)}")
    return value


def as_map(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"a map or object is required, not a {kind(value)}")
    return value


def as_int(value: Any) -> int:
    result = to_number(value)
    if not isinstance(result, int):
        raise ValueError(f"a whole number is required, not {result}")
    return result


def check_length(length: int) -> None:
    """Refuse a string before building it, when its length is known in advance."""
    charge_text(length)
