"""The Terraform IR: what the HCL and JSON loaders produce and the evaluator reads.

python-hcl2's parse tree (and ``.tf.json`` documents) are converted into these frozen values once;
the evaluator only ever sees this IR, so the parser can be swapped (or the IR cached) without
touching evaluation. Each node keeps its line for evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Callable, Iterator, Union

# ---- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    """A string, number, bool or null."""

    value: str | int | float | bool | None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Template:
    """A string with interpolations: parts are literal strings or expressions.

    ``%{if}``/``%{for}`` directives are kept as ``TemplateDirective`` parts (evaluated to Unknown).
    """

    parts: tuple[Union[str, "Expr"], ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class TemplateDirective:
    """A ``%{if}``/``%{for}`` directive: evaluated to Unknown, but the expressions it names are
    kept so that its references still become graph edges."""

    text: str
    line: int = 0
    exprs: tuple["Expr", ...] = ()


@dataclass(frozen=True, slots=True)
class Variable:
    """A bare name at the root of a traversal: ``var``, ``local``, ``aws_s3_bucket``, ``each``…"""

    name: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: "Expr"
    name: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Index:
    obj: "Expr"
    key: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Splat:
    """``obj[*].a.b`` (and legacy ``obj.*.a``): ``attrs`` are applied to each element."""

    obj: "Expr"
    attrs: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple["Expr", ...]
    expand_final: bool = False  # f(xs...)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Conditional:
    cond: "Expr"
    then: "Expr"
    other: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class BinaryOp:
    op: str  # + - * / % == != < > <= >= && ||
    left: "Expr"
    right: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class UnaryOp:
    op: str  # ! -
    operand: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple["Expr", ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    """Keys are expressions: a bare identifier key is a ``Literal`` string, ``(expr)`` keys stay exprs."""

    items: tuple[tuple["Expr", "Expr"], ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class ForExpr:
    """``[for k, v in coll : value if cond]`` (``key`` is None) or ``{for … : key => value}``."""

    key_var: str | None
    value_var: str
    collection: "Expr"
    value: "Expr"
    key: "Expr | None" = None
    cond: "Expr | None" = None
    grouping: bool = False  # the ``...`` of ``{for … : k => v...}``
    line: int = 0


Expr = Union[
    Literal, Template, TemplateDirective, Variable, GetAttr, Index, Splat, Call, Conditional,
    BinaryOp, UnaryOp, TupleExpr, ObjectExpr, ForExpr,
]

# ---- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """``type "label" "label" { body }``; ``comments`` are the comment lines right above it."""

    type: str
    labels: tuple[str, ...]
    body: "Body"
    line: int
    end_line: int = 0
    comments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Body:
    attributes: tuple[Attribute, ...] = ()
    blocks: tuple[Block, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        for attr in self.attributes:
            if attr.name == name:
                return attr
        return None

    def blocks_of(self, type_: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.type == type_)


@dataclass(frozen=True, slots=True)
class ParseError:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """One ``.tf`` / ``.tf.json`` / ``.tfvars`` file. ``errors`` non-empty means it could not be read."""

    path: str
    body: Body = field(default_factory=Body)
    errors: tuple[ParseError, ...] = ()


# ---- fast construction -------------------------------------------------------------------------
# A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; the front ends
# build hundreds of thousands of these nodes, so the commonest are made by setting their slots
# directly: the same objects (equal, hashed and pickled alike), made in two thirds of the time.

_new = object.__new__


def _setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of every field of ``cls``, in declaration order (the factories below set
    them all, in that order)."""
    return tuple(vars(cls)[f.name].__set__ for f in fields(cls))


_LITERAL = _setters(Literal)
_TEMPLATE = _setters(Template)
_CALL = _setters(Call)
_TUPLE = _setters(TupleExpr)
_OBJECT = _setters(ObjectExpr)
_VARIABLE = _setters(Variable)
_GETATTR = _setters(GetAttr)
_ATTRIBUTE = _setters(Attribute)
_BODY = _setters(Body)
_BLOCK = _setters(Block)


def new_literal(value: str | int | float | bool | None, line: int) -> Literal:
    """``Literal(value, line)``."""
    made = _new(Literal)
    set_value, set_line = _LITERAL
    set_value(made, value)
    set_line(made, line)
    return made


def new_template(parts: tuple[str | Expr, ...], line: int) -> Template:
    """``Template(parts, line)``."""
    made = _new(Template)
    set_parts, set_line = _TEMPLATE
    set_parts(made, parts)
    set_line(made, line)
    return made


def new_call(name: str, args: tuple[Expr, ...], expand_final: bool, line: int) -> Call:
    """``Call(name, args, expand_final, line)``."""
    made = _new(Call)
    set_name, set_args, set_expand, set_line = _CALL
    set_name(made, name)
    set_args(made, args)
    set_expand(made, expand_final)
    set_line(made, line)
    return made


def new_tuple(items: tuple[Expr, ...], line: int) -> TupleExpr:
    """``TupleExpr(items, line)``."""
    made = _new(TupleExpr)
    set_items, set_line = _TUPLE
    set_items(made, items)
    set_line(made, line)
    return made


def new_object(items: tuple[tuple[Expr, Expr], ...], line: int) -> ObjectExpr:
    """``ObjectExpr(items, line)``."""
    made = _new(ObjectExpr)
    set_items, set_line = _OBJECT
    set_items(made, items)
    set_line(made, line)
    return made


def new_variable(name: str, line: int) -> Variable:
    """``Variable(name, line)``."""
    made = _new(Variable)
    set_name, set_line = _VARIABLE
    set_name(made, name)
    set_line(made, line)
    return made


def new_get_attr(obj: Expr, name: str, line: int) -> GetAttr:
    """``GetAttr(obj, name, line)``."""
    made = _new(GetAttr)
    set_obj, set_name, set_line = _GETATTR
    set_obj(made, obj)
    set_name(made, name)
    set_line(made, line)
    return made


def new_attribute(name: str, expr: Expr, line: int) -> Attribute:
    """``Attribute(name, expr, line)``."""
    made = _new(Attribute)
    set_name, set_expr, set_line = _ATTRIBUTE
    set_name(made, name)
    set_expr(made, expr)
    set_line(made, line)
    return made


def new_body(attributes: tuple[Attribute, ...], blocks: tuple[Block, ...]) -> Body:
    """``Body(attributes, blocks)``."""
    made = _new(Body)
    set_attributes, set_blocks = _BODY
    set_attributes(made, attributes)
    set_blocks(made, blocks)
    return made


def new_block(type_: str, labels: tuple[str, ...], body: Body, line: int, end_line: int,
              comments: tuple[str, ...]) -> Block:
    """``Block(type_, labels, body, line, end_line, comments)``."""
    made = _new(Block)
    set_type, set_labels, set_body, set_line, set_end, set_comments = _BLOCK
    set_type(made, type_)
    set_labels(made, labels)
    set_body(made, body)
    set_line(made, line)
    set_end(made, end_line)
    set_comments(made, comments)
    return made


# ---- helpers -----------------------------------------------------------------------------------


def template(parts: list[str | Expr], line: int) -> Expr:
    """The canonical IR of a string's parts, whichever parser read it: adjacent text merged,
    empty text dropped, plain text as a ``Literal``, a lone interpolation as its expression (as
    Terraform evaluates ``"${x}"``), anything else a ``Template``."""
    merged: list[str | Expr] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif not isinstance(part, str) or part:
            merged.append(part)
    if not merged:
        return new_literal("", line)
    only = merged[0] if len(merged) == 1 else None
    if isinstance(only, str):
        return new_literal(only, line)
    if only is not None and not isinstance(only, TemplateDirective):
        return only
    return new_template(tuple(merged), line)



def children(expr: Expr) -> list[Expr]:
    """The direct sub-expressions of ``expr``, in source order (``isinstance`` tests, not a
    ``match``: it runs for every expression holding a reference)."""
    if isinstance(expr, (GetAttr, Splat)):
        return [expr.obj]
    if isinstance(expr, (Call, TupleExpr)):
        return list(expr.args if isinstance(expr, Call) else expr.items)
    if isinstance(expr, ObjectExpr):
        return [part for pair in expr.items for part in pair]
    if isinstance(expr, Template):
        return [p for p in expr.parts if not isinstance(p, str)]
    if isinstance(expr, Index):
        return [expr.obj, expr.key]
    if isinstance(expr, Conditional):
        return [expr.cond, expr.then, expr.other]
    if isinstance(expr, BinaryOp):
        return [expr.left, expr.right]
    if isinstance(expr, UnaryOp):
        return [expr.operand]
    if isinstance(expr, TemplateDirective):
        return list(expr.exprs)
    if isinstance(expr, ForExpr):
        return [e for e in (expr.collection, expr.value, expr.key, expr.cond) if e is not None]
    return []


def traversals(expr: Expr) -> Iterator[tuple[str, ...]]:
    """Every static reference in ``expr`` as a path of names: ``aws_s3_bucket.logs.arn`` →
    ``("aws_s3_bucket", "logs", "arn")``. Literal index keys are kept as names (``foo["a"]``)."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if type(node) is Literal:  # most leaves: neither a reference nor holding one
            continue
        found = _traversal_path(node)
        if found is None:
            stack.extend(children(node))
            continue
        path, keys = found
        yield path
        if keys:  # index keys inside the traversal may reference too
            stack.extend(keys)


def _traversal_path(node: Expr) -> tuple[tuple[str, ...], list[Expr]] | None:
    """The path of names of a traversal, and the keys of its indexes that are not literals (the
    outermost first); None when ``node`` is no traversal. Runs for every expression of every
    resource: plain ``isinstance`` tests (the IR has no subclasses), not a ``match``."""
    names: list[str] = []
    keys: list[Expr] = []
    while True:
        if isinstance(node, GetAttr):
            names.append(node.name)
        elif isinstance(node, Variable):
            names.append(node.name)
            names.reverse()
            return tuple(names), keys
        elif isinstance(node, Index):
            key = node.key
            if isinstance(key, Literal) and isinstance(key.value, (str, int)):
                names.append(str(key.value))
            else:
                names.clear()
                if not isinstance(key, Literal):
                    keys.append(key)
        elif isinstance(node, Splat):
            names.clear()
        else:
            return None
        node = node.obj
