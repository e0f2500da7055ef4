from __future__ import annotations

import socket


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
