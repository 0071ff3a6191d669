"""Config entries whose ``paths`` and ``roots`` globs are written relative to the config file.

Every reported path is relative to the repository root, so an entry of a config in ``infra/``
that says ``prod/**`` must match ``infra/prod/**``. Systems and declared hosting both need this.
"""
from __future__ import annotations

import posixpath
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Protocol, TypeVar

from linter.discovery import display


class Scoped(Protocol):
    """A config entry that names files and root modules by globs relative to its config's folder."""

    @property
    def folder(self) -> str: ...
    @property
    def paths(self) -> tuple[str, ...]: ...
    @property
    def roots(self) -> tuple[str, ...]: ...


E = TypeVar("E", bound=Scoped)


def anchor_entries(entries: Iterable[E], root: Path) -> tuple[E, ...]:
    """The entries with their ``paths`` and ``roots`` relative to the repository root ``root``.
    An entry whose config lies at the root, or outside it, is kept as written."""
    out = []
    for entry in entries:
        prefix = display(Path(entry.folder), root) if entry.folder else "."
        if prefix == "." or prefix.startswith("../"):
            out.append(entry)
            continue
        out.append(replace(entry, paths=tuple(posixpath.join(prefix, p) for p in entry.paths),  # type: ignore[type-var]
                           roots=tuple(posixpath.join(prefix, p) for p in entry.roots)))
    return tuple(out)
