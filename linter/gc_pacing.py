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
    """Run the block with ``THRESHOLDS``, then put the previous ones back (nested uses are fine),
    and give what ``settled`` took out back to the collector."""
    previous = gc.get_threshold()
    if previous[0]:  # 0: automatic collection is off, and stays so
        gc.set_threshold(*(max(p, t) for p, t in zip(previous, THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def settled() -> None:
    """What the scan holds so far lives to its end (a kept result just read back: the MoJ estate's
    1,471 kept root modules are 280,000 objects, read back after each edit): out of the collector's
    generations (``gc.freeze``), so that no collection walks it again; that was a tenth of a scan
    after an edit. Reference counting still frees each object at its last use, and the end of
    ``fewer_collections`` gives them all back to the collector (a cycle among them is collected then)."""
    gc.freeze()


@contextmanager
def acyclic() -> Iterator[None]:
    """Run a block that makes no reference cycles with the collector off, then ``settled``: what
    it made is freed by reference counting or lives on, so a collection during it or after it
    would walk every object it made and find nothing to free (``tests/test_cyclic_garbage.py``
    holds parsing and evaluating to that). A cycle made there all the same is collected at the
    end of ``fewer_collections``, as everything ``settled`` took out."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        settled()
        if was:
            gc.enable()
