"""The loopback ports tests pick for their own servers."""

import socket
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread
from urllib.request import urlopen

import pytest

from tests.ports import free_port

PORTS = range(55810, 55811)  # this module's range (see tests/ports.py): one port, so reusing it is the only way


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


def serve_one_request(port: int) -> None:
    """A server that answers one request over HTTP/1.0 and stops: it closes the connection first, so the port is
    left in TIME_WAIT, as after each test of a module that starts a fake provider per test."""
    server = HTTPServer(("127.0.0.1", port), Hello)
    thread = Thread(target=server.handle_request)
    thread.start()
    with urlopen(f"http://127.0.0.1:{port}/") as response:  # noqa: S310 (loopback)
        assert response.read() == b"hello"
    thread.join()
    server.server_close()


def test_a_port_left_in_time_wait_by_the_last_server_is_free_again():
    port = free_port(PORTS)
    for _ in range(3):
        serve_one_request(port)
        assert free_port(PORTS) == port


def test_a_port_something_listens_on_is_not_free():
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", PORTS[0]))
        listener.listen()
        with pytest.raises(RuntimeError, match="no free port"):
            free_port(PORTS)
