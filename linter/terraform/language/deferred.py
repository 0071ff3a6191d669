"""Values computed on first use, so that Terraform's evaluation order never has to be planned.

Variables, locals, module outputs and resource attributes refer to each other in any order and
across modules. Each is a ``Cell`` evaluated when first asked for and remembered; asking for a cell
while it is being computed is a reference cycle, which Terraform rejects: it is ``Unknown``, never
a hang. A ``LazyMap`` hands a scope's names (``var``, ``local``, a resource's attributes) to the
evaluator one key at a time, so an unrelated cycle elsewhere in the same object does not spread.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Iterator

from linter import limits
from linter.model import Unknown

# cells being computed at once: deeper chains are cut before Python's own recursion limit
MAX_CHAIN = limits.LAZY_CHAIN


class _State:
    chain = 0


class Cell:
    """One lazily computed value; ``what`` names it in the reasons of cycles."""

    __slots__ = ("_compute", "_what", "_state", "_value")

    def __init__(self, compute: Callable[[], Any], what: str) -> None:
        self._compute = compute
        self._what = what
        self._state = 0  # 0 new, 1 being computed, 2 done
        self._value: Any = None

    def get(self) -> Any:
        if self._state == 2:
            return self._value
        if self._state == 1:
            return Unknown(f"{self._what} refers to itself (a reference cycle)")
        if _State.chain >= MAX_CHAIN:
            return Unknown(f"{self._what}: references are nested too deeply to follow")
        self._state = 1
        _State.chain += 1
        try:
            value = self._compute()
        except RecursionError:
            value = Unknown(f"{self._what}: references are nested too deeply to follow")
        finally:
            _State.chain -= 1
        self._value = value
        self._state = 2
        return value


class LazyMap(Mapping[str, Any]):
    """A read-only mapping whose values are cells. ``missing`` answers for keys it does not hold
    (a resource's computed attributes); without it they are a ``KeyError``, as for ``dict``."""

    __slots__ = ("_cells", "_missing")

    def __init__(self, cells: Mapping[str, Cell], missing: Callable[[str], Any] | None = None) -> None:
        self._cells = cells
        self._missing = missing

    def __getitem__(self, key: str) -> Any:
        cell = self._cells.get(key) if isinstance(key, str) else None
        if cell is not None:
            return cell.get()
        if self._missing is not None and isinstance(key, str):
            return self._missing(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self._cells

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def materialized(self) -> dict[str, Any]:
        """Every value computed: what a node keeps as its attributes."""
        return {key: cell.get() for key, cell in self._cells.items()}
