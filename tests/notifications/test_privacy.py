"""A person's notices are in their data download and gone with their account."""

import json
import zipfile
from io import BytesIO

import pytest
from django.utils import translation

from academy.privacy import account_anonymise, personal_data_archive
from notifications import services
from notifications.choices import Channel, Event
from notifications.models import ChannelOptOut, Delivery, Notification, NotificationProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notices_and_settings_are_in_the_download_and_deleted_with_the_account():
    user = UserFactory()
    NotificationProfile.objects.create(user=user, wechat_openid="o6_secret", essential_only=True)
    ChannelOptOut.objects.create(user=user, event=Event.APPOINTMENT_MADE, channel=Channel.SMS)
    services.notify(
        event=Event.SESSION_MOVED,
        recipients=[user],
        context=dict.fromkeys(("session", "start", "venue", "address"), "x"),
    )
    # The download speaks the language of the page it was asked from (another test may leave English active).
    with translation.override("zh-hans"):
        archive = personal_data_archive(user=user)
    data = json.loads(zipfile.ZipFile(BytesIO(archive)).read("personal-data.json"))
    assert [n["event"] for n in data["notifications"]] == ["培训班次变更"]
    assert data["notification_settings"] == {
        "essential_only": True,
        "wechat_linked": True,
        "switched_off": ["appointment_made:sms"],
    }

    account_anonymise(user=user)
    assert not Notification.objects.filter(recipient=user).exists()
    assert not Delivery.objects.exists()
    assert not NotificationProfile.objects.exists() and not ChannelOptOut.objects.exists()
