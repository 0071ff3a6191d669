"""The text an expression spells out literally, read without evaluating it.

Some places take only a literal (a module's ``source``, a provider's ``source`` in
``required_providers``, a type constraint's attribute names): a computed value there is not
evaluated, it is *not a literal*.
"""
from __future__ import annotations

from linter.loaders.ir import Expr, Literal, Template


def literal_string(expr: Expr | None) -> str | None:
    """The text of a literal string expression (``"./x"``), None for anything computed."""
    match expr:
        case Literal(value=str(text)):
            return text
        case Template(parts=parts) if all(isinstance(p, str) for p in parts):
            return "".join(p for p in parts if isinstance(p, str))
        case _:
            return None
