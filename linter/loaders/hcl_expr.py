"""python-hcl2's Lark parse tree -> Terraform IR expressions.

We read the raw Lark tree (``hcl2.parses_to_tree``) rather than python-hcl2's dict or typed tree:
it is faster, keeps every node's line, and has no in-band keys. Heredoc bodies and ``.tf.json``
strings reach us as plain text; they are parsed by the same grammar as the body of a synthetic
quoted string (see ``parse_template``): the only text scan (``hcl_text.quote``) finds where literal
runs end so that their quotes can be escaped; every expression is read by the parser.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, cast

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from linter import limits
from linter.loaders.hcl_text import SPLAT_ITEM, decode_escapes, heredoc_body, quote, unescape_once
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
    template,
)

MAX_DEPTH = limits.EXPRESSION_DEPTH

_OPERATORS = {
    "DOUBLE_EQ": "==", "NEQ": "!=", "LT": "<", "GT": ">", "LEQ": "<=", "GEQ": ">=",
    "PLUS": "+", "MINUS": "-", "ASTERISK": "*", "SLASH": "/", "PERCENT": "%",
    "DOUBLE_AMP": "&&", "DOUBLE_PIPE": "||",
}
_OPENERS = {"template_if_start": "template_endif", "template_for_start": "template_endfor"}


def syntax_message(error: UnexpectedInput) -> str:
    """A short, one-line description of a Lark error (its own text lists every expected token)."""
    token = getattr(error, "token", None)
    if isinstance(token, Token):
        if token.type == "$END":
            return "unexpected end of file"
        shown = str(token).strip().split("\n", 1)[0][:20]
        return f"unexpected {shown!r}" if shown else "unexpected end of line"
    char = getattr(error, "char", None)
    return f"unexpected character {char!r}" if char else "syntax error"


class ConvertError(Exception):
    """A construct the parser accepted but Terraform would not (or that is too deep)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_tree(text: str, line_of: Callable[[int], int]) -> Tree:
    """Parse with python-hcl2's grammar; a syntax error becomes a ConvertError at a real line."""
    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedInput as error:
        raise ConvertError(line_of(max(error.line, 1)), syntax_message(error)) from None
    except LarkError as error:
        raise ConvertError(line_of(1), f"syntax error: {str(error)[:60]}") from None


def _single_attribute(tree: Tree) -> Tree | None:
    items = [c for c in tree.children[0].children if c.data != "new_line_or_comment"]
    if len(items) == 1 and items[0].data == "attribute":
        return items[0].children[-1]
    return None


def parse_template(text: str, line: int, *, fixed: bool, depth: int = 0) -> Expr:
    """A template given as its decoded text (heredoc body, ``.tf.json`` string) -> IR.

    ``line`` is the line of the first character; with ``fixed`` every node gets that line (a
    JSON string sits on one source line whatever newlines it decodes to).
    """
    if "${" not in text and "%{" not in text:
        return Literal(text, line)
    source = 'x = "' + quote(text) + '"'
    line_of = (lambda _: line) if fixed else (lambda n: line + n - 1)
    expr = _single_attribute(parse_tree(source, line_of))
    if expr is None:
        raise ConvertError(line, "not a template")
    return Converter(source, line_of, unescape_source=True).expr(expr, depth)


def parse_expression(text: str, line: int, depth: int = 0) -> Expr:
    """An expression given as text (``.tf.json`` ``type``, ``depends_on``…) -> IR, all at ``line``."""
    source = "x = " + text
    expr = _single_attribute(parse_tree(source, lambda _: line))
    if expr is None:
        raise ConvertError(line, f"not a single expression: {text[:40]!r}")
    return Converter(source, lambda _: line).expr(expr, depth)


def _trees(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _has_token(node: Tree, type_: str) -> bool:
    return any(isinstance(c, Token) and c.type == type_ for c in node.children)


def _name(node: Tree) -> str:
    """The text of an identifier / keyword / literal_value node."""
    return str(node.children[0])


class Converter:
    """Turns expression nodes of one parsed text into IR; ``line_of`` maps parser lines to file lines."""

    def __init__(self, source: str, line_of: Callable[[int], int], unescape_source: bool = False) -> None:
        self.source = source
        self.line_of = line_of
        self.unescape_source = unescape_source

    def line(self, node: Tree | Token) -> int:
        raw = node.line if isinstance(node, Token) else getattr(node.meta, "line", 1)
        return self.line_of(raw or 1)

    def expr(self, node: Tree, depth: int) -> Expr:
        while node.data == "expr_term":
            inner = _trees(node)
            if len(inner) != 1:
                raise ConvertError(self.line(node), "malformed expression")
            node = inner[0]
        if depth > MAX_DEPTH:
            raise ConvertError(self.line(node), f"expression nested deeper than {MAX_DEPTH}")
        handler = getattr(self, "_" + node.data, None)
        if handler is None:
            raise ConvertError(self.line(node), f"unsupported syntax: {node.data}")
        return handler(node, depth + 1)

    # ---- literals ------------------------------------------------------------------------------

    def _int_lit(self, node: Tree, depth: int) -> Expr:
        return Literal(self._int(node), self.line(node))

    def _int(self, node: Tree) -> int:
        try:
            return int(str(node.children[-1]))
        except ValueError:  # more digits than Python converts
            raise ConvertError(self.line(node), "number too long") from None

    def _float_lit(self, node: Tree, depth: int) -> Expr:
        text = str(node.children[0])
        try:
            return Literal(float(text), self.line(node))
        except ValueError:  # python-hcl2 lexes `-1-2.5` as one number
            raise ConvertError(self.line(node), f"cannot read the number {text!r}") from None

    def _literal_value(self, node: Tree, depth: int) -> Expr:
        value = {"true": True, "false": False, "null": None}[_name(node)]
        return Literal(value, self.line(node))

    def _identifier(self, node: Tree, depth: int) -> Expr:
        return Variable(_name(node), self.line(node))

    # ---- strings -------------------------------------------------------------------------------

    def _string(self, node: Tree, depth: int) -> Expr:
        return self.template(_trees(node), self.line(node), depth)

    def template(self, parts: list[Tree], line: int, depth: int) -> Expr:
        """Flat ``string_part`` nodes -> Literal (no interpolation), the lone interpolated
        expression (``"${x}"`` is ``x``, as in Terraform), or a Template."""
        out: list[str | Expr] = []
        i = 0
        while i < len(parts):
            content = parts[i].children[0]
            if isinstance(content, Token):
                out.append(self._literal_text(content))
            elif content.data == "interpolation":
                out.append(self.expr(_trees(content)[0], depth))
            elif content.data in _OPENERS:
                end = self._directive_end(parts, i)
                text = self.source[parts[i].meta.start_pos:parts[end].meta.end_pos]
                if self.unescape_source:
                    text = unescape_once(text)
                exprs = self._directive_exprs(parts[i:end + 1], depth)
                out.append(TemplateDirective(text, self.line(parts[i]), exprs))
                i = end
            else:
                raise ConvertError(self.line(parts[i]), "template directive without its opening")
            i += 1
        return template(out, line)

    def _directive_end(self, parts: list[Tree], start: int) -> int:
        stack: list[str] = []
        for j in range(start, len(parts)):
            content = parts[j].children[0]
            kind = content.data if isinstance(content, Tree) else ""
            if kind in _OPENERS:
                stack.append(_OPENERS[kind])
            elif kind in ("template_endif", "template_endfor"):
                if stack.pop() != kind:
                    raise ConvertError(self.line(parts[j]), f"unexpected {kind[9:]} directive")
                if not stack:
                    return j
        raise ConvertError(self.line(parts[start]), "unterminated template directive")

    def _directive_exprs(self, parts: list[Tree], depth: int) -> tuple[Expr, ...]:
        """The conditions, collections and interpolations of a directive and its body, in
        order (nested directives included): what its references are read from."""
        found: list[Expr] = []
        for part in parts:
            content = part.children[0]
            if isinstance(content, Tree) and content.data in ("interpolation", *_OPENERS):
                found.append(self.expr(_trees(content)[-1], depth))
        return tuple(found)

    @staticmethod
    def _literal_text(token: Token) -> str:
        text = str(token)
        if token.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
            return text[1:3] + decode_escapes(text[3:])  # "$${" -> "${", "%%{" -> "%{"
        return decode_escapes(text)

    def _heredoc_template(self, node: Tree, depth: int) -> Expr:
        line = self.line(node)
        value = parse_template(heredoc_body(str(node.children[0])), line + 1, fixed=False, depth=depth)
        return replace(value, line=line) if isinstance(value, (Literal, Template)) else value

    _heredoc_template_trim = _heredoc_template

    # ---- operators -----------------------------------------------------------------------------

    def _conditional(self, node: Tree, depth: int) -> Expr:
        cond, then, other = (self.expr(t, depth) for t in _trees(node))
        return Conditional(cond, then, other, self.line(node))

    def _binary_op(self, node: Tree, depth: int) -> Expr:
        left, term = _trees(node)[:2]
        operator, right = _trees(term)
        op = _OPERATORS[cast(Token, operator.children[0]).type]
        return BinaryOp(op, self.expr(left, depth), self.expr(right, depth), self.line(node))

    def _unary_op(self, node: Tree, depth: int) -> Expr:
        op = str(node.children[0])
        operand = self.expr(_trees(node)[0], depth)
        if op == "-" and isinstance(operand, Literal) and type(operand.value) in (int, float):
            return Literal(-operand.value, self.line(node))  # type: ignore[operator]
        return UnaryOp(op, operand, self.line(node))

    # ---- collections ---------------------------------------------------------------------------

    def _tuple(self, node: Tree, depth: int) -> Expr:
        return TupleExpr(tuple(self.expr(t, depth) for t in _trees(node)), self.line(node))

    def _object(self, node: Tree, depth: int) -> Expr:
        items = []
        for elem in _trees(node):
            key_node, value_node = _trees(elem)
            items.append((self._object_key(key_node, depth), self.expr(value_node, depth)))
        return ObjectExpr(tuple(items), self.line(node))

    def _object_key(self, node: Tree, depth: int) -> Expr:
        """A bare name is a string (``{a = 1}``); ``(expr)`` and any other expression stay exprs."""
        key = _trees(node)[0]
        if key.data == "keyword":
            return Literal(_name(key), self.line(key))
        inner = _trees(key) if key.data == "expr_term" else []
        if len(inner) == 1 and inner[0].data in ("identifier", "literal_value") \
                and not _has_token(key, "LPAR"):
            return Literal(_name(inner[0]), self.line(key))
        return self.expr(key, depth)

    def _for_tuple_expr(self, node: Tree, depth: int) -> Expr:
        intro, value, *cond = _trees(node)
        return self._for(intro, value, None, cond, False, node, depth)

    def _for_object_expr(self, node: Tree, depth: int) -> Expr:
        intro, key, value, *cond = _trees(node)
        return self._for(intro, value, key, cond, _has_token(node, "ELLIPSIS"), node, depth)

    def _for(self, intro: Tree, value: Tree, key: Tree | None, cond: list[Tree], grouping: bool,
             node: Tree, depth: int) -> Expr:
        parts = _trees(intro)
        names = [_name(p) for p in parts if p.data == "identifier"]
        key_var, value_var = (None, names[0]) if len(names) == 1 else (names[0], names[1])
        return ForExpr(
            key_var=key_var, value_var=value_var, collection=self.expr(parts[-1], depth),
            value=self.expr(value, depth),
            key=self.expr(key, depth) if key is not None else None,
            cond=self.expr(_trees(cond[0])[0], depth) if cond else None,
            grouping=grouping, line=self.line(node),
        )

    # ---- calls and traversals ------------------------------------------------------------------

    def _function_call(self, node: Tree, depth: int) -> Expr:
        parts = _trees(node)
        name = "::".join(_name(p) for p in parts if p.data == "identifier")
        args = [p for p in parts if p.data == "arguments"]
        exprs = tuple(self.expr(a, depth) for a in _trees(args[0])) if args else ()
        expand = bool(args) and _has_token(args[0], "ELLIPSIS")
        return Call(name, exprs, expand, self.line(node))

    def _get_attr_expr_term(self, node: Tree, depth: int) -> Expr:
        obj, attr = _trees(node)
        return GetAttr(self.expr(obj, depth), _name(_trees(attr)[0]), self.line(node))

    def _index_expr_term(self, node: Tree, depth: int) -> Expr:
        obj, index = _trees(node)
        return Index(self.expr(obj, depth), self._index_key(index, depth), self.line(node))

    def _index_key(self, index: Tree, depth: int) -> Expr:
        if index.data == "short_index":  # legacy ``list.0``
            return Literal(self._int(index), self.line(index))
        return self.expr(_trees(index)[0], depth)

    def _attr_splat_expr_term(self, node: Tree, depth: int) -> Expr:
        """``x.*.a.0`` applies ``.a.0`` to each element; a ``[i]`` ends it (HCL's attribute splat)."""
        obj, splat = _trees(node)
        trailers = _trees(splat)
        attrs: list[str] = []
        while trailers and trailers[0].data != "braces_index":
            attrs.append(str(self._splat_name(trailers.pop(0), depth)))
        result: Expr = Splat(self.expr(obj, depth), tuple(attrs), self.line(node))
        return self._apply(result, trailers, depth)

    def _full_splat_expr_term(self, node: Tree, depth: int) -> Expr:
        """``x[*].a[0]`` -> Splat(x, ("a", "0")): literal keys are names, as HCL's legacy ``.0``.
        A computed key (``x[*].a[k]``) has no Splat form: it becomes ``[for splat.item in x : …]``."""
        obj, splat = _trees(node)
        trailers = _trees(splat)
        line = self.line(node)
        names = [self._splat_name(t, depth) for t in trailers]
        if all(name is not None for name in names):
            return Splat(self.expr(obj, depth), tuple(str(n) for n in names), line)
        value = self._apply(Variable(SPLAT_ITEM, line), trailers, depth)
        return ForExpr(None, SPLAT_ITEM, self.expr(obj, depth), value, line=line)

    def _splat_name(self, trailer: Tree, depth: int) -> str | None:
        """A splat trailer as a per-element name: an attribute, or a literal string/number key."""
        if trailer.data == "get_attr":
            return _name(_trees(trailer)[0])
        key = self._index_key(trailer, depth)
        if isinstance(key, Literal) and type(key.value) in (str, int):
            return str(key.value)
        return None

    def _apply(self, obj: Expr, trailers: list[Tree], depth: int) -> Expr:
        for trailer in trailers:
            line = self.line(trailer)
            if trailer.data == "get_attr":
                obj = GetAttr(obj, _name(_trees(trailer)[0]), line)
            else:
                obj = Index(obj, self._index_key(trailer, depth), line)
        return obj
