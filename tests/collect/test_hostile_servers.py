"""A server rovo-audit does not control cannot exhaust its memory or keep it waiting: a huge
body, a gzip bomb, an endless chunked body and a server that drips a byte at a time (body or
headers) each end as a collection error, within the deadline and a bounded peak memory.

The command runs as a real process here (peak memory is a process's), against a raw socket
server on 127.0.0.1 that answers every request with the hostile reply."""

from __future__ import annotations

import contextlib
import functools
import gzip
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import command_env

ORG = "0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11"
LIMIT_MIB = 2


@functools.cache
def _bomb() -> bytes:
    """256 MiB of JSON in about 250 KB of gzip (made once: compressing it takes a while)."""
    return gzip.compress(b'{"data": ["' + b"0" * (256 * 1024 * 1024) + b'"]}', compresslevel=6)


def _reply(mode: str, conn: socket.socket, stop: threading.Event) -> None:
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    if mode == "huge":
        size, chunk = 300 * 1024 * 1024, b"x" * (1 << 20)
        conn.sendall(f"{head}Content-Length: {size}\r\n\r\n".encode() + b'{"data": ["')
        for _ in range(size // len(chunk) - 1):
            if stop.is_set():
                return
            conn.sendall(chunk)
    elif mode == "gzip-bomb":
        body = _bomb()
        conn.sendall(f"{head}Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    elif mode == "endless-chunked":
        conn.sendall(f"{head}Transfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"x" * 65536
        while not stop.is_set():
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    elif mode == "drip-body":
        conn.sendall(f"{head}Content-Length: 1000000\r\n\r\n".encode())
        while not stop.is_set():
            conn.sendall(b" ")
            time.sleep(0.5)
    elif mode == "endless-sse-line":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        first, chunk = b"data: ", b"x" * 65536
        conn.sendall(b"%x\r\n%s\r\n" % (len(first), first))
        while not stop.is_set():
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    elif mode == "drip-headers":
        for ch in (head + "X-Slow: " + "a" * 10000).encode():
            if stop.is_set():
                return
            conn.sendall(bytes([ch]))
            time.sleep(0.5)


@contextlib.contextmanager
def hostile(mode: str) -> Iterator[str]:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.recv(65536)  # the request; whatever it asks, the answer is the same
            _reply(mode, conn, stop)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def measured(args: list[str], env: dict[str, str]) -> tuple[int, str, float, float]:
    """(exit status, stderr, seconds, peak MiB) of `rovo-audit ARGS` in a child of its own:
    RUSAGE_CHILDREN then holds the peak of that command alone."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(p.returncode, time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(p.stderr)\n"
    )
    p = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "auditor", *args],
                       capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    code, seconds, peak_kib = p.stdout.split()
    return int(code), p.stderr, float(seconds), int(peak_kib) / 1024


def collect(url: str, out: Path) -> tuple[int, str, float, float]:
    """(exit status, stderr, seconds, peak MiB of the child) of `rovo-audit collect`."""
    env = command_env(
        {
            "ROVO_AUDIT_ADMIN_API_KEY": "test-admin-key-0000000000",
            "ROVO_AUDIT_API_BASE_URL": url,
            "ROVO_AUDIT_MCP_URL": "http://127.0.0.1:9/v1/mcp",
            "ROVO_AUDIT_ORG_ID": ORG,
            "ROVO_AUDIT_TIMEOUT_SECONDS": "3",
            "ROVO_AUDIT_MAX_RETRIES": "1",
            "ROVO_AUDIT_RETRY_BASE_SECONDS": "0.05",
            "ROVO_AUDIT_EVENTS_DAYS": "0",
            "ROVO_AUDIT_MAX_RESPONSE_MIB": str(LIMIT_MIB),
        }
    )
    return measured(["collect", "--out", str(out), "-q"], env)


@pytest.mark.parametrize("mode", ["huge", "gzip-bomb", "endless-chunked", "drip-body", "drip-headers"])
def test_a_hostile_server_is_a_collection_error_within_bounds(tmp_path: Path, mode: str) -> None:
    assert resource.getrusage(resource.RUSAGE_SELF)  # the platform counts peak memory
    if mode == "gzip-bomb":
        _bomb()  # before the clock starts
    with hostile(mode) as url:
        code, err, seconds, peak = collect(url, tmp_path / "s.yaml")
    assert code == 1, err  # partly collected: the snapshot says what failed
    assert "Traceback" not in err
    assert seconds < 60, f"{mode}: took {seconds:.1f}s"
    assert peak < 400, f"{mode}: peak {peak:.0f} MiB"
    text = (tmp_path / "s.yaml").read_text()
    if mode in ("huge", "gzip-bomb", "endless-chunked"):
        assert f"larger than {LIMIT_MIB} MiB" in text
    else:
        assert "timed out" in text


@pytest.mark.parametrize("mode", ["endless-sse-line", "drip-body", "drip-headers", "huge"])
def test_the_doctor_against_a_hostile_mcp_server_ends_within_bounds(tmp_path: Path, mode: str) -> None:
    with hostile(mode) as url:
        code, err, seconds, peak = measured(
            ["doctor", "--url", f"{url}/v1/mcp", "--email", "a@example.com", "--api-token", "t" * 24,
             "--timeout", "3", "--out", str(tmp_path), "-q"],
            command_env(),
        )  # fmt: skip
    assert code == 1, err  # a cause found: the endpoint does not answer as an MCP server
    assert "Traceback" not in err
    assert seconds < 60, f"{mode}: took {seconds:.1f}s"
    assert peak < 300, f"{mode}: peak {peak:.0f} MiB"
