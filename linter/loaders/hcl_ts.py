"""Terraform native syntax through tree-sitter-hcl: the same ``ConfigFile`` IR as python-hcl2's
path (``hcl.load_hcl2``), five times faster (half of what is left is building the IR in Python).

python-hcl2 stays the reference: ``load_hcl_ts`` returns None for any text it is not sure the
reference reads the same way (a syntax error, a newline or comment where python-hcl2 takes none,
a construct the two grammars group differently…), and the caller then parses with python-hcl2,
which also gives the error message and line. ``tests/loaders/test_hcl_differential.py`` holds
the two to the same IR.
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from linter.loaders.hcl_text import comments_above, too_large
from linter.loaders.hcl_ts_expr import TsExprs
from linter.loaders.hcl_ts_lex import ANY, DEPTH_LIMIT, NONE, Unsupported, name
from linter.loaders.ir import Attribute, Block, Body, ConfigFile, Literal, new_attribute, new_block, new_body

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query

# whitespace tree-sitter skips but python-hcl2 does not (form feed, no-break space…); in ASCII
# text (most files) only these, which ``in`` finds without the regular expression's scan
_ODD_SPACE = re.compile(r"[^\S \t\r\n]")
_ODD_ASCII_SPACES = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_COMMENT_START = re.compile(rb"#|//|/\*")
_MAX_ODD_SPACES = 100
_MAX_LOOK_UPS = 256  # places a comment may start that ``_holders`` looks up, in one file


def load_hcl_ts(path: str, text: str) -> ConfigFile | None:
    """The IR of one HCL file as ``load_hcl`` gives it, or None: use the reference parser."""
    if too_large(text):
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    odd = (any(space in text for space in _ODD_ASCII_SPACES) if text.isascii()
           else _ODD_SPACE.search(text) is not None)
    try:
        src = (text + "\n").encode("utf-8")  # python-hcl2 parses the text with a newline added
        root, commented = _parse(src)
        if odd and not _odd_spaces_in_comments(root, text):
            return None
        return ConfigFile(path, body=_Loader(src, text, commented).file(root))
    except MemoryError:
        raise  # the reference parser would need more still
    except (Unsupported, RecursionError, UnicodeError):
        return None
    except Exception:  # noqa: BLE001 - anything unforeseen in the fast path: the reference decides
        return None


def _odd_spaces_in_comments(root: Node, text: str) -> bool:
    """Whether every odd space of ``text`` lies in a comment, where both parsers take any character
    (between tokens python-hcl2 refuses them and tree-sitter skips them). A no-break space after a
    ``#`` is the one reason real files fell back to the reference parser, which is ten times slower
    and costs a scan its import. Many odd spaces: the reference decides."""
    at = offset = 0  # character and byte offsets of the end of the previous odd space
    for count, match in enumerate(_ODD_SPACE.finditer(text)):
        if count == _MAX_ODD_SPACES:
            return False
        start = offset + len(text[at:match.start()].encode("utf-8"))
        offset, at = start + len(match.group().encode("utf-8")), match.end()
        node = root.descendant_for_byte_range(start, offset)
        if node is None or node.type != "comment":
            return False
    return True


def first_error_line(text: str) -> int | None:
    """The 1-based line of the first syntax error tree-sitter finds, None when it finds none."""
    found = _parser()
    if found is None:
        return None
    node = found[0].parse((text.removeprefix("\ufeff").replace("\r\n", "\n") + "\n").encode("utf-8")).root_node
    if not node.has_error:
        return None
    while not (node.is_error or node.is_missing):  # iterative: the tree may be deep
        child = next((c for c in node.children if c.has_error or c.is_error or c.is_missing), None)
        if child is None:
            break
        node = child
    return int(node.start_point[0]) + 1


@functools.cache
def _parser() -> tuple[Parser, Query] | None:
    """One parser per process; None when tree-sitter is not installed (the reference is used)."""
    try:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser, Query
    except ImportError:
        return None
    language = Language(tree_sitter_hcl.language())
    return Parser(language), Query(language, "(_ (comment)) @holder")


def _parse(src: bytes) -> tuple[Node, set[int]]:
    """The syntax tree, without errors, and the ids of the nodes that hold a comment (``_holders``,
    else one query, so that the conversion only looks for comments where there are some). The
    query runs on error-free trees only: on some broken ones it takes minutes."""
    found = _parser()
    if found is None:
        raise Unsupported
    from tree_sitter import QueryCursor

    parser, query = found
    root = parser.parse(src).root_node
    if root.has_error:
        raise Unsupported
    holders = _holders(root, src)
    if holders is None:
        holders = {node.id for node in QueryCursor(query).captures(root).get("holder", [])}
    return root, holders


def _holders(root: Node, src: bytes) -> set[int] | None:
    """The ids of the nodes holding a comment, from the places a comment may start (``#``, ``//``,
    ``/*``): the token at each one is looked up, and when it is a comment its parent holds one;
    the search goes on after that token (a comment does not start inside another token). A third
    of the time the query takes over the whole tree: a file has a few comments, and two files in
    five none. None, for the query, when there are many places (each look-up walks down from the
    root, past the siblings before it) or a place is not in a token (never seen)."""
    holders: set[int] = set()
    at = 0
    for _ in range(_MAX_LOOK_UPS):
        match = _COMMENT_START.search(src, at)
        if match is None:
            return holders
        start = match.start()
        node = root.descendant_for_byte_range(start, start + 1)
        if node is None or node.child_count:
            return None
        if node.type == "comment":
            parent = node.parent
            if parent is None:
                return None
            holders.add(parent.id)
        at = max(node.end_byte, start + 1)
    return None


class _Loader:
    """Bodies, blocks and attributes; expressions go to ``TsExprs``."""

    def __init__(self, src: bytes, text: str, commented: set[int]) -> None:
        self.text = text
        self.lines: list[str] | None = None
        self.exprs = TsExprs(src, commented, _parse)

    def file(self, root: Node) -> Body:
        found = [c for c in root.children if c.type != "comment"]
        if not found:
            return Body()
        if len(found) != 1 or found[0].type != "body":
            raise Unsupported
        return self.body(found[0], 0)

    def body(self, node: Node, depth: int) -> Body:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        for item in node.children:
            kind = item.type
            if kind == "attribute":
                attributes.append(self.attribute(item, depth))
            elif kind == "block":
                blocks.append(self.block(item, depth))
            elif kind != "comment":
                raise Unsupported
        return new_body(tuple(attributes), tuple(blocks))

    def attribute(self, node: Node, depth: int) -> Attribute:
        plain = self.exprs.plain_attribute(node)
        if plain is not None:
            return plain
        ident, equals, value = self.exprs.kids(node)
        self.exprs.gap(ident, equals, NONE)
        self.exprs.gap(equals, value, NONE)
        line = self.exprs.line(node)
        return new_attribute(name(self.exprs.text(ident)), self.exprs.expr(value, depth), line)

    def block(self, node: Node, depth: int) -> Block:
        if depth >= DEPTH_LIMIT:
            raise Unsupported
        parts = self.exprs.kids(node)
        opening = next(i for i, p in enumerate(parts) if p.type == "block_start")
        for before, after in zip(parts[:opening], parts[1:opening + 1], strict=True):
            self.exprs.gap(before, after, NONE if after.type != "block_start" else ANY)
        inner = parts[opening + 1]
        inner_body = self.body(inner, depth + 1) if inner.type == "body" else Body()
        line = self.exprs.line(node)
        if self.lines is None:
            self.lines = self.text.split("\n")
        labels = tuple([self.label(p) for p in parts[1:opening]])
        return new_block(name(self.exprs.text(parts[0])), labels, inner_body, line, node.end_point[0] + 1,
                         comments_above(self.lines, line))

    def label(self, node: Node) -> str:
        if node.type == "identifier":
            return name(self.exprs.text(node))
        if node.type != "string_lit":
            raise Unsupported
        value = self.exprs.plain(node) or self.exprs.templates.template(node, 0)
        if not isinstance(value, Literal) or not isinstance(value.value, str):
            raise Unsupported
        return value.value
