"""A person sees and changes their own notification settings (PIPL), and notify() follows them."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from notifications import services
from notifications.choices import Channel, Event
from notifications.forms import ESSENTIAL_HINT_ID
from notifications.models import ChannelOptOut, NotificationProfile
from notifications.rules import ESSENTIAL_EVENTS, EVENT_PLACEHOLDERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def all_on_except(*pairs):
    data = {f"{event}__{channel}": "on" for event in Event.values for channel in (Channel.SMS, Channel.WECHAT)}
    for event, channel in pairs:
        del data[f"{event}__{channel}"]
    return data


def test_a_person_switches_sms_off_for_one_event_and_notify_follows(
    client, settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("notifications_preferences")).content.decode()
    assert "通知设置" in page and user.phone_display in page and "21:00-08:00（北京时间）" in page
    settings.NOTIFICATIONS_QUIET_HOURS = ""  # the notice below goes out whatever the time of day

    response = client.post(reverse("notifications_preferences"), all_on_except((Event.APPOINTMENT_MADE, Channel.SMS)))
    assert response.status_code == 302
    assert set(ChannelOptOut.objects.filter(user=user).values_list("event", "channel")) == {
        (Event.APPOINTMENT_MADE, Channel.SMS)
    }
    with django_capture_on_commit_callbacks(execute=True):
        notices = services.notify(event=Event.APPOINTMENT_MADE, recipients=[user], context={"post": "小区专员"})
    assert list(notices[0].deliveries.values_list("channel", flat=True)) == [Channel.SITE]

    page = client.get(reverse("notifications_preferences")).content.decode()
    assert f'id="id_{Event.APPOINTMENT_MADE}__{Channel.SMS}">' in page  # shown, unticked
    assert f'id="id_{Event.CERTIFICATE_ISSUED}__{Channel.SMS}" checked>' in page


def test_unsubscribing_keeps_only_essential_notices(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("notifications_preferences"), {**all_on_except(), "essential_only": "on"})
    assert NotificationProfile.objects.get(user=user).essential_only
    for event, expected in ((Event.CERTIFICATE_ISSUED, 1), (Event.SESSION_CANCELLED, 2)):
        context = dict.fromkeys(EVENT_PLACEHOLDERS[event], "x")
        [notice] = services.notify(event=event, recipients=[user], context=context)
        assert notice.deliveries.count() == expected  # the inbox, plus SMS for the essential one


def test_a_person_can_forget_their_wechat_link(client):
    user = UserFactory()
    NotificationProfile.objects.create(user=user, wechat_openid="o6_bmjrPTlm6")
    client.force_login(user)
    assert "已关联" in client.get(reverse("notifications_preferences")).content.decode()
    client.post(reverse("notifications_preferences"), {**all_on_except(), "unlink_wechat": "on"})
    assert NotificationProfile.objects.get(user=user).wechat_openid == ""


def test_settings_need_a_log_in(client):
    assert client.get(reverse("notifications_preferences")).status_code == 302


def _checkbox(page: str, event: str, channel: str) -> str:
    return re.search(rf'<input type="checkbox"[^>]*id="id_{event}__{channel}"[^>]*>', page).group(0)


def test_after_unsubscribing_essential_rows_show_ticked_and_locked_with_the_reason(client):
    user = UserFactory()
    client.force_login(user)
    # "Unsubscribe from all": only essential, and every box left unticked (a browser posts none of them).
    response = client.post(reverse("notifications_preferences"), {"essential_only": "on"})
    assert response.status_code == 302
    assert not ChannelOptOut.objects.filter(user=user, event__in=ESSENTIAL_EVENTS).exists()  # nothing to store

    page = client.get(reverse("notifications_preferences")).content.decode()
    for event in ESSENTIAL_EVENTS:
        box = _checkbox(page, event, Channel.SMS)
        assert " checked" in box and " disabled" in box, box
        assert f'aria-describedby="{ESSENTIAL_HINT_ID}"' in box
        # WeChat is not linked: even an essential notice cannot reach them there, so its box is locked unticked
        box = _checkbox(page, event, Channel.WECHAT)
        assert " checked" not in box and " disabled" in box, box
        assert 'aria-describedby="wechat-not-linked"' in box
    assert f'id="{ESSENTIAL_HINT_ID}"' in page and "必要通知总会发送，无法关闭。" in page
    box = _checkbox(page, Event.APPOINTMENT_MADE, Channel.SMS)
    assert " checked" not in box and " disabled" not in box  # an ordinary notice stays the person's choice
    [notice] = services.notify(
        event=Event.SESSION_CANCELLED,
        recipients=[user],
        context=dict.fromkeys(EVENT_PLACEHOLDERS[Event.SESSION_CANCELLED], "x"),
    )
    assert set(notice.deliveries.values_list("channel", flat=True)) == {Channel.SITE, Channel.SMS}  # as the page says


def test_a_forged_post_cannot_switch_an_essential_notice_off(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("notifications_preferences"), all_on_except((Event.SESSION_MOVED, Channel.SMS)))
    assert not ChannelOptOut.objects.filter(user=user).exists()


def test_english_settings_page_has_no_chinese_punctuation(client):
    client.force_login(UserFactory())
    with translation.override(None):  # restores this thread's language after the request switched it to English
        page = client.get(reverse("notifications_preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notification settings" in page
    assert "Site inbox: every notice" in page
    assert not re.search(r"[：；，。？！（）]", page)
