"""The reference HCL front end: python-hcl2's Lark tree -> IR (``hcl.load_hcl2``).

Used when the fast front end declines a file (a syntax error, to report it precisely) and, with
``SNCLINT_HCL_PARSER=hcl2``, for everything; imported only then.
"""
from __future__ import annotations

from lark import Tree

from linter.loaders.hcl_expr import MAX_DEPTH, Converter, ConvertError, parse_tree
from linter.loaders.hcl_text import comments_above, too_large
from linter.loaders.ir import Attribute, Block, Body, ConfigFile, Literal, ParseError


def load_reference(path: str, text: str) -> ConfigFile:
    """One HCL file read by python-hcl2 (``hcl.load_hcl2``)."""
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
