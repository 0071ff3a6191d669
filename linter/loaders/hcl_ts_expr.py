"""tree-sitter-hcl expression nodes -> the same IR expressions as ``hcl_expr`` builds.

Every choice of ``hcl_expr`` is mirrored (negative literals fold, ``x[*].a[k]`` becomes a for
expression, bare object keys are strings; strings and heredocs are in ``hcl_ts_template``). Where
the two grammars part (tree-sitter nests ``a ? b : c ? d : e`` to the left and takes newlines,
comments, ``!!a`` or unicode names anywhere), the text is either converted to what python-hcl2
reads or refused with ``Unsupported``: the caller then uses the reference parser, so this module
only has to be right on what it accepts.
"""
from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING, Callable

from linter.loaders.hcl_text import SPLAT_ITEM
from linter.loaders.hcl_ts_lex import (
    ANY,
    DEPTH_LIMIT,
    KEYWORDS,
    NONE,
    ONE,
    Unsupported,
    check_gap,
    lexes_number,
    name,
    number,
)
from linter.loaders.hcl_ts_template import TsTemplates
from linter.loaders.ir import (
    Attribute,
    BinaryOp,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    Splat,
    UnaryOp,
    Variable,
    new_attribute,
    new_call,
    new_get_attr,
    new_literal,
    new_object,
    new_tuple,
    new_variable,
)

_BINARY = frozenset({"*", "/", "%", "+", "-", ">", ">=", "<", "<=", "==", "!=", "&&", "||"})
_POSTFIX = frozenset({"get_attr", "index", "splat"})
_KEYWORDS = frozenset({"for", "in", "if", "else", "endif", "endfor"})
_NAME_CHARS = frozenset(bytes([c]) for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# the two shapes most expressions have: a string without escapes nor interpolation, and a
# dotted name (``var.name``, ``module.db.arn``); read from the source without walking their nodes
_PLAIN_VALUE = rb'"([^"\\$%\n]*)"|([a-zA-Z_][a-zA-Z0-9_-]*(?:\.[a-zA-Z_][a-zA-Z0-9_-]*)*)'
_PLAIN = re.compile(_PLAIN_VALUE)
# ``key = value`` (an attribute, an object element; or ``key: value``) on one line, spaces only
_PLAIN_PAIR = re.compile(rb'(?:([a-zA-Z_][a-zA-Z0-9_-]*)|"([^"\\$%\n]*)")[ \t]*[=:][ \t]*(?:' + _PLAIN_VALUE + rb")")
_NOT_NAMES = frozenset(n.encode() for n in KEYWORDS | {"true", "false", "null"})  # literals, or refused

if TYPE_CHECKING:
    from tree_sitter import Node

    Parse = Callable[[bytes], "tuple[Node, set[int]]"]  # root, ids of the nodes holding comments


class TsExprs:
    """Expressions of one parsed text. ``commented`` are the ids of the nodes with a comment among
    their children; ``base`` turns 0-based rows into file lines; ``unescape_source`` marks a
    heredoc body re-read as a quoted string (as ``parse_template``)."""

    def __init__(self, src: bytes, commented: set[int], parse: Parse, base: int = 1,
                 unescape_source: bool = False) -> None:
        self.src = src
        self.commented = commented
        self.parse = parse
        self.base = base
        self.unescape_source = unescape_source
        self.heredoc_ends: set[int] = set()  # a heredoc token ends after the newline that follows
        # a weak reference back: a file's text and loader are then freed by reference counting as
        # soon as it is converted, not left to the cycle collector
        self.templates = TsTemplates(weakref.proxy(self))

    def line(self, node: Node) -> int:
        return node.start_point[0] + self.base

    def kids(self, node: Node) -> list[Node]:
        """The children of a node without comments; a comment at either end would hide from
        the gap checks (they look between siblings), so it is refused."""
        children = node.children
        if node.id not in self.commented:
            return children
        if children[0].type == "comment" or children[-1].type == "comment":
            raise Unsupported
        return [c for c in children if c.type != "comment"]

    def gap(self, left: Node, right: Node, mode: int) -> None:
        if mode == ANY:
            return
        start, end = left.end_byte, right.start_byte
        if end - start > 1 or (end > start and self.src[start] != 32):
            check_gap(self.src, start + 1 if start in self.heredoc_ends else start, end, mode)

    def text(self, node: Node) -> bytes:
        return self.src[node.start_byte:node.end_byte]

    # ---- expressions ---------------------------------------------------------------------------

    def expr(self, node: Node, depth: int) -> Expr:
        """An ``expression`` node (a conditional or a term)."""
        if depth > DEPTH_LIMIT:
            raise Unsupported
        plain = self.plain(node)
        if plain is not None:
            return plain
        parts = self.kids(node)
        if len(parts) == 1 and parts[0].type == "conditional":
            return self.conditional(parts[0], depth + 1)
        return self.term(parts, depth)

    def plain(self, node: Node) -> Expr | None:
        """A plain string or dotted name read from its bytes, as ``term`` would build it (its
        child nodes are most of the conversion's work); None for any other expression."""
        match = _PLAIN.fullmatch(self.src, node.start_byte, node.end_byte)
        return None if match is None else _plain_value(match[1], match[2], self.line(node))

    def plain_pair(self, node: Node) -> tuple[Literal, Expr] | None:
        """An attribute or object element on one line whose value is plain (see ``plain``): its
        key (a bare name or a quoted string) as a string literal, and its value."""
        match = _PLAIN_PAIR.fullmatch(self.src, node.start_byte, node.end_byte)
        if match is None:
            return None
        bare, quoted, text, dotted = match.groups()
        if bare in _NOT_NAMES:
            return None
        line = node.start_point[0] + self.base
        value = _plain_value(text, dotted, line)
        if value is None:
            return None
        return new_literal(name(bare) if bare is not None else quoted.decode("utf-8"), line), value

    def plain_attribute(self, node: Node) -> Attribute | None:
        """``plain_pair`` of an attribute, whose name is bare, as the attribute (the commonest
        node of a file, read here with one match and one line lookup)."""
        match = _PLAIN_PAIR.fullmatch(self.src, node.start_byte, node.end_byte)
        if match is None:
            return None
        bare, _, text, dotted = match.groups()
        if bare is None or bare in _NOT_NAMES:
            return None
        line = node.start_point[0] + self.base
        value = _plain_value(text, dotted, line)
        return None if value is None else new_attribute(name(bare), value, line)

    def term(self, parts: list[Node], depth: int) -> Expr:
        """A base (or ``( expr )``) followed by attribute, index and splat trailers."""
        first = parts[0]
        if first.type == "(":
            if len(parts) < 3 or parts[2].type != ")":
                raise Unsupported
            obj = self.expr(parts[1], depth)
            rest = 3
        else:
            obj = self.primary(first, depth + 1)
            rest = 1
            if len(parts) > 1 and first.type == "operation":
                raise Unsupported  # python-hcl2 has no unparenthesised operation as an object
        if len(parts) > rest:
            obj = self.trailers(obj, parts, rest, self.line(first), depth + 1)
        return obj

    def primary(self, node: Node, depth: int) -> Expr:
        kind = node.type
        if kind == "variable_expr":
            found = name(self.text(node))
            if found in KEYWORDS:
                raise Unsupported  # python-hcl2 lexes a keyword there in some parser states
            return Variable(found, self.line(node))
        if kind in ("literal_value", "template_expr", "collection_value", "for_expr", "operation"):
            (inner,) = self.kids(node)
            handler = getattr(self, "_" + inner.type, None)
            if handler is None:
                raise Unsupported
            return handler(inner, depth)
        if kind == "function_call":
            return self._function_call(node, depth)
        raise Unsupported

    # ---- literals ------------------------------------------------------------------------------

    def _numeric_lit(self, node: Node, depth: int) -> Expr:
        return new_literal(number(self.src, node.start_byte, node.end_byte), self.line(node))

    def _bool_lit(self, node: Node, depth: int) -> Expr:
        return new_literal(self.text(node) == b"true", self.line(node))

    def _null_lit(self, node: Node, depth: int) -> Expr:
        return new_literal(None, self.line(node))

    # ---- operators -----------------------------------------------------------------------------

    def _unary_operation(self, node: Node, depth: int) -> Expr:
        op, *operand = self.kids(node)
        self.gap(op, operand[0], NONE)
        if operand[0].type == "operation":
            raise Unsupported  # ``!!a``: python-hcl2's operand is a term
        if op.type == "-" and op.end_byte == operand[0].start_byte and lexes_number(self.src, op.start_byte):
            # python-hcl2 lexes ``-12`` as one number token: only a lone number reads the same
            if len(operand) != 1 or operand[0].type != "literal_value":
                raise Unsupported
            (lit,) = self.kids(operand[0])
            if lit.type != "numeric_lit":
                raise Unsupported
            return Literal(number(self.src, op.start_byte, lit.end_byte), self.line(node))
        value = self.term(operand, depth)
        if op.type == "-" and isinstance(value, Literal) and type(value.value) in (int, float):
            return Literal(-value.value, self.line(node))  # type: ignore[operator]
        return UnaryOp(op.type, value, self.line(node))

    def _binary_operation(self, node: Node, depth: int) -> Expr:
        parts = self.kids(node)
        at = next((i for i, p in enumerate(parts) if i and not p.is_named and p.type in _BINARY), 0)
        if not at:
            raise Unsupported
        op = parts[at]
        self.gap(parts[at - 1], op, NONE if op.type == "-" else ONE)
        if op.type == "-" and lexes_number(self.src, op.start_byte):
            raise Unsupported  # python-hcl2 lexes ``x -12`` as x then the number -12, an error
        left, right = self.term(parts[:at], depth), self.term(parts[at + 1:], depth)
        return BinaryOp(op.type, left, right, self.line(node))

    def conditional(self, node: Node, depth: int) -> Expr:
        """tree-sitter nests ``c1 ? t1 : e1 ? t2 : e2`` as ``(c1 ? t1 : e1) ? t2 : e2``;
        python-hcl2 (and Terraform) as ``c1 ? t1 : (e1 ? t2 : e2)``: rebuilt the latter way."""
        chain: list[list[Node]] = []
        while True:
            parts = self.kids(node)
            if len(parts) != 5 or parts[1].type != "?" or parts[3].type != ":":
                raise Unsupported
            self.gap(parts[0], parts[1], ONE)
            chain.append(parts)
            inner = self.kids(parts[0])
            if len(inner) != 1 or inner[0].type != "conditional":
                break
            node = inner[0]
        chain.reverse()  # innermost first: c1 ? t1 : e1, then (· ? t2 : e2)…
        conds = [chain[0][0]] + [parts[4] for parts in chain[:-1]]
        if len(chain) > 20 or any(self.kids(c)[0].type == "conditional" for c in conds[1:]):
            raise Unsupported
        result = self.expr(chain[-1][4], depth + len(chain) - 1)
        for i in range(len(chain) - 1, -1, -1):
            at = depth + i - 1
            result = Conditional(self.expr(conds[i], at + 1), self.expr(chain[i][2], at + 1), result,
                                 self.line(conds[i]))
        return result

    # ---- collections ---------------------------------------------------------------------------

    def _tuple(self, node: Node, depth: int) -> Expr:
        items = tuple(self.expr(p, depth) for p in self.kids(node) if p.type == "expression")
        return new_tuple(items, self.line(node))

    def _object(self, node: Node, depth: int) -> Expr:
        items: list[tuple[Expr, Expr]] = []
        for elem in self.kids(node):
            if elem.type != "object_elem":
                continue
            pair = self.plain_pair(elem)
            if pair is not None:
                items.append(pair)
                continue
            key, sep, value = self.kids(elem)
            self.gap(key, sep, NONE)
            self.gap(sep, value, NONE)
            items.append((self.object_key(key, depth), self.expr(value, depth)))
        return new_object(tuple(items), self.line(node))

    def object_key(self, node: Node, depth: int) -> Expr:
        """A bare name (or ``true``/``null``) is a string, as in ``hcl_expr._object_key``."""
        parts = self.kids(node)
        first = parts[0]
        if len(parts) == 1 and first.type == "variable_expr":
            return new_literal(name(self.text(first)), self.line(first))
        if len(parts) == 1 and first.type == "literal_value" and self.kids(first)[0].type in ("bool_lit", "null_lit"):
            return Literal(self.text(first).decode("ascii"), self.line(first))
        if first.type == "variable_expr" and self.text(first).decode("utf-8", "replace") in KEYWORDS:
            raise Unsupported  # python-hcl2 lexes a keyword there
        return self.expr(node, depth)

    def _for_tuple_expr(self, node: Node, depth: int) -> Expr:
        _, intro, value, *rest = self.kids(node)
        cond = rest[0] if rest[0].type == "for_cond" else None
        return self.for_expr(node, intro, None, value, False, cond, depth)

    def _for_object_expr(self, node: Node, depth: int) -> Expr:
        _, intro, key, arrow, value, *rest = self.kids(node)
        self.gap(key, arrow, NONE)
        grouping = rest[0].type == "ellipsis"
        cond = rest[1 if grouping else 0]
        return self.for_expr(node, intro, key, value, grouping, cond if cond.type == "for_cond" else None, depth)

    def for_expr(self, node: Node, intro: Node, key: Node | None, value: Node, grouping: bool,
                 cond: Node | None, depth: int) -> Expr:
        parts = self.kids(intro)
        self.keywords(parts)
        names = [p for p in parts if p.type == "identifier"]
        if len(names) == 2:
            self.gap(names[0], parts[2], NONE)
            self.gap(parts[2], names[1], NONE)
        key_var, value_var = (None, names[0]) if len(names) == 1 else (names[0], names[1])
        return ForExpr(
            key_var=name(self.text(key_var)) if key_var is not None else None,
            value_var=name(self.text(value_var)), collection=self.expr(parts[-2], depth),
            value=self.expr(value, depth), key=self.expr(key, depth) if key is not None else None,
            cond=self.expr(self.keywords(self.kids(cond))[1], depth) if cond is not None else None,
            grouping=grouping, line=self.line(node),
        )

    def keywords(self, parts: list[Node]) -> list[Node]:
        """tree-sitter splits ``in0`` into ``in`` and ``0`` where it expects the keyword;
        python-hcl2 reads one name there."""
        for part in parts:
            after = self.src[part.end_byte:part.end_byte + 1]
            if not part.is_named and part.type in _KEYWORDS and after in _NAME_CHARS:
                raise Unsupported
        return parts

    # ---- calls and traversals ------------------------------------------------------------------

    def _function_call(self, node: Node, depth: int) -> Expr:
        ident, lpar, *rest = self.kids(node)
        self.gap(ident, lpar, NONE)
        args: tuple[Expr, ...] = ()
        expand = False
        if rest[0].type == "function_arguments":
            parts = self.kids(rest[0])
            if parts[-1].type in (",", "ellipsis"):
                self.gap(parts[-2], parts[-1], NONE)
                expand = parts[-1].type == "ellipsis"
            args = tuple(self.expr(p, depth) for p in parts if p.type == "expression")
        return new_call(name(self.text(ident)), args, expand, self.line(node))

    def trailers(self, obj: Expr, parts: list[Node], start: int, line: int, depth: int) -> Expr:
        """``.a``, ``[k]``, ``.0`` and splats after a term; every step gets the term's line."""
        for i in range(start, len(parts)):
            part = parts[i]
            if part.type not in _POSTFIX:
                raise Unsupported
            self.gap(parts[i - 1], part, NONE)
            if part.type == "splat":
                (splat,) = self.kids(part)
                obj = self.splat(obj, splat, line, depth)
            else:
                obj = self.step(obj, part, line, depth)
        return obj

    def step(self, obj: Expr, part: Node, line: int, depth: int) -> Expr:
        if part.type == "get_attr":
            return GetAttr(obj, self.attr_name(part), line)
        return Index(obj, self.index_key(part, depth), line)

    def attr_name(self, get_attr: Node) -> str:
        dot, ident = self.kids(get_attr)
        self.gap(dot, ident, NONE)
        return name(self.text(ident))

    def index_key(self, index: Node, depth: int) -> Expr:
        (inner,) = self.kids(index)
        if inner.type == "legacy_index":  # ``list.0``: the digits are a hidden token
            digits = self.src[inner.start_byte + 1:inner.end_byte].lstrip(b" \t")
            if not digits.isdigit():
                raise Unsupported
            return Literal(int(digits), self.line(inner))
        _, key, _ = self.kids(inner)
        return self.expr(key, depth)

    def splat(self, obj: Expr, node: Node, line: int, depth: int) -> Expr:
        """As ``hcl_expr``: ``x.*.a.0`` keeps names up to a bracket index; ``x[*].a[0]`` keeps
        literal keys as names and becomes a for expression over a computed key."""
        marker, *trailers = self.kids(node)
        for before, after in zip([marker, *trailers], trailers, strict=False):
            self.gap(before, after, NONE)
        if node.type == "attr_splat":
            attrs: list[str] = []
            while trailers and not self._bracket(trailers[0]):
                attrs.append(str(self.splat_name(trailers.pop(0), depth)))
            return self.apply(Splat(obj, tuple(attrs), line), trailers, depth)
        names = [self.splat_name(t, depth) for t in trailers]
        if all(n is not None for n in names):
            return Splat(obj, tuple(str(n) for n in names), line)
        value = self.apply(Variable(SPLAT_ITEM, line), trailers, depth)
        return ForExpr(None, SPLAT_ITEM, obj, value, line=line)

    @staticmethod
    def _bracket(trailer: Node) -> bool:
        return trailer.type == "index" and trailer.children[0].type == "new_index"

    def splat_name(self, trailer: Node, depth: int) -> str | None:
        if trailer.type == "get_attr":
            return self.attr_name(trailer)
        key = self.index_key(trailer, depth)
        if isinstance(key, Literal) and type(key.value) in (str, int):
            return str(key.value)
        return None

    def apply(self, obj: Expr, trailers: list[Node], depth: int) -> Expr:
        for trailer in trailers:
            obj = self.step(obj, trailer, self.line(trailer), depth)
        return obj

    # ---- strings (``hcl_ts_template``) ---------------------------------------------------------

    def _string_lit(self, node: Node, depth: int) -> Expr:
        return self.templates.template(node, depth)

    def _quoted_template(self, node: Node, depth: int) -> Expr:
        return self.templates.template(node, depth)

    def _heredoc_template(self, node: Node, depth: int) -> Expr:
        return self.templates.heredoc(node, depth)

    def sub(self, source: bytes, commented: set[int], base: int) -> TsExprs:
        """Expressions of a heredoc body re-read as a quoted string (see ``parse_template``)."""
        return TsExprs(source, commented, self.parse, base=base, unescape_source=True)


def _plain_value(text: bytes | None, dotted: bytes | None, line: int) -> Expr | None:
    """The IR of a match of ``_PLAIN_VALUE``: a string, or a name and its attributes; None for
    a name that is a literal or a keyword there (``primary`` decides)."""
    if text is not None:
        return new_literal(text.decode("utf-8"), line)
    if dotted is None:
        return None
    first, *attrs = dotted.split(b".")
    if first in _NOT_NAMES:
        return None
    expr: Expr = new_variable(name(first), line)
    for attr in attrs:
        expr = new_get_attr(expr, name(attr), line)
    return expr
