"""Classification tags read from a value, whatever their shape, for every frontend that has values.

Three shapes exist and are told apart by value, not by provider: a map (``tags = {k = v}``,
``labels``, ``settings.user_labels``), repeated ``{key, value}`` objects (Outscale's
``tags { key = … value = … }`` blocks, AWS Auto Scaling ``tag`` blocks), and ``"key=value"``
strings (Scaleway). A tag map that cannot be evaluated at all is one ``Tag(key="*")`` holding the
Unknown, so that the classifier reports it instead of seeing "no classification". The Terraform
frontend reads them from evaluated attributes, the plan frontend from planned values.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable

from linter import limits
from linter.model import Location, Tag, Unknown

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
