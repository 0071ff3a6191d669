"""The Terraform IR: what the HCL and JSON loaders produce and the evaluator reads.

python-hcl2's parse tree (and ``.tf.json`` documents) are converted into these frozen values once;
the evaluator only ever sees this IR, so the parser can be swapped (or the IR cached) without
touching evaluation. Each node keeps its line for evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

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
        return Literal("", line)
    only = merged[0] if len(merged) == 1 else None
    if isinstance(only, str):
        return Literal(only, line)
    if only is not None and not isinstance(only, TemplateDirective):
        return only
    return Template(tuple(merged), line)



def children(expr: Expr) -> Iterator[Expr]:
    """The direct sub-expressions of ``expr``."""
    match expr:
        case Template(parts=parts):
            yield from (p for p in parts if not isinstance(p, str))
        case TemplateDirective(exprs=exprs):
            yield from exprs
        case GetAttr(obj=obj) | Splat(obj=obj):
            yield obj
        case Index(obj=obj, key=key):
            yield obj
            yield key
        case Call(args=args) | TupleExpr(items=args):
            yield from args
        case Conditional(cond=c, then=t, other=o):
            yield from (c, t, o)
        case BinaryOp(left=left, right=right):
            yield from (left, right)
        case UnaryOp(operand=operand):
            yield operand
        case ObjectExpr(items=items):
            for k, v in items:
                yield k
                yield v
        case ForExpr(collection=coll, value=value, key=key, cond=cond):
            yield coll
            yield value
            if key is not None:
                yield key
            if cond is not None:
                yield cond
        case _:
            return


def traversals(expr: Expr) -> Iterator[tuple[str, ...]]:
    """Every static reference in ``expr`` as a path of names: ``aws_s3_bucket.logs.arn`` →
    ``("aws_s3_bucket", "logs", "arn")``. Literal index keys are kept as names (``foo["a"]``)."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if type(node) is Literal:  # most leaves: neither a reference nor holding one
            continue
        path = _traversal_path(node)
        if path is not None:
            yield path
            # index keys inside the traversal may reference too
            stack.extend(_index_keys(node))
            continue
        stack.extend(children(node))


def _traversal_path(node: Expr) -> tuple[str, ...] | None:
    names: list[str] = []
    while True:
        match node:
            case Variable(name=name):
                names.append(name)
                return tuple(reversed(names))
            case GetAttr(obj=obj, name=name):
                names.append(name)
                node = obj
            case Index(obj=obj, key=Literal(value=value)) if isinstance(value, (str, int)):
                names.append(str(value))
                node = obj
            case Index(obj=obj) | Splat(obj=obj):
                names.clear()
                node = obj
            case _:
                return None


def _index_keys(node: Expr) -> Iterator[Expr]:
    while isinstance(node, (GetAttr, Index, Splat)):
        if isinstance(node, Index) and not isinstance(node.key, Literal):
            yield node.key
        node = node.obj
