"""One file's memory bound: its elements are counted before it is parsed (``linter.limits``).

Parsers and the IR cost hundreds of bytes per element whatever the element's size, so a 4 MB list
of two million numbers took 1.9 GB. Every list item, attribute, block or document needs a comma,
a newline or an opening bracket to start, so their count bounds the elements from above, and
``str.count`` finds it in C without allocating.
"""
from __future__ import annotations


def elements(text: str | bytes) -> int:
    """An upper bound on the elements ``text`` can hold."""
    if isinstance(text, bytes):
        return text.count(b",") + text.count(b"\n") + text.count(b"{") + text.count(b"[")
    return text.count(",") + text.count("\n") + text.count("{") + text.count("[")


def over(text: str | bytes, limit: int) -> str | None:
    """The message for a file over ``limit`` elements, else None."""
    count = elements(text)
    if count <= limit:
        return None
    return (f"file of more than {limit} elements (counted {count} commas, newlines and opening "
            f"brackets): not read, to bound the memory one file may take")
