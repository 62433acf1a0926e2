"""A fake WeChat and DingTalk on loopback for the log-in tests: their authorize pages (which, instead of showing a QR
code or asking the person, redirect back at once with a code for ``person``), the token and profile calls allauth's
providers make, and the official account's template messages and DingTalk's user lookup the academy makes."""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.ports import free_port

PORTS = range(55700, 55720)  # this module's range (see tests/ports.py)


class FakeOAuth:
    """Knows some apps (AppID → secret) and one person at a time (``person``: who scans the QR code next).

    An OpenID is per app, as in WeChat: the person's OpenID is ``<person>-<appid>``; their unionId is one."""

    def __init__(self, apps: dict[str, str]):
        self.apps = dict(apps)
        self.person = "zhangsan"
        self.nickname = "张三"
        self.codes: dict[str, tuple[str, str, str]] = {}  # code → (appid, person, scope)
        self.tokens: dict[str, tuple[str, str]] = {}  # user access token → (appid, person)
        self.app_token = ""
        self.requests: list[str] = []
        self.messages: list[dict] = []
        self.dingtalk_user_ids: dict[str, str] = {}  # unionId → userid in the organisation
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port(PORTS)), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def openid(self, appid: str, person: str | None = None) -> str:
        return f"{person or self.person}-{appid}"

    def union_id(self, person: str | None = None) -> str:
        return f"union-{person or self.person}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what each endpoint answers -------------------------------------------------------------------------

    def _authorize(self, query: dict, *, appid_key: str, code_key: str) -> tuple[int, dict]:
        appid = query.get(appid_key, "")
        if appid not in self.apps or query.get("response_type") != "code":
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}
        code = secrets.token_hex(8)
        self.codes[code] = (appid, self.person, query.get("scope", ""))
        target = query["redirect_uri"]
        separator = "&" if "?" in target else "?"
        return 302, {"Location": f"{target}{separator}{urlencode({code_key: code, 'state': query.get('state', '')})}"}

    def _exchange(self, appid: str, secret: str, code: str) -> tuple[str, str, str] | None:
        if self.apps.get(appid) != secret or code not in self.codes or self.codes[code][0] != appid:
            return None
        appid, person, scope = self.codes.pop(code)  # a code is good once
        token = secrets.token_hex(8)
        self.tokens[token] = (appid, person)
        return token, person, scope

    def wechat_access_token(self, query: dict) -> dict:
        if query.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        exchanged = self._exchange(query.get("appid", ""), query.get("secret", ""), query.get("code", ""))
        if exchanged is None:
            return {"errcode": 40029, "errmsg": "invalid code"}
        token, person, scope = exchanged
        appid = query["appid"]
        return {
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": "refresh-" + token,
            "openid": self.openid(appid, person),
            "scope": scope,
            "unionid": self.union_id(person),
        }

    def wechat_userinfo(self, query: dict) -> dict:
        appid, person = self.tokens.get(query.get("access_token", ""), ("", ""))
        if not person or query.get("openid") != self.openid(appid, person):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        return {
            "openid": self.openid(appid, person),
            "nickname": self.nickname,
            "sex": 0,
            "province": "浙江",
            "city": "杭州",
            "country": "中国",
            "headimgurl": "",
            "privilege": [],
            "unionid": self.union_id(person),
        }

    def dingtalk_user_token(self, body: dict) -> tuple[int, dict]:
        if body.get("grantType") != "authorization_code":
            return 400, {"code": "invalidParameter", "message": "grantType"}
        exchanged = self._exchange(body.get("clientId", ""), body.get("clientSecret", ""), body.get("code", ""))
        if exchanged is None:
            return 400, {"code": "invalidParameter.authCode", "message": "authCode is invalid"}
        token, _person, _scope = exchanged
        return 200, {"accessToken": token, "refreshToken": "refresh-" + token, "expireIn": 7200, "corpId": "ding1"}

    def dingtalk_me(self, token: str) -> tuple[int, dict]:
        _appid, person = self.tokens.get(token, ("", ""))
        if not person:
            return 401, {"code": "InvalidAuthentication", "message": "token is invalid"}
        return 200, {
            "nick": self.nickname,
            "avatarUrl": "",
            "mobile": "13900000001",
            "openId": f"ding-open-{person}",
            "unionId": self.union_id(person),
            "stateCode": "86",
        }

    def app_access_token(self, key: str, secret: str) -> dict:
        if self.apps.get(key) != secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.app_token = "APP-" + secrets.token_hex(4)
        return {"errcode": 0, "errmsg": "ok", "access_token": self.app_token, "expires_in": 7200}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, payload: dict, status: int = 200):
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", payload["Location"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                # Like WeChat: UTF-8 bytes, and no charset said
                self.send_header("Content-Type", "text/plain" if "/sns/" in self.path else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                fake.requests.append(f"GET {url.path}")
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path in ("/connect/qrconnect", "/connect/oauth2/authorize"):
                    status, payload = fake._authorize(query, appid_key="appid", code_key="code")
                    return self._reply(payload, status)
                if url.path == "/oauth2/auth":
                    status, payload = fake._authorize(query, appid_key="client_id", code_key="authCode")
                    return self._reply(payload, status)
                if url.path == "/sns/oauth2/access_token":
                    return self._reply(fake.wechat_access_token(query))
                if url.path == "/sns/userinfo":
                    return self._reply(fake.wechat_userinfo(query))
                if url.path == "/v1.0/contact/users/me":
                    status, payload = fake.dingtalk_me(self.headers.get("x-acs-dingtalk-access-token", ""))
                    return self._reply(payload, status)
                if url.path == "/cgi-bin/token" and query.get("grant_type") == "client_credential":
                    return self._reply(fake.app_access_token(query.get("appid", ""), query.get("secret", "")))
                if url.path == "/gettoken":
                    return self._reply(fake.app_access_token(query.get("appkey", ""), query.get("appsecret", "")))
                self.send_error(404)

            def do_POST(self):
                url = urlsplit(self.path)
                fake.requests.append(f"POST {url.path}")
                token = parse_qs(url.query).get("access_token", [""])[0]
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if url.path == "/v1.0/oauth2/userAccessToken":
                    status, payload = fake.dingtalk_user_token(body)
                    return self._reply(payload, status)
                if token != fake.app_token or not token:
                    return self._reply({"errcode": 40001, "errmsg": "invalid credential"})
                if url.path in ("/cgi-bin/message/template/send", "/topapi/message/corpconversation/asyncsend_v2"):
                    fake.messages.append(body)
                    return self._reply({"errcode": 0, "errmsg": "ok", "msgid": len(fake.messages), "task_id": 1})
                if url.path == "/topapi/user/getbyunionid":
                    user_id = fake.dingtalk_user_ids.get(body.get("unionid", ""))
                    if user_id is None:
                        return self._reply({"errcode": 60121, "errmsg": "找不到该用户"})
                    return self._reply({"errcode": 0, "errmsg": "ok", "result": {"contact_type": 0, "userid": user_id}})
                self.send_error(404)

            def log_message(self, *args):
                pass

        return Handler
