"""Quoted strings, heredocs and template directives of a tree-sitter-hcl tree, as ``hcl_expr``.

Literal runs are cut from the source between the parts and lexed with python-hcl2's own string
rules (``hcl_ts_lex.literal_text``); a heredoc is matched with python-hcl2's heredoc token, then
its body re-read as a quoted string, exactly as ``hcl_expr.parse_template`` does.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from linter.loaders.hcl_text import heredoc_body, quote, unescape_once
from linter.loaders.hcl_ts_lex import (
    DEPTH_LIMIT,
    HEREDOC_RE,
    HEREDOC_TRIM_RE,
    NONE,
    Unsupported,
    literal_text,
    name,
)
from linter.loaders.ir import Expr, Literal, Template, TemplateDirective, new_literal, template

if TYPE_CHECKING:
    from tree_sitter import Node

    from linter.loaders.hcl_ts_expr import TsExprs


class TsTemplates:
    """The string side of ``TsExprs`` (same text, same lines, same depth bound)."""

    def __init__(self, exprs: TsExprs) -> None:
        self.exprs = exprs

    def template(self, node: Node, depth: int) -> Expr:
        """Literal runs are read from the source between the parts (tree-sitter leaves spaces
        out of its literal nodes); then merged exactly as ``Converter.template``."""
        exprs = self.exprs
        children = node.children
        if len(children) <= 3 and children[1].type in ("template_literal", "quoted_template_end"):
            text = literal_text(exprs.src, children[0].end_byte, children[-1].start_byte)
            return new_literal(text, exprs.line(node))  # a string without interpolation
        out: list[str | Expr] = []
        at = children[0].end_byte
        for part in children[1:-1]:
            if part.type == "template_literal":
                continue
            out.append(literal_text(exprs.src, at, part.start_byte))
            if part.type == "template_interpolation":
                out.append(self.interpolation(part, depth))
            elif part.type == "template_directive":
                out.append(self.directive(part, depth))
            else:
                raise Unsupported
            at = part.end_byte
        out.append(literal_text(exprs.src, at, children[-1].start_byte))
        line = exprs.line(node)
        return template(out, line)

    def interpolation(self, node: Node, depth: int) -> Expr:
        exprs = self.exprs
        parts = exprs.kids(node)
        if len(parts) != 3 or parts[1].type != "expression":
            raise Unsupported  # ``${~ x}`` or ``${}``: not in python-hcl2's grammar
        exprs.gap(parts[0], parts[1], NONE)
        exprs.gap(parts[1], parts[2], NONE)
        return exprs.expr(parts[1], depth)

    def directive(self, node: Node, depth: int) -> TemplateDirective:
        """The whole ``%{if}…%{endif}`` / ``%{for}…%{endfor}`` as its source text, with the
        expressions it and its body name, in source order."""
        exprs = self.exprs
        (inner,) = exprs.kids(node)
        text = exprs.text(inner).decode("utf-8")
        found: list[Expr] = []
        self.directive_exprs(inner, depth, found)
        return TemplateDirective(unescape_once(text) if exprs.unescape_source else text, exprs.line(node),
                                 tuple(found))

    def directive_exprs(self, node: Node, depth: int, found: list[Expr]) -> None:
        exprs = self.exprs
        if depth > DEPTH_LIMIT:
            raise Unsupported
        at = node.children[0].start_byte
        for part in node.children:
            kind = part.type
            if kind == "template_literal":
                continue
            literal_text(exprs.src, at, part.start_byte)  # python-hcl2 lexes the body as a string
            at = part.end_byte
            if kind == "template_interpolation":
                found.append(self.interpolation(part, depth))
            elif kind == "template_directive":
                self.directive_exprs(exprs.kids(part)[0], depth + 1, found)
            elif kind in ("template_if_intro", "template_for_start"):
                found.append(exprs.expr(self.directive_tag(part), depth))
            elif kind in ("template_else_intro", "template_if_end", "template_for_end"):
                self.directive_tag(part)
            else:
                raise Unsupported

    def directive_tag(self, node: Node) -> Node:
        """Check ``%{ ~if cond ~}`` has only spaces between its tokens; its expression, if any."""
        exprs = self.exprs
        parts = exprs.keywords(exprs.kids(node))
        for before, after in zip(parts, parts[1:], strict=False):
            exprs.gap(before, after, NONE)
        expression = [p for p in parts if p.type == "expression"]
        names = [p for p in parts if p.type == "identifier"]
        for ident in names:
            name(exprs.text(ident))
        return expression[-1] if expression else node

    def heredoc(self, node: Node, depth: int) -> Expr:
        """python-hcl2 reads a heredoc as one token (its own regular expression), then re-reads
        the body as a quoted string: both done the same way here."""
        exprs = self.exprs
        parts = node.children
        trim = parts[0].children[0].type == "<<-"
        match = (HEREDOC_TRIM_RE if trim else HEREDOC_RE).match(exprs.src, node.start_byte)
        if match is None or match.end() != node.end_byte + 1 or match.group(1) != exprs.text(parts[1]):
            raise Unsupported
        exprs.heredoc_ends.add(node.end_byte)
        line = exprs.line(node)
        value = self.parse_template(heredoc_body(match.group().decode("utf-8")), line + 1, depth)
        return replace(value, line=line) if isinstance(value, (Literal, Template)) else value

    def parse_template(self, text: str, line: int, depth: int) -> Expr:
        """``hcl_expr.parse_template`` with lines following the text (a heredoc body)."""
        exprs = self.exprs
        if "${" not in text and "%{" not in text:
            return Literal(text, line)
        source = ('x = "' + quote(text) + '"\n').encode("utf-8")
        root, commented = exprs.parse(source)
        if commented:
            raise Unsupported
        (body,) = root.children
        (attribute,) = body.children
        if attribute.type != "attribute":
            raise Unsupported
        value = attribute.children[2]
        return exprs.sub(source, commented, line).expr(value, depth)
