"""Loopback ports for the servers tests start themselves (each test module keeps to its own range)."""

import socket


def free_port(ports: range) -> int:
    """The first port of ``ports`` nothing on 127.0.0.1 listens on."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")
