"""Terraform native syntax (``.tf``, ``.tfvars``) -> ``ConfigFile`` IR.

A pure function of the text: any text gives a ConfigFile, an unreadable one carries a ParseError
(line + short message) instead of a body, so one bad file never stops a scan.

Two front ends give the same IR: tree-sitter-hcl (``hcl_ts``, fast, tried first) and python-hcl2
(below, the reference: it reads what the fast one declines and reports syntax errors).
``SNCLINT_HCL_PARSER=hcl2`` uses the reference only, to tell a front-end difference from a bug.
"""
from __future__ import annotations

import os

from lark import Tree

from linter import limits
from linter.loaders import size
from linter.loaders.hcl_expr import MAX_DEPTH, Converter, ConvertError, parse_tree
from linter.loaders.hcl_text import comments_above, too_large
from linter.loaders.ir import Attribute, Block, Body, ConfigFile, Literal, ParseError

PARSER_ENV = "SNCLINT_HCL_PARSER"


def load_hcl(path: str, text: str) -> ConfigFile:
    """Parse one HCL file; ``path`` is only the display path kept in the result."""
    if too_large(text):
        return ConfigFile(path, errors=(ParseError(1, "file too large (over 5 MB)"),))
    if len(text) > limits.HCL_NATIVE_BYTES:
        return ConfigFile(path, errors=(ParseError(1, f"HCL file of {len(text)} characters is over the "
                                                      f"{limits.HCL_NATIVE_BYTES}-character limit: not read, "
                                                      "to bound the memory one file may take"),))
    too_many = size.over(text, limits.HCL_ELEMENTS)
    if too_many is not None:
        return ConfigFile(path, errors=(ParseError(1, too_many),))
    if os.environ.get(PARSER_ENV) != "hcl2":
        from linter.loaders.hcl_ts import first_error_line, load_hcl_ts  # on use: tree-sitter costs start-up time

        fast = load_hcl_ts(path, text)
        if fast is not None:
            return fast
        if size.elements(text) > limits.HCL_REFERENCE_ELEMENTS or len(text) > limits.HCL_REFERENCE_BYTES:
            # the reference parser would take tens of seconds: say where tree-sitter stopped
            line = first_error_line(text)
            message = (f"syntax error near line {line}" if line is not None else
                       "not read: the fast parser declined it and it is over the "
                       f"{limits.HCL_REFERENCE_ELEMENTS} elements or {limits.HCL_REFERENCE_BYTES} characters "
                       "the reference parser is given")
            return ConfigFile(path, errors=(ParseError(line or 1, message),))
    return load_hcl2(path, text)


def load_hcl2(path: str, text: str) -> ConfigFile:
    """``load_hcl`` with python-hcl2 only: the reference the fast front end is tested against."""
    if too_large(text):
        return ConfigFile(path, errors=(ParseError(1, "file too large (over 5 MB)"),))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        tree = parse_tree(text, lambda n: min(n, max(last_line, 1)))
        body = _Loader(text).body(tree.children[0], 0)
    except ConvertError as error:
        return ConfigFile(path, errors=(ParseError(error.line, error.message),))
    except RecursionError:
        return ConfigFile(path, errors=(ParseError(1, "nested too deeply"),))
    return ConfigFile(path, body=body)


class _Loader:
    """Bodies, blocks and attributes of one file; expressions go to ``Converter``."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.exprs = Converter(text, lambda n: n)

    def body(self, node: Tree, depth: int) -> Body:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        for item in node.children:
            if not isinstance(item, Tree):
                continue
            if item.data == "attribute":
                attributes.append(self.attribute(item, depth))
            elif item.data == "block":
                blocks.append(self.block(item, depth))
        return Body(tuple(attributes), tuple(blocks))

    def attribute(self, node: Tree, depth: int) -> Attribute:
        name_node, *_, value = [c for c in node.children if isinstance(c, Tree)]
        line = self.exprs.line(node)
        return Attribute(str(name_node.children[0]), self.exprs.expr(value, depth), line)

    def block(self, node: Tree, depth: int) -> Block:
        line = self.exprs.line(node)
        if depth >= MAX_DEPTH:
            raise ConvertError(line, f"blocks nested deeper than {MAX_DEPTH}")
        parts = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        *names, body = parts
        labels = tuple(self.label(n) for n in names[1:])
        return Block(
            type=str(names[0].children[0]), labels=labels, body=self.body(body, depth + 1),
            line=line, end_line=getattr(node.meta, "end_line", line),
            comments=comments_above(self.lines, line),
        )

    def label(self, node: Tree) -> str:
        if node.data != "string":
            return str(node.children[0])  # an unquoted label
        value = self.exprs.expr(node, 0)
        if not isinstance(value, Literal) or not isinstance(value.value, str):
            raise ConvertError(self.exprs.line(node), "a block label must be a literal string")
        return value.value
