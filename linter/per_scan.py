"""Answers kept for the length of one scan: the outermost ``scope`` of a context variable holds a
dict that every place asking during the scan shares, and drops it when the scan ends."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, TypeVar

V = TypeVar("V")


@contextmanager
def scope(answers: ContextVar[dict[str, V] | None]) -> Iterator[None]:
    """Within: ``answers`` holds one dict (nested scopes share the outer one's)."""
    if answers.get() is not None:  # already within one: the outer one holds the answers
        yield
        return
    token = answers.set({})
    try:
        yield
    finally:
        answers.reset(token)
