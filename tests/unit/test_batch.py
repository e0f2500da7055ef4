"""batch_mode: the collector paused for one batch, and left as if the batch's objects were old."""

from __future__ import annotations

import gc
import weakref

from auditor.batch import batch_mode


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_the_collector_is_paused_then_back_with_nothing_young_pending_and_nothing_frozen() -> None:
    assert gc.isenabled()
    with batch_mode():
        assert not gc.isenabled()
        kept = [[i] for i in range(50_000)]  # what an audit builds and keeps
        assert gc.get_count()[0] > 10_000
    assert gc.isenabled()
    # the batch's 50,000 lists are in the oldest generation: the young ones' next pass skips them
    young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
    assert young < 10_000
    assert gc.get_freeze_count() == 0  # nothing left out of later collections
    assert len(kept) == 50_000


def test_garbage_made_in_a_batch_is_still_collected() -> None:
    with batch_mode():
        ref = weakref.ref(_Node())
    assert ref() is not None  # a cycle outlives the batch
    gc.collect()
    assert ref() is None


def test_a_batch_inside_a_paused_collector_leaves_it_paused() -> None:
    gc.disable()
    try:
        with batch_mode():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
