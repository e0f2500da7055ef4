"""Pausing the cyclic garbage collector while 100,000+ long-lived objects are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def batch_mode() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch of work.

    An audit, a results.json read back or a diff builds 100,000+ small objects on a large
    estate and frees almost nothing until it ends; nothing it builds is cyclic. The
    collector's repeated scans of them cost a third to a half of the run (measured in
    tests/bench/). Reference counting still frees the rest.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
