"""The cycle collector during a scan (``linter.gc_pacing``): kept results read back are taken out of
its generations while the scan runs, and given back when it ends."""
from __future__ import annotations

import gc
import weakref

from linter import gc_pacing


class _Held:
    """An object in a cycle of its own."""

    def __init__(self) -> None:
        self.me = self


def test_what_a_scan_settled_is_given_back_to_the_collector_when_it_ends() -> None:
    with gc_pacing.fewer_collections():
        held = _Held()
        seen = weakref.ref(held)
        gc_pacing.settled()
        assert gc.get_freeze_count() > 0
        del held
        gc.collect()
        assert seen() is not None  # settled: no collection walks it
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert seen() is None  # given back: its cycle is collected


