"""The values composed YAML documents are made of (``loaders.safe_yaml``), apart from the composer:
documents kept in the cache (``kubernetes.kept``) are built from them without loading PyYAML."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping with the 1-based line where it starts."""

    __slots__ = ("line",)

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line


def line_of(value: Any, default: int = 1) -> int:
    """The line a composed mapping starts on, ``default`` for anything else."""
    return getattr(value, "line", default)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a file: its value and the 1-based line of its root node."""

    value: Any
    line: int
