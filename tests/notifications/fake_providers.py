"""A fake WeChat and DingTalk API on loopback: the same paths, parameters and replies as the real ones."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.ports import free_port

PORTS = range(55520, 55540)  # this module's range (see tests/ports.py)


class FakeProvider:
    """Hands out tokens for one key and secret, records each message, and can expire the token or refuse."""

    def __init__(self, *, key="app-key", secret="app-secret"):  # noqa: S107  (a fake provider's test credentials)
        self.key, self.secret = key, secret
        self.tokens_issued = 0
        self.token = ""
        self.messages: list[dict] = []
        self.refuse_next: dict | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port(PORTS)), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def expire_token(self):
        self.token = "expired-by-the-provider"

    def _issue(self, key: str, secret: str) -> dict:
        if (key, secret) != (self.key, self.secret):
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.tokens_issued += 1
        self.token = f"TOKEN-{self.tokens_issued}"
        return {"errcode": 0, "errmsg": "ok", "access_token": self.token, "expires_in": 7200}

    def _message(self, token: str, body: dict) -> dict:
        if token != self.token:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if self.refuse_next is not None:
            reply, self.refuse_next = self.refuse_next, None
            return reply
        self.messages.append(body)
        return {"errcode": 0, "errmsg": "ok", "msgid": 200228332 + len(self.messages), "task_id": len(self.messages)}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cgi-bin/token" and query.get("grant_type") == "client_credential":
                    return self._reply(provider._issue(query.get("appid", ""), query.get("secret", "")))
                if url.path == "/gettoken":
                    return self._reply(provider._issue(query.get("appkey", ""), query.get("appsecret", "")))
                self.send_error(404)

            def do_POST(self):
                url = urlsplit(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if url.path in ("/cgi-bin/message/template/send", "/topapi/message/corpconversation/asyncsend_v2"):
                    return self._reply(provider._message(token, {"path": url.path, **body}))
                self.send_error(404)

            def log_message(self, *args):
                pass

        return Handler
