import pytest

from notifications.models import NotificationProfile
from tests.factories import UserFactory

from .fakes import RecordingSMSSender, RecordingWeChatSender, RecordingWorkSender


@pytest.fixture
def senders(settings):
    """Every channel goes to a recorder; each test starts with empty outboxes."""
    settings.NOTIFICATIONS_SENDERS = {
        "sms": "tests.notifications.fakes.RecordingSMSSender",
        "wechat": "tests.notifications.fakes.RecordingWeChatSender",
        "work": "tests.notifications.fakes.RecordingWorkSender",
    }
    for sender in (RecordingSMSSender, RecordingWeChatSender, RecordingWorkSender):
        sender.reset()
    return {"sms": RecordingSMSSender, "wechat": RecordingWeChatSender, "work": RecordingWorkSender}


@pytest.fixture
def person(db):
    """A trainee with a verified phone and a linked WeChat."""
    user = UserFactory(real_name="张三")
    NotificationProfile.objects.create(user=user, wechat_openid="o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    return user
