"""Tags read along the dotted paths ``knowledge.tag_paths(type)`` gives, whatever their shape.

Three shapes exist and are told apart by value, not by provider: a map (``tags = {k = v}``,
``labels``, ``settings.user_labels``), repeated ``{key, value}`` objects (Outscale's
``tags { key = … value = … }`` blocks, AWS Auto Scaling ``tag`` blocks), and ``"key=value"``
strings (Scaleway). A tag map that cannot be evaluated at all is one ``Tag(key="*")`` holding the
Unknown, so that the classifier reports it instead of seeing "no classification".
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable

from linter import limits
from linter.loaders.ir import Body, Expr, ObjectExpr
from linter.model import Location, Tag, Unknown
from linter.terraform.definitions import literal_string

MAX_TAGS = limits.TAGS_PER_RESOURCE


def values_at(value: Any, parts: Iterable[str]) -> list[Any]:
    """Every value at a dotted path; lists (nested blocks) are walked through element by element."""
    current = [value]
    for part in parts:
        found: list[Any] = []
        for item in current:
            found.extend(_step(item, part))
        current = found
    return current


def _step(item: Any, part: str) -> list[Any]:
    if isinstance(item, Unknown):
        return [item]
    if isinstance(item, (list, tuple)):
        return [v for element in item for v in _step(element, part)]
    if isinstance(item, Mapping) and part in item:
        return [item[part]]
    return []


def tags_of(value: Any, location: Location, source: str) -> list[Tag]:
    """The tags one value holds (see the module docstring for the shapes)."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return [Tag(key="*", value=value, location=location, source=source)]
    if isinstance(value, Mapping):
        return [Tag(key=str(k), value=v, location=location, source=source)
                for k, v in list(value.items())[:MAX_TAGS] if v is not None]
    if isinstance(value, (list, tuple)):
        tags: list[Tag] = []
        for element in list(value)[:MAX_TAGS]:
            tags.extend(_element(element, location, source))
        return tags
    return []


def _element(element: Any, location: Location, source: str) -> list[Tag]:
    if isinstance(element, Unknown):
        return [Tag(key="*", value=element, location=location, source=source)]
    if isinstance(element, Mapping):
        fields = {str(k).lower(): k for k in element}
        if "key" in fields and "value" in fields:
            key, value = element[fields["key"]], element[fields["value"]]
            if isinstance(key, Unknown):
                return [Tag(key="*", value=key, location=location, source=source)]
            if key is None or value is None:
                return []
            return [Tag(key=str(key), value=value, location=location, source=source)]
        return []
    if isinstance(element, str) and "=" in element:
        key, _, value = element.partition("=")
        return [Tag(key=key.strip(), value=value.strip(), location=location, source=source)]
    return []


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
