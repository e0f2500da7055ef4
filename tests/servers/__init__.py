from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn


def bound_socket(host: str) -> socket.socket:
    """A listening socket on a port the kernel chose, for uvicorn's `server.run(sockets=[...])`.

    Choosing a free port and binding it later races with every other process doing the same
    (pytest-xdist's workers): bound here, the port is ours from the start."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(256)
    sock.set_inheritable(True)
    return sock


@contextlib.contextmanager
def serving(server: uvicorn.Server, sock: socket.socket, name: str) -> Iterator[None]:
    """Run a uvicorn server on `sock` in a daemon thread until the block ends: started (or a
    clear error within 10 s), then stopped and the socket closed, whatever the block raised."""
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server {name} did not start")
            time.sleep(0.01)
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
