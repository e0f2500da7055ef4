"""One piece of work on the other core while this process goes on.

Two users: the settings file read and parsed while the process imports the pipeline
(load/prefetch.py), and, for an audit with report.html or summary.md, the remediation plan
and those reports made while results.json is written (pipeline.py): on 100 orgs × 300 entries
about 0.8 s and 0.3 s of CPU that need nothing of each other once the findings are judged.
`Later` forks a child for the work and the child hands back its bytes through a pipe; the
user waits for the longer of the two, not their sum.

Only where it is safe and pays: a process started as `rovo-audit` (never another program's
that calls `main()`), a fork without exec (Linux), two or more CPUs this process may run on,
work that pays for the fork (the caller says), and `ROVO_AUDIT_WORKERS` not `1`. Otherwise,
and whenever the child fails in any way (an exception, a signal, a short read), the work is
done here, in this process: the same bytes either way (tests/unit/test_parallel.py), and a
real error is raised where it would have been. The child reads the parent's memory as it
was at the fork and writes nothing but its pipe; it never prints.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable

from . import batch

MIN_FINDINGS = 20_000  # below this the fork (~10 ms on the estate's heap) is not worth it
ENV = "ROVO_AUDIT_WORKERS"  # "1": never fork; "2": fork even where it does not pay (tests); unset: where it pays
_FAILED = 70  # the child's exit status when its work raised

Work = Callable[[], dict[str, bytes]]


def wanted(pays: bool) -> bool:
    """Whether `Later(..., pays=pays)` would fork (else it does the work at once, here)."""
    setting = os.environ.get(ENV, "").strip()
    if setting == "1" or sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    if setting != "2" and not batch.at_entry():
        return False  # `main()` in another program's process (a test's): never fork it
    try:
        cpus = len(os.sched_getaffinity(0))
    except OSError:  # pragma: no cover - no affinity on this kernel
        cpus = os.cpu_count() or 1
    return cpus >= 2 and (setting == "2" or pays)


class Later:
    """Files being made in a child, fetched by `get`; where no child pays, made at once, here
    (so a progress line's stage still says what the process is doing)."""

    def __init__(self, work: Work, *, pays: bool) -> None:
        self._work = work
        self._done: dict[str, bytes] | None = None
        self._pid: int | None = None
        self._fd: int | None = None
        if wanted(pays):
            self._fork()
        else:
            self._done = work()

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def _fork(self) -> None:
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            with contextlib.suppress(Exception):
                stream.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, hand back the bytes, end without cleanup
            status = _FAILED
            try:
                os.close(read)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it at once
                data = pickle.dumps(self._work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)  # no atexit, no flush of the parent's buffers
        os.close(write)
        self._pid, self._fd = pid, read

    def get(self) -> dict[str, bytes]:
        if self._done is None:
            self._done = self._collect() if self._pid is not None else None
            if self._done is None:
                self._done = self._work()  # here: the child could not
        return self._done

    def _collect(self) -> dict[str, bytes] | None:
        assert self._pid is not None and self._fd is not None
        chunks: list[bytes] = []
        with os.fdopen(self._fd, "rb") as pipe:
            self._fd = None
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            data = pickle.loads(b"".join(chunks))
        except Exception:  # a child killed mid-write: do the work here
            return None
        return data if isinstance(data, dict) else None

    def cancel(self) -> None:
        """Stop the child if it still runs (the parent gave up: an error, Ctrl-C)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
