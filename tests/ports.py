"""Loopback ports for the servers tests start themselves (each test module keeps to its own range)."""

import socket


def free_port(ports: range) -> int:
    """The first port of ``ports`` nothing on 127.0.0.1 listens on or holds open.

    The probe binds as the servers tests start do (Python's HTTP servers, gunicorn, nginx, Redis, PostgreSQL all set
    ``SO_REUSEADDR``): a port whose last connection the server closed waits a minute in TIME_WAIT, and a probe without
    the option took it for busy, so a module that started more servers than its range has ports within a minute ran
    out (24 log-in tests on a 20-port range did, on a fast run)."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")
