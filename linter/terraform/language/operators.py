"""Terraform's operators on evaluated values.

Arithmetic and ordering convert strings to numbers as Terraform does (``"5" + 1`` is 6); ``==``
compares any two values with their types (``1 == "1"`` is false); ``&&`` and ``||`` take bools
(and the strings "true"/"false"). An Unknown operand gives Unknown, except where the known
operand decides: ``false && x`` is false and ``true || x`` is true. A type error, or a division
by zero, is ``Invalid``: Terraform would reject it (and an error wins over an unknown operand).
"""
from __future__ import annotations

import math
from typing import Any

from linter.model import Unknown
from linter.terraform.language.values import (
    Invalid,
    equal,
    find_unknown,
    kind,
    number,
    pick_unknown,
    to_bool,
    to_number,
)

_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "<", ">", "<=", ">="})


def binary(op: str, left: Any, right: Any) -> Any:
    if op in ("&&", "||"):
        return _logic(op, left, right)
    if op in ("==", "!="):
        found = pick_unknown(find_unknown(left), find_unknown(right))
        if found is not None:
            return found
        try:
            same = equal(left, right)
        except ValueError as exc:
            return Unknown(f"{op}: {exc}")
        return same if op == "==" else not same
    if op not in _ARITHMETIC:
        return Invalid(f"unknown operator {op!r}")
    try:
        operands = [x if isinstance(x, Unknown) else to_number(x) for x in (left, right)]
    except ValueError as exc:
        return Invalid(f"{op}: {exc}")
    found = pick_unknown(*operands)
    if found is not None:
        return found
    first, second = operands
    assert not isinstance(first, Unknown) and not isinstance(second, Unknown)
    try:
        return _compute(op, first, second)
    except (ValueError, ArithmeticError) as exc:
        return Invalid(f"{op}: {exc}")


def unary(op: str, operand: Any) -> Any:
    if isinstance(operand, Unknown):
        return operand
    try:
        if op == "!":
            return not to_bool(operand)
        if op == "-":
            return number(-to_number(operand))
    except (ValueError, ArithmeticError) as exc:
        return Invalid(f"{op}: {exc}")
    return Invalid(f"unknown operator {op!r}")


def _logic(op: str, left: Any, right: Any) -> Any:
    decisive = op == "||"  # the operand value that decides alone
    operands = []
    for operand in (left, right):
        try:
            operands.append(operand if isinstance(operand, Unknown) else to_bool(operand))
        except ValueError:
            return Invalid(f"{op} needs bools, not a {kind(operand)}")
    errors = [x for x in operands if isinstance(x, Invalid)]
    if errors:
        return errors[0]
    if decisive in operands:
        return decisive
    found = pick_unknown(*operands)
    if found is not None:
        return found
    return (operands[0] or operands[1]) if decisive else (operands[0] and operands[1])


def _compute(op: str, a: int | float, b: int | float) -> Any:
    if op in ("<", ">", "<=", ">="):
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    if op in ("/", "%") and b == 0:
        raise ValueError("division by zero")
    if op == "+":
        return number(a + b)
    if op == "-":
        return number(a - b)
    if op == "*":
        return number(a * b)
    if op == "/":
        exact = isinstance(a, int) and isinstance(b, int) and a % b == 0
        return number(a // b if exact else a / b)
    if isinstance(a, int) and isinstance(b, int):  # the sign follows the dividend, as in Go
        return number(abs(a) % abs(b) * (-1 if a < 0 else 1))
    return number(math.fmod(a, b))
