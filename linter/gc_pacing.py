"""How often Python's cycle collector runs during a scan.

A scan builds hundreds of thousands of small objects that live until its end (the parsed files,
the evaluated values, the graph): with the default thresholds (a collection every 700 new
objects, a full one every 100 of those) the collector walks them again and again, for about a
quarter of a large scan's time (measured in ``benchmarks/README.md``), and frees almost nothing.
Collecting every 50,000 new objects (a full collection then waits for 20 × 10 of those, and for
a quarter of the long-lived objects to be new, as Python always does) takes a fifth of that, and
the peak memory stays within a few per cent: reference counting still frees most objects at once,
and cycles are still collected.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (50_000, 20, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with ``THRESHOLDS``, then put the previous ones back (nested uses are fine)."""
    previous = gc.get_threshold()
    if previous[0]:  # 0: automatic collection is off, and stays so
        gc.set_threshold(*(max(p, t) for p, t in zip(previous, THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*previous)
