"""Tags of a Terraform resource along the dotted paths ``knowledge.tag_paths(type)`` gives, each
located at the attribute or block that holds it; their shapes are read by ``linter.classification_tags``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable

from linter.classification_tags import tags_of, values_at
from linter.loaders.ir import Body, Expr, ObjectExpr
from linter.model import Location, Tag
from linter.terraform.language.literals import literal_string


def tags_at(attributes: Mapping[str, Any], paths: Iterable[str], body: Body, file: str,
            default_line: int, source: str | None = None) -> list[Tag]:
    """A resource's (or module call's) tags along ``paths``, each located at its attribute."""
    tags: list[Tag] = []
    for path in paths:
        parts = path.split(".")
        location = Location(file, line_of(body, parts, default_line))
        for value in values_at(attributes, parts):
            tags.extend(tags_of(value, location, source or path))
    return tags


def line_of(body: Body, parts: list[str], default: int) -> int:
    """The line of the attribute or block a dotted path starts at, as deep as the IR tells."""
    line = default
    for index, part in enumerate(parts):
        attribute = body.attribute(part)
        if attribute is not None:
            return _expr_line(attribute.expr, parts[index + 1:], attribute.line)
        blocks = [b for b in body.blocks
                  if b.type == part or (b.type == "dynamic" and b.labels[:1] == (part,))]
        if not blocks:
            return line
        line, body = blocks[0].line, blocks[0].body
    return line


def _expr_line(expr: Expr, rest: list[str], line: int) -> int:
    for part in rest:
        if not isinstance(expr, ObjectExpr):
            return line
        found = next((v for k, v in expr.items if literal_string(k) == part), None)
        if found is None:
            return line
        expr = found
        line = getattr(found, "line", 0) or line
    return line
