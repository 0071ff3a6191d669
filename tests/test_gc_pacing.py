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


def test_a_block_without_cycles_runs_with_the_collector_off_and_settles_what_it_made() -> None:
    with gc_pacing.fewer_collections():
        assert gc.isenabled()
        with gc_pacing.acyclic():
            assert not gc.isenabled()
            held = _Held()  # a cycle made all the same
            seen = weakref.ref(held)
            del held
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert seen() is not None  # settled with the block: no collection walks it
    gc.collect()
    assert seen() is None  # given back when the scan ends: its cycle is collected
