"""A fake SMS provider on loopback for the killed-worker test, and the sender that speaks to it.

The provider takes ``POST /sms/send`` with a JSON body (phone, text, purpose) as an HTTP SMS gateway does, records
every message it received (before it answers), and can hold its answer to the first message until told to go on:
the worker that sent it is then stuck mid-send, where the test kills it. The sender is what a worker process uses
(``ACADEMY_SMS_SENDER`` in tests/postgres/worker_settings.py when ``ACADEMY_TEST_SMS_URL`` is set)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings

from academy.sms import SMSError, SMSMessage, SMSSender
from tests.ports import free_port

PORTS = range(55720, 55730)


class LoopbackSMSSender(SMSSender):
    """Sends each text message to the HTTP gateway at ``settings.ACADEMY_TEST_SMS_URL``."""

    timeout = 120  # longer than the test takes to kill a worker that is waiting for the answer

    def send(self, message: SMSMessage) -> None:
        import requests

        body = {"phone": message.phone, "text": message.text, "purpose": message.purpose}
        try:
            response = requests.post(settings.ACADEMY_TEST_SMS_URL + "/sms/send", json=body, timeout=self.timeout)
        except requests.RequestException as error:
            raise SMSError(str(error)) from error
        if response.status_code != 200:
            raise SMSError(response.text)


class FakeSMSGateway:
    """Records every message received; holds the answer to the first one while ``hold_first`` is set."""

    def __init__(self, *, hold_first: bool):
        self.received: list[dict] = []
        self.first_received = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port(PORTS)), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_POST(self):
                if self.path != "/sms/send":
                    self.send_error(404)
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.received.append(body)
                    first = len(gateway.received) == 1
                if first:
                    gateway.first_received.set()
                    gateway.release.wait(timeout=300)
                data = json.dumps({"code": "OK", "message_id": len(gateway.received)}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the worker that asked was killed meanwhile

        return Handler
