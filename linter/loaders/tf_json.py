"""Terraform JSON syntax (``.tf.json``, ``.tfvars.json``) -> the same ``ConfigFile`` IR as HCL.

Terraform decides whether a JSON property is an attribute or a nested block from the provider
schema, which we do not have. The choice made here, so that the IR matches the HCL one for the
usual cases:

* top-level keys are block types with their usual label counts (``resource``/``data`` two,
  ``module``/``provider``/``variable``/``output`` one, ``locals``/``terraform`` none); at each label
  level an object maps labels to the next level and an array lists several of them;
* inside a block body, a key is a nested block only if it is block-only in Terraform for that block
  (``lifecycle``, ``provisioner``, ``connection``, ``dynamic`` in resources; ``validation`` in
  variables; ``required_providers``/``backend`` in ``terraform``…) or, in resource, data and
  provider bodies, if its value is a non-empty array of objects (repeated blocks); any other object
  value is an attribute (``ObjectExpr``) — e.g. a provider's ``default_tags`` object;
* strings are templates (``"${var.x}"`` is ``var.x``), except in the attributes whose strings
  Terraform reads as expressions (``type``, ``depends_on``, ``providers``, ``ignore_changes``…);
* a ``"//"`` key is a comment: dropped, and in a block body its string becomes ``Block.comments``.

Lines: every block carries the line of its innermost label key (or of its object in an array),
every attribute the line of its key, every expression the line of its value.
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE
from typing import Any, Iterator, Mapping

from linter import limits
from linter.loaders import size
from linter.loaders.hcl_expr import MAX_DEPTH, ConvertError, parse_expression, parse_template
from linter.loaders.hcl_text import too_large
from linter.loaders.ir import (
    Attribute,
    Block,
    Body,
    ConfigFile,
    Expr,
    Literal,
    ObjectExpr,
    ParseError,
    TupleExpr,
    Variable,
)


@dataclass(frozen=True, slots=True)
class _Kind:
    labels: int = 0
    blocks: Mapping[str, str] = field(default_factory=dict)  # block-only key -> its kind
    guess: bool = False  # arrays of objects are repeated nested blocks
    exprs: frozenset[str] = frozenset()  # attributes whose strings are expressions


_RESOURCE = _Kind(2, {"lifecycle": "lifecycle", "provisioner": "provisioner",
                      "connection": "connection", "dynamic": "dynamic"}, True,
                  frozenset({"depends_on", "provider"}))
_KINDS: dict[str, _Kind] = {
    "resource": _RESOURCE, "data": _RESOURCE, "ephemeral": _RESOURCE,
    "module": _Kind(1, exprs=frozenset({"depends_on", "providers"})),
    "provider": _Kind(1, {"dynamic": "dynamic"}, True),
    "variable": _Kind(1, {"validation": "plain"}, exprs=frozenset({"type"})),
    "output": _Kind(1, {"precondition": "plain"}, exprs=frozenset({"depends_on"})),
    "locals": _Kind(),
    "terraform": _Kind(0, {"required_providers": "plain", "backend": "labelled", "cloud": "nested",
                           "provider_meta": "labelled"}, exprs=frozenset({"experiments"})),
    "moved": _Kind(exprs=frozenset({"from", "to"})),
    "removed": _Kind(0, {"lifecycle": "lifecycle", "provisioner": "provisioner",
                         "connection": "connection"}, exprs=frozenset({"from"})),
    "import": _Kind(exprs=frozenset({"to", "provider"})),
    "check": _Kind(1, {"data": "data", "assert": "plain"}),
    # nested blocks
    "nested": _Kind(0, {"dynamic": "dynamic"}, True),
    "dynamic": _Kind(1, {"content": "nested"}, exprs=frozenset({"iterator"})),
    "lifecycle": _Kind(0, {"precondition": "plain", "postcondition": "plain"},
                       exprs=frozenset({"ignore_changes", "replace_triggered_by"})),
    "provisioner": _Kind(1, {"connection": "connection"}, exprs=frozenset({"when", "on_failure"})),
    "connection": _Kind(), "plain": _Kind(), "labelled": _Kind(1),
}
_TOP_LEVEL = frozenset({"resource", "data", "ephemeral", "module", "provider", "variable", "output",
                        "locals", "terraform", "moved", "removed", "import", "check"})


def load_tf_json(path: str, text: str, *, tfvars: bool | None = None) -> ConfigFile:
    """Parse one JSON configuration; ``tfvars`` (default: from the ``.tfvars.json`` suffix) means
    the top-level properties are attributes, not blocks."""
    if too_large(text):
        return _failed(path, 1, "file too large (over 5 MB)")
    text = text.removeprefix("\ufeff")
    too_many = size.over(text, limits.DATA_ELEMENTS)
    if too_many is not None:
        return _failed(path, 1, too_many)
    try:
        json.loads(text, parse_constant=_no_constant)  # C speed validation, exact error lines
    except json.JSONDecodeError as error:
        return _failed(path, error.lineno, error.msg)
    except (ValueError, RecursionError) as error:
        return _failed(path, 1, str(error)[:80] or "invalid JSON")
    if tfvars is None:
        tfvars = path.endswith(".tfvars.json")
    mapper = _Mapper(text)
    try:
        root = _read(text, _skip(text, 0), 0)
        if root.kind != "object":
            raise ConvertError(mapper.line(root.pos), "a Terraform JSON file must hold an object")
        if tfvars:
            return ConfigFile(path, body=mapper.body(root, _KINDS["locals"], 0))
        return ConfigFile(path, body=mapper.top(root))
    except ConvertError as error:
        return _failed(path, error.line, error.message)
    except RecursionError:
        return _failed(path, 1, "nested too deeply")


def _failed(path: str, line: int, message: str) -> ConfigFile:
    return ConfigFile(path, errors=(ParseError(line, message),))


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


# ---- JSON with positions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _J:
    """A JSON value and its offset. Objects hold ``[(key, key offset, value)]`` (duplicates kept)."""

    kind: str  # object | array | string | scalar
    value: Any
    pos: int
    end: int  # offset just past the value


def _skip(text: str, pos: int) -> int:
    """The offset of the first non-whitespace character at or after ``pos``."""
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _read(text: str, pos: int, depth: int) -> _J:
    """Read the (already validated) JSON value at ``pos``; returns it with ``end`` past it."""
    if depth > MAX_DEPTH:
        raise ConvertError(text.count("\n", 0, pos) + 1, f"JSON nested deeper than {MAX_DEPTH}")
    char = text[pos]
    if char in "{[":
        close = "}" if char == "{" else "]"
        items: list[Any] = []
        cursor = _skip(text, pos + 1)
        while text[cursor] != close:
            if char == "{":
                key_pos = cursor
                key, cursor = scanstring(text, cursor + 1)
                cursor = _skip(text, cursor) + 1  # past ":"
            item = _read(text, _skip(text, cursor), depth + 1)
            items.append((key, key_pos, item) if char == "{" else item)
            cursor = _skip(text, item.end)
            if text[cursor] == ",":
                cursor = _skip(text, cursor + 1)
        return _J("object" if char == "{" else "array", items, pos, cursor + 1)
    if char == '"':
        value, end = scanstring(text, pos + 1)
        return _J("string", value, pos, end)
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, pos):
            return _J("scalar", value, pos, pos + len(word))
    match = NUMBER_RE.match(text, pos)
    assert match is not None  # validated by json.loads
    integer, frac, exp = match.groups()
    number = float(integer + (frac or "") + (exp or "")) if frac or exp else int(integer)
    return _J("scalar", number, pos, match.end())


# ---- mapping to the IR ---------------------------------------------------------------------------


class _Mapper:
    def __init__(self, text: str) -> None:
        self.newlines: list[int] = []
        at = text.find("\n")
        while at >= 0:
            self.newlines.append(at)
            at = text.find("\n", at + 1)

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def top(self, root: _J) -> Body:
        blocks: list[Block] = []
        for key, key_pos, value in root.value:
            if key != "//":
                kind = _KINDS[key] if key in _TOP_LEVEL else _KINDS["nested"]
                blocks.extend(self.blocks(key, value, kind, (), self.line(key_pos), 1))
        return Body((), tuple(blocks))

    def blocks(self, type_: str, node: _J, kind: _Kind, labels: tuple[str, ...], line: int,
               depth: int) -> Iterator[Block]:
        if node.kind == "array":
            for item in node.value:
                yield from self.blocks(type_, item, kind, labels, self.line(item.pos), depth + 1)
        elif node.kind != "object":
            raise ConvertError(self.line(node.pos), f"a {type_!r} block must be a JSON object")
        elif len(labels) < kind.labels:
            for key, key_pos, value in node.value:
                if key != "//":
                    yield from self.blocks(type_, value, kind, labels + (key,), self.line(key_pos),
                                           depth + 1)
        else:
            comments = tuple(v.value for k, _, v in node.value if k == "//" and v.kind == "string")
            body = self.body(node, kind, depth + 1)
            yield Block(type_, labels, body, line, self.line(node.end - 1), comments)

    def body(self, node: _J, kind: _Kind, depth: int) -> Body:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        for key, key_pos, value in node.value:
            line = self.line(key_pos)
            if key == "//":
                continue
            if key in kind.blocks:
                blocks.extend(self.blocks(key, value, _KINDS[kind.blocks[key]], (), line, depth))
            elif kind.guess and value.kind == "array" and value.value \
                    and all(item.kind == "object" for item in value.value):
                blocks.extend(self.blocks(key, value, _KINDS["nested"], (), line, depth))
            else:
                attributes.append(Attribute(key, self.expr(value, key in kind.exprs, depth), line))
        return Body(tuple(attributes), tuple(blocks))

    def expr(self, node: _J, as_expr: bool, depth: int) -> Expr:
        line = self.line(node.pos)
        if depth > MAX_DEPTH:
            raise ConvertError(line, f"expression nested deeper than {MAX_DEPTH}")
        if node.kind == "string":
            return self.string(node.value, line, as_expr, depth)
        if node.kind == "array":
            return TupleExpr(tuple(self.expr(i, as_expr, depth + 1) for i in node.value), line)
        if node.kind == "object":
            return ObjectExpr(tuple(
                (self.key(key, self.line(key_pos), as_expr, depth), self.expr(v, as_expr, depth + 1))
                for key, key_pos, v in node.value
            ), line)
        return Literal(node.value, line)

    @staticmethod
    def string(text: str, line: int, as_expr: bool, depth: int) -> Expr:
        if as_expr:
            return parse_expression(text, line, depth)
        return parse_template(text, line, fixed=True, depth=depth)

    def key(self, text: str, line: int, as_expr: bool, depth: int) -> Expr:
        """An object key: a template, or in expression attributes an expression whose bare name
        is a string, as an HCL object key."""
        key = self.string(text, line, as_expr, depth)
        return Literal(key.name, line) if as_expr and isinstance(key, Variable) else key
