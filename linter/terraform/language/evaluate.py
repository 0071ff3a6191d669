"""Evaluates Terraform expressions (the IR of ``linter.loaders.ir``) to values, with Unknown.

A value is ``str``, ``int``, ``float``, ``bool``, ``None``, ``list``, ``dict`` or ``Unknown``
(see ``linter.terraform.language.values``). What cannot be evaluated is ``Unknown`` with a reason, never
empty or false; ``Invalid`` (an ``Unknown``) marks what Terraform itself would reject.
``evaluate`` never raises: scanned files are hostile, so depth, sizes and work are bounded.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Callable, Protocol

from linter.loaders.ir import (
    BinaryOp,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    Splat,
    Template,
    TemplateDirective,
    TupleExpr,
    UnaryOp,
    Variable,
)
from linter.model import Unknown
from linter.terraform.language.functions import FUNCTIONS
from linter.terraform.language.operators import binary, unary
from linter.terraform.language.traversal import attribute, describe, element, read, splat_path
from linter.terraform.language.values import (
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_STRING,
    Budget,
    BudgetExceeded,
    Invalid,
    OpenDict,
    charge,
    charge_text,
    find_plain_unknown,
    find_unknown,
    is_known,
    kind,
    materialize,
    pick_unknown,
    reset_budget,
    to_bool,
    to_string,
    use_budget,
)

__all__ = ["Scope", "DictScope", "evaluate", "is_known", "find_unknown", "Invalid", "OpenDict"]


class Scope(Protocol):
    """Binds root names (``var``, ``local``, ``module``, ``each``, ``count``, ``path``, ``self``,
    resource types, ``data``…) to values.

    A value may be a lazy ``Mapping``: only ``[]``, ``in``, ``get`` and iteration are used on it.
    A missing key of a plain ``dict`` is an error (``Invalid``, so ``try`` moves on); a missing
    key of any other Mapping is ``Unknown`` (use one for objects whose unset attributes may exist,
    such as a resource's computed attributes). ``lookup`` raises ``KeyError`` or returns
    ``Unknown`` for a name it does not know.
    """

    def lookup(self, name: str) -> Any: ...


class DictScope:
    """A scope over a plain mapping of root names."""

    def __init__(self, roots: Mapping[str, Any]) -> None:
        self.roots = roots

    def lookup(self, name: str) -> Any:
        return self.roots[name]


def evaluate(expr: Expr, scope: Scope) -> Any:
    """The value of ``expr`` in ``scope``; Unknown (with a reason) where it cannot be known."""
    if type(expr) is Literal:  # two evaluations in five: no budget, no evaluator needed
        return materialize(expr.value)
    budget = Budget()
    token = use_budget(budget)
    try:
        return _Evaluator(scope, budget).value(expr, 0)
    except BudgetExceeded:
        return Unknown("the expression needs too much work to evaluate")
    except RecursionError:
        return Unknown("the expression is nested too deeply")
    except Exception as exc:  # last resort: one expression must never stop a scan
        return Unknown(f"internal error while evaluating the expression: {type(exc).__name__}")
    finally:
        reset_budget(token)


def _scope_function(scope: Any, name: str) -> Any:
    """A function a scope adds (Terragrunt's ``find_in_parent_folders``…: they depend on the file
    being read), looked up through the scopes a ``for`` or ``each`` wraps around it."""
    while scope is not None:
        functions = getattr(scope, "functions", None)
        if functions is not None:
            return functions.get(name)
        scope = getattr(scope, "parent", None)
    return None


class _Undefined(Unknown):
    """A root name the scope does not know: ``value`` names the whole reference in the reason."""

    __slots__ = ()


class _Bound:
    """The variables of a ``for`` expression over the enclosing scope."""

    __slots__ = ("parent", "names")

    def __init__(self, parent: Scope, names: dict[str, Any]) -> None:
        self.parent, self.names = parent, names

    def lookup(self, name: str) -> Any:
        return self.names[name] if name in self.names else self.parent.lookup(name)


class _Evaluator:
    """Evaluates within one ``Budget``: the one ``charge`` finds in the context (functions
    charge it there), held here too as every node charges it."""

    __slots__ = ("scope", "budget")

    def __init__(self, scope: Scope, budget: Budget) -> None:
        self.scope = scope
        self.budget = budget

    def value(self, expr: Expr, depth: int) -> Any:
        """A fully converted value (lazy Mappings of the scope become dicts)."""
        result = self.raw(expr, depth)
        if not isinstance(expr, (Variable, GetAttr, Index, Splat)):
            return result
        if isinstance(result, _Undefined):
            return Unknown(f"{describe(expr)} is not known")
        return materialize(result)

    def raw(self, expr: Expr, depth: int) -> Any:
        """Like ``value``, but a reference may stay a lazy Mapping: ``a.b.c`` reads only ``c``."""
        if depth > MAX_DEPTH:
            return Unknown(f"expression nested deeper than {MAX_DEPTH} levels")
        self.budget.left -= 1
        if self.budget.left < 0:
            raise BudgetExceeded
        handler = _HANDLERS.get(type(expr))
        if handler is None:
            return Invalid(f"not an expression: {type(expr).__name__}")
        return handler(self, expr, depth + 1)

    # ---- references -------------------------------------------------------------------------

    def _variable(self, expr: Variable, depth: int) -> Any:
        return read(self.scope.lookup, expr.name, None, _Undefined)

    def _getattr(self, expr: GetAttr, depth: int) -> Any:
        obj = self.raw(expr.obj, depth)
        if isinstance(obj, (list, tuple)) and expr.name.isdigit():  # legacy ``list.0``
            return element(obj, int(expr.name), lambda: describe(expr.obj))
        return attribute(obj, expr.name, lambda: describe(expr.obj))

    def _index(self, expr: Index, depth: int) -> Any:
        obj, key = self.raw(expr.obj, depth), self.value(expr.key, depth)
        found = pick_unknown(obj, key)
        if found is not None:
            return found
        if key is None or isinstance(key, (list, dict)):
            return Invalid(f"{describe(expr.obj)} cannot be indexed by a {kind(key)}")
        if isinstance(obj, (list, tuple)):
            return element(obj, key, lambda: describe(expr.obj))
        return attribute(obj, to_string(key), lambda: describe(expr.obj))

    def _splat(self, expr: Splat, depth: int) -> Any:
        """``obj[*].a``: over each element of a list, over ``[obj]`` for any other value, and
        ``[]`` for null. Elements stay lazy until their attributes are read."""
        obj = self.raw(expr.obj, depth)
        if isinstance(obj, (set, frozenset)):
            obj = materialize(obj)
        if isinstance(obj, Unknown) or obj is None:
            return obj if obj is not None else []
        result = []
        for item in obj if isinstance(obj, (list, tuple)) else [obj]:
            for position, name in enumerate(expr.attrs):
                item = attribute(item, name, functools.partial(splat_path, expr, position))
            result.append(materialize(item))
        if len(result) > MAX_ITEMS:
            return Unknown(f"a list of more than {MAX_ITEMS} items is not evaluated")
        return result

    # ---- calls ------------------------------------------------------------------------------

    def _call(self, expr: Call, depth: int) -> Any:
        name = expr.name.removeprefix("core::")
        if name in ("try", "can"):
            return self._try(expr, name, depth)
        function = FUNCTIONS.get(name) or _scope_function(self.scope, name)
        if function is None:
            return Unknown(f"function {name} is not supported")
        args = [self.value(arg, depth) for arg in expr.args]
        if expr.expand_final:
            last = args.pop() if args else Invalid(f"{name}(...) has nothing to expand")
            if isinstance(last, Unknown) or not isinstance(last, list):
                return last if isinstance(last, Unknown) else Invalid(f"{name}(): only a list expands")
            args.extend(last)
        return function(*args)

    def _try(self, expr: Call, name: str, depth: int) -> Any:
        """``try(a, b, …)`` and ``can(a)``, deciding as Terraform does where it can:

        * an argument whose value holds no Unknown succeeds: ``try`` returns it, ``can`` true;
        * one holding an ``Invalid`` (a missing attribute, key or index, a type error: Terraform
          would fail) and no other Unknown fails: ``try`` moves on, ``can`` is false;
        * one holding a plain Unknown (a value that exists but is not known here) cannot be
          decided, so ``can`` is Unknown and ``try`` returns it as it is: Unknown, or a partly
          known object whose known parts stay usable; with an ``Invalid`` as well, Unknown
          (Terraform checks for unknown references before evaluating);
        * when every argument fails, ``try`` is ``Invalid``.
        """
        if expr.expand_final or not expr.args or (name == "can" and len(expr.args) != 1):
            return Invalid(f"wrong arguments to {name}()")
        failure: Unknown | None = None
        for arg in expr.args:
            result = self.value(arg, depth)
            plain, failure = find_plain_unknown(result), find_unknown(result)
            if plain is not None and (name == "can" or isinstance(failure, Invalid)):
                return plain
            if not isinstance(failure, Invalid):
                return True if name == "can" else result
        if name == "can":
            return False
        return Invalid(f"try(): no argument could be evaluated ({failure.reason if failure else ''})")

    # ---- operators and constructors ---------------------------------------------------------

    def _conditional(self, expr: Conditional, depth: int) -> Any:
        """Only the chosen branch is evaluated (Terraform drops the other branch's errors too)."""
        condition = self.value(expr.cond, depth)
        if isinstance(condition, Unknown):
            return condition
        try:
            chosen = expr.then if to_bool(condition) else expr.other
        except ValueError as exc:
            return Invalid(f"the condition is not a bool: {exc}")
        return self.value(chosen, depth)

    def _binary(self, expr: BinaryOp, depth: int) -> Any:
        return binary(expr.op, self.value(expr.left, depth), self.value(expr.right, depth))

    def _unary(self, expr: UnaryOp, depth: int) -> Any:
        return unary(expr.op, self.value(expr.operand, depth))

    def _tuple(self, expr: TupleExpr, depth: int) -> Any:
        if len(expr.items) > MAX_ITEMS:
            return Unknown(f"a list of more than {MAX_ITEMS} items is not evaluated")
        return [self.value(item, depth) for item in expr.items]

    def _object(self, expr: ObjectExpr, depth: int) -> Any:
        """Keys are strings (numbers and bools convert); an Unknown key makes it all Unknown."""
        result: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = _key(self.value(key_expr, depth))
            if isinstance(key, Unknown):
                return key
            result[key] = self.value(value_expr, depth)
        return result

    def _template(self, expr: Template, depth: int) -> Any:
        """``"${x}"`` alone keeps the type of ``x``, as in Terraform; otherwise parts are joined."""
        parts = expr.parts
        if len(parts) == 1 and not isinstance(parts[0], str):
            return self.value(parts[0], depth)
        texts, size, unknown = [], 0, None
        for part in parts:
            value = part if isinstance(part, str) else self.value(part, depth)
            if isinstance(value, Unknown) or value is None or isinstance(value, (list, dict)):
                unknown = pick_unknown(unknown, value if isinstance(value, Unknown) else Invalid(
                    f"a template cannot include a {kind(value)} value"))
                continue
            text = to_string(value)
            size += len(text)
            if size > MAX_STRING:
                return Unknown(f"a string longer than {MAX_STRING} characters is not evaluated")
            texts.append(text)
        if unknown is not None:
            return unknown
        charge_text(size)
        return "".join(texts)

    def _directive(self, expr: TemplateDirective, depth: int) -> Any:
        return Unknown("template directives (%{if}, %{for}) are not evaluated")

    def _literal(self, expr: Literal, depth: int) -> Any:
        return materialize(expr.value)

    def _for(self, expr: ForExpr, depth: int) -> Any:
        """Lists iterate (index, value), maps (key, value) in lexical key order. An Unknown
        collection, filter result or key makes the whole result Unknown."""
        collection = self.value(expr.collection, depth)
        if isinstance(collection, Unknown):
            return collection
        if not isinstance(collection, (list, dict)):
            return Invalid(f"a for expression cannot iterate over a {kind(collection)}")
        pairs = enumerate(collection) if isinstance(collection, list) else (
            (key, collection[key]) for key in sorted(collection))
        items: list[Any] = []
        groups: dict[str, Any] = {}
        for key, item in pairs:
            charge(2)
            names = {expr.value_var: item} if expr.key_var is None else {
                expr.key_var: key, expr.value_var: item}
            inner = _Evaluator(_Bound(self.scope, names), self.budget)
            keep = True if expr.cond is None else _condition(inner.value(expr.cond, depth))
            if keep is not True:
                if keep is False:
                    continue
                return keep
            if expr.key is None:
                items.append(inner.value(expr.value, depth))
                continue
            name = _key(inner.value(expr.key, depth))
            if isinstance(name, Unknown):
                return name
            if name in groups and not expr.grouping:
                return Invalid(f"duplicate key {name!r} in a for expression (add ... to group)")
            value = inner.value(expr.value, depth)
            if expr.grouping:
                groups.setdefault(name, []).append(value)
            else:
                groups[name] = value
            charge(1)
        return items if expr.key is None else groups


_HANDLERS: dict[type, Callable[[_Evaluator, Any, int], Any]] = {
    Literal: _Evaluator._literal,
    Template: _Evaluator._template,
    TemplateDirective: _Evaluator._directive,
    Variable: _Evaluator._variable,
    GetAttr: _Evaluator._getattr,
    Index: _Evaluator._index,
    Splat: _Evaluator._splat,
    Call: _Evaluator._call,
    Conditional: _Evaluator._conditional,
    BinaryOp: _Evaluator._binary,
    UnaryOp: _Evaluator._unary,
    TupleExpr: _Evaluator._tuple,
    ObjectExpr: _Evaluator._object,
    ForExpr: _Evaluator._for,
}


# ---- helpers ------------------------------------------------------------------------------------


def _key(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if value is None or isinstance(value, (list, dict)):
        return Invalid(f"a key must be a string, not a {kind(value)}")
    return to_string(value)


def _condition(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    try:
        return to_bool(value)
    except ValueError as exc:
        return Invalid(f"the for expression filter is not a bool: {exc}")
