"""The audit's progress on stderr: one line, rewritten in place, while a long run lasts.

The pipeline reports stages through a plain callback (`auditor.pipeline.OnStage`: a stage
name and its counts); this is the one that draws them. Only on a terminal and not with -q
(the CLI decides), only once the run has lasted `delay` (a demo audit shows nothing), at
most every `interval` (a ticker keeps the elapsed time moving between stages), and cleared
before the summary is printed. The line is ours (stage names and counts), still made safe,
and cut to the terminal's width so that `\\r` always returns to its start.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from .safe import terminal

CLEAR = "\r\x1b[K"  # to the line's start, erase to its end
DONE = "done"  # the stage that ends the line


def _silent(stage: str, counts: Mapping[str, int]) -> None:
    return None


@contextmanager
def progress_on(stream: TextIO, *, enabled: bool) -> Iterator[Callable[[str, Mapping[str, int]], None]]:
    """A stage callback for the pipeline: a progress line on `stream` when `enabled` and
    `stream` is a terminal, else one that does nothing. The line is erased on leaving, whatever
    happened (an input error's message must start on a clean line)."""
    if not (enabled and stream.isatty()):
        yield _silent
        return
    progress = TerminalProgress(stream)
    try:
        yield progress
    finally:
        progress.close()


class TerminalProgress:
    def __init__(
        self,
        stream: TextIO,
        *,
        delay: float = 0.3,
        interval: float = 0.1,  # at most ten redraws a second
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream: TextIO = getattr(stream, "raw", stream)  # below SafeStream: CLEAR is meant
        self.delay, self.interval, self.clock = delay, interval, clock
        self.started = clock()
        self.stage_name = "starting"
        self.counts: dict[str, int] = {}
        self.drawn = 0  # how many times the line was drawn (tests, and whether to clear)
        self._last = float("-inf")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, stage: str, counts: Mapping[str, int]) -> None:
        """A new stage: shown at once unless the line was drawn less than `interval` ago. The
        first starts the clock and the ticker; `done` erases the line for good (the summary
        follows)."""
        if stage == DONE:
            self.close()
            return
        with self._lock:
            if self._ticker is None and not self._stop.is_set():
                self.started = self.clock()
                self._ticker = threading.Thread(target=self._tick, name="rovo-audit-progress", daemon=True)
                self._ticker.start()
            self.stage_name, self.counts = stage, dict(counts)
            self._draw(force=False)

    def line(self) -> str:
        counts = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
        elapsed = self.clock() - self.started
        return f"rovo-audit: {self.stage_name}{f' ({counts})' if counts else ''}  {elapsed:.1f} s"

    def _draw(self, *, force: bool) -> None:
        now = self.clock()
        if self._stop.is_set() or now - self.started < self.delay or (not force and now - self._last < self.interval):
            return
        width = shutil.get_terminal_size((80, 24)).columns - 1
        self.stream.write(CLEAR + terminal(self.line())[: max(width, 20)])
        self.stream.flush()
        self._last = now
        self.drawn += 1

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                if self.clock() - self._last >= self.interval:
                    self._draw(force=True)

    def close(self) -> None:
        """Stop the ticker and erase the line (before anything else is printed); idempotent."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
        with self._lock:
            if self.drawn:
                self.stream.write(CLEAR)
                self.stream.flush()
                self.drawn = 0

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
