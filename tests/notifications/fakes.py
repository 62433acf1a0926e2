"""A channel sender for tests: records what it sends and refuses while told to."""

from notifications.senders import OutgoingMessage, Sender, SendError


class RecordingSender(Sender):
    """Keeps every message it accepted (class-wide) and refuses the next ``refuse`` messages."""

    sent: list[OutgoingMessage] = []
    refuse = 0

    def send(self, message: OutgoingMessage) -> str:
        if type(self).refuse:
            type(self).refuse -= 1
            raise SendError('{"errcode": 45009, "errmsg": "reach max api daily quota limit"}')
        type(self).sent.append(message)
        return '{"errcode": 0, "errmsg": "ok"}'

    @classmethod
    def reset(cls):
        cls.sent = []
        cls.refuse = 0


class RecordingSMSSender(RecordingSender):
    """The SMS channel's recorder (its own outbox)."""

    sent: list[OutgoingMessage] = []


class RecordingWeChatSender(RecordingSender):
    """The WeChat channel's recorder (its own outbox)."""

    sent: list[OutgoingMessage] = []


class RecordingWorkSender(RecordingSender):
    """The work-notice channel's recorder (its own outbox)."""

    sent: list[OutgoingMessage] = []
