"""Channel senders: one interface, one class per channel, chosen by ``settings.NOTIFICATIONS_SENDERS``.

A sender gets an :class:`OutgoingMessage` and returns the provider's reply (kept on the delivery for staff), or
raises :class:`SendError` when the provider refused or could not be reached; the delivery is then retried with
back-off. A sender is never called twice for the same delivery by the academy itself (see ``services``)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from academy.sms import SMSError, sms_send


class SendError(Exception):
    """The provider did not take the message; ``reply`` is what it said (kept on the delivery)."""

    def __init__(self, reply: str):
        super().__init__(reply)
        self.reply = reply


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel sends: the address on that channel, the text, an absolute link and the delivery's key."""

    address: str
    title: str
    body: str
    link: str
    event: str
    idempotency_key: str
    template_id: str = ""


class Sender:
    """Interface for a channel's sender."""

    def is_configured(self) -> bool:
        """Whether this channel can send at all here (credentials present)."""
        return True

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError


class SMSChannelSender(Sender):
    """Text messages through the academy's SMS sender (``academy.sms``, with the signature Chinese rules require)."""

    def send(self, message: OutgoingMessage) -> str:
        try:
            sms_send(phone=message.address, text=message.body, purpose=message.event)
        except SMSError as error:
            raise SendError(str(error)) from error
        return "accepted"


def get_sender(channel: str) -> Sender | None:
    """The configured sender of ``channel``, or None when the channel has none here."""
    path = settings.NOTIFICATIONS_SENDERS.get(channel)
    if not path:
        return None
    sender = import_string(path)()
    return sender if sender.is_configured() else None


class AccessTokenAPISender(Sender):
    """A sender for an API that hands out an access token for an app's key and secret (WeChat, DingTalk): the token
    is fetched once, kept in the cache (shared by every worker) until shortly before it expires, and fetched again
    when the API says it is invalid or expired.

    Subclasses name their settings, the token request and the message request."""

    timeout = 10  # seconds per request: a worker never hangs on a provider
    expired_token_codes: frozenset[int] = frozenset()

    def credentials(self) -> tuple[str, str]:
        raise NotImplementedError

    def base_url(self) -> str:
        raise NotImplementedError

    def token_request(self, key: str, secret: str) -> tuple[str, dict]:
        """(path, query) of the token request."""
        raise NotImplementedError

    def message_request(self, message: OutgoingMessage) -> tuple[str, dict]:
        """(path, JSON body) of the message request."""
        raise NotImplementedError

    def is_configured(self) -> bool:
        return all(self.credentials())

    def _cache_key(self) -> str:
        return f"notifications:token:{type(self).__name__}:{self.credentials()[0]}"

    def _call(self, method: str, path: str, **kwargs) -> dict:
        import requests

        try:
            response = requests.request(method, self.base_url() + path, timeout=self.timeout, **kwargs)
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise SendError(f"{type(error).__name__}: {error}") from error

    def access_token(self, *, refresh: bool = False) -> str:
        """The cached token, or a new one from the API."""
        from django.core.cache import cache

        if not refresh and (token := cache.get(self._cache_key())):
            return token
        key, secret = self.credentials()
        path, query = self.token_request(key, secret)
        reply = self._call("GET", path, params=query)
        token = reply.get("access_token")
        if not token:
            raise SendError(_reply_text(reply))
        lifetime = int(reply.get("expires_in") or 7200)
        cache.set(self._cache_key(), token, max(lifetime - 300, 60))  # renewed five minutes early
        return token

    def send(self, message: OutgoingMessage) -> str:
        path, body = self.message_request(message)
        reply = self._call("POST", path, params={"access_token": self.access_token()}, json=body)
        if reply.get("errcode") in self.expired_token_codes:
            reply = self._call("POST", path, params={"access_token": self.access_token(refresh=True)}, json=body)
        if reply.get("errcode") not in (0, None):
            raise SendError(_reply_text(reply))
        return _reply_text(reply)


def _reply_text(reply: dict) -> str:
    import json

    return json.dumps(reply, ensure_ascii=False, sort_keys=True)[:2000]


class WeChatTemplateSender(AccessTokenAPISender):
    """WeChat official account (公众号) template messages: ``GET /cgi-bin/token`` for the access token, then
    ``POST /cgi-bin/message/template/send`` with the person's OpenID, the template ID of the event's message template,
    the link, and the data. ``client_msg_id`` carries the delivery's idempotency key, so WeChat itself drops a repeat
    of the same message to the same person within its window.

    The data fills the classic layout (``first`` the title, ``keyword1`` the text, ``remark`` empty); an account whose
    templates name other keys (``thing1``, ``time2`` …) subclasses this and overrides ``template_data``."""

    expired_token_codes = frozenset({40001, 40014, 42001})

    def credentials(self) -> tuple[str, str]:
        return settings.WECHAT_MP_APP_ID, settings.WECHAT_MP_APP_SECRET

    def base_url(self) -> str:
        return settings.WECHAT_API_BASE_URL.rstrip("/")

    def token_request(self, key: str, secret: str) -> tuple[str, dict]:
        return "/cgi-bin/token", {"grant_type": "client_credential", "appid": key, "secret": secret}

    def template_data(self, message: OutgoingMessage) -> dict:
        return {
            "first": {"value": message.title},
            "keyword1": {"value": message.body},
            "remark": {"value": ""},
        }

    def message_request(self, message: OutgoingMessage) -> tuple[str, dict]:
        if not message.template_id:
            raise SendError("no WeChat template ID for this event")
        body = {
            "touser": message.address,
            "template_id": message.template_id,
            "client_msg_id": message.idempotency_key,
            "data": self.template_data(message),
        }
        if message.link:
            body["url"] = message.link
        return "/cgi-bin/message/template/send", body


class DingTalkWorkNoticeSender(AccessTokenAPISender):
    """Staff work notices through DingTalk (or 浙政钉, which speaks the same API): ``GET /gettoken`` with the app's key
    and secret, then ``POST /topapi/message/corpconversation/asyncsend_v2`` to the staff member's user ID, as an
    action card with a 查看详情 button when the notice links somewhere, else as text."""

    expired_token_codes = frozenset({40014, 42001, 88})

    def credentials(self) -> tuple[str, str]:
        return settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET

    def is_configured(self) -> bool:
        return super().is_configured() and bool(settings.DINGTALK_AGENT_ID)

    def base_url(self) -> str:
        return settings.DINGTALK_API_BASE_URL.rstrip("/")

    def token_request(self, key: str, secret: str) -> tuple[str, dict]:
        return "/gettoken", {"appkey": key, "appsecret": secret}

    def user_id_by_union_id(self, union_id: str) -> str:
        """The staff member's user ID in the organisation, from the unionId their DingTalk log-in gave
        (``POST /topapi/user/getbyunionid``); raises SendError when DingTalk does not know them."""
        body = {"unionid": union_id}
        path = "/topapi/user/getbyunionid"
        reply = self._call("POST", path, params={"access_token": self.access_token()}, json=body)
        if reply.get("errcode") in self.expired_token_codes:
            reply = self._call("POST", path, params={"access_token": self.access_token(refresh=True)}, json=body)
        user_id = (reply.get("result") or {}).get("userid") if reply.get("errcode") == 0 else None
        if not user_id:
            raise SendError(_reply_text(reply))
        return str(user_id)

    def message_request(self, message: OutgoingMessage) -> tuple[str, dict]:
        from django.utils.translation import gettext

        if message.link:
            msg = {
                "msgtype": "action_card",
                "action_card": {
                    "title": message.title,
                    "markdown": f"### {message.title}\n\n{message.body}",
                    "single_title": gettext("View details"),
                    "single_url": message.link,
                },
            }
        else:
            msg = {"msgtype": "text", "text": {"content": f"{message.title}\n{message.body}"}}
        body = {"agent_id": int(settings.DINGTALK_AGENT_ID), "userid_list": message.address, "msg": msg}
        return "/topapi/message/corpconversation/asyncsend_v2", body
