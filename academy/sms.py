"""Sending text messages through a pluggable sender.

The sender is chosen by ``settings.ACADEMY_SMS_SENDER`` (a dotted path). To connect a real SMS provider,
subclass :class:`SMSSender`, implement :meth:`SMSSender.send` with the provider's client (respecting its
template and signature rules, e.g. Aliyun or Tencent Cloud SMS), and point the setting at your class.
``send`` must raise :class:`SMSError` when the provider refuses the message so that callers can tell the user.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("academy.sms")


class SMSError(Exception):
    """The provider did not accept the message."""


@dataclass(frozen=True)
class SMSMessage:
    """One text message: the +86 number, the text, and a purpose tag a provider may map to a template."""

    phone: str
    text: str
    purpose: str = "notice"


class SMSSender:
    """Interface for SMS providers."""

    def send(self, message: SMSMessage) -> None:
        raise NotImplementedError


class ConsoleSMSSender(SMSSender):
    """Development sender: writes each message to the log (and so to the console) and keeps the last ones."""

    outbox: list[SMSMessage] = []
    max_kept = 100

    def send(self, message: SMSMessage) -> None:
        type(self).outbox.append(message)
        del type(self).outbox[: -self.max_kept]
        logger.warning("SMS to %s [%s]: %s", message.phone, message.purpose, message.text)


def get_sms_sender() -> SMSSender:
    """Return an instance of the configured sender."""
    return import_string(settings.ACADEMY_SMS_SENDER)()


def sms_send(*, phone: str, text: str, purpose: str = "notice") -> None:
    """Send one text message, prefixed with the academy's signature as Chinese SMS rules require."""
    signed = f"【{settings.ACADEMY_SMS_SIGN_NAME}】{text}"
    get_sms_sender().send(SMSMessage(phone=phone, text=signed, purpose=purpose))
