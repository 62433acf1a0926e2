"""notify(): channels from preferences, quiet hours, the daily cap, retries with back-off, never twice."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from notifications import rules, services
from notifications.choices import Channel, DeliveryStatus, Event
from notifications.models import ChannelOptOut, Delivery, MessageTemplate, Notification, NotificationProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI)  # in the past, so a task run now finds it due
NIGHT = datetime(2026, 1, 5, 22, 0, tzinfo=SHANGHAI)


def context_for(event):
    return {name: f"<{name}>" for name in rules.EVENT_PLACEHOLDERS[event]}


def send(event, recipients, capture, now=MORNING, **kwargs):
    with capture(execute=True):
        return services.notify(event=event, recipients=recipients, context=context_for(event), now=now, **kwargs)


@pytest.fixture
def wechat_templates(db):
    """WeChat template IDs for every event (the official account needs one per template message)."""
    for event in Event.values:
        title, body = "{name}", "{name}：" + "".join(f"{{{p}}}" for p in sorted(rules.EVENT_PLACEHOLDERS[event]))
        MessageTemplate.objects.create(event=event, title=title, body=body, wechat_template_id=f"tpl-{event}")


@pytest.mark.parametrize("event", sorted(set(Event.values) - rules.ESSENTIAL_EVENTS))
def test_each_event_reaches_the_channels_the_persons_preference_selects(
    event, senders, person, wechat_templates, django_capture_on_commit_callbacks
):
    ChannelOptOut.objects.create(user=person, event=event, channel=Channel.SMS)
    other_event = next(value for value in Event.values if value != event)

    send(event, [person], django_capture_on_commit_callbacks)
    send(other_event, [person], django_capture_on_commit_callbacks)

    assert [m.event for m in senders["wechat"].sent] == [event, other_event]
    assert [m.event for m in senders["sms"].sent] == [other_event]  # switched off for `event` only
    assert senders["sms"].sent[0].address == person.phone
    assert senders["wechat"].sent[0].address == person.notification_profile.wechat_openid
    assert senders["wechat"].sent[0].template_id == f"tpl-{event}"
    assert Notification.objects.filter(recipient=person).count() == 2  # the inbox always has both


@pytest.mark.parametrize("event", sorted(rules.ESSENTIAL_EVENTS))
def test_each_essential_event_reaches_every_channel_even_one_switched_off_before(
    event, senders, person, wechat_templates, django_capture_on_commit_callbacks
):
    ChannelOptOut.objects.create(user=person, event=event, channel=Channel.SMS)  # stored before it was essential
    NotificationProfile.objects.filter(user=person).update(essential_only=True)

    send(event, [person], django_capture_on_commit_callbacks)

    assert [m.event for m in senders["sms"].sent] == [event]
    assert [m.event for m in senders["wechat"].sent] == [event]


def test_default_text_is_chinese_with_the_context_filled_in(senders, person, django_capture_on_commit_callbacks):
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=person)
    assert notification.title == "证书已颁发"
    assert notification.body.startswith("张三，您的<programme>证书已颁发")
    assert senders["sms"].sent[0].body == notification.body


def test_unverified_phone_and_unlinked_wechat_get_only_the_inbox(senders, django_capture_on_commit_callbacks):
    user = UserFactory(phone_verified=False)
    send(Event.CERTIFICATE_ISSUED, [user], django_capture_on_commit_callbacks)
    assert senders["sms"].sent == [] and senders["wechat"].sent == []
    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.SITE]


def test_unsubscribed_person_still_gets_essential_notices(senders, person, django_capture_on_commit_callbacks):
    NotificationProfile.objects.filter(user=person).update(essential_only=True)
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks)
    send(Event.SESSION_MOVED, [person], django_capture_on_commit_callbacks)
    assert [m.event for m in senders["sms"].sent] == [Event.SESSION_MOVED]


def test_quiet_hours_defer_phone_messages_to_eight_in_the_morning(senders, person, django_capture_on_commit_callbacks):
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks, now=NIGHT)

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.PENDING
    assert sms.due_at == datetime(2026, 1, 6, 8, 0, tzinfo=SHANGHAI)
    assert senders["sms"].sent == []
    assert Notification.objects.get(recipient=person).title  # the inbox has it at once

    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_dispatch_due(now=datetime(2026, 1, 6, 7, 59, tzinfo=SHANGHAI)) == 0
    assert senders["sms"].sent == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_dispatch_due(now=datetime(2026, 1, 6, 8, 0, tzinfo=SHANGHAI)) == 1
    assert len(senders["sms"].sent) == 1
    assert Delivery.objects.get(channel=Channel.SMS).status == DeliveryStatus.SENT


def test_session_cancelled_today_is_sent_at_night(senders, person, django_capture_on_commit_callbacks):
    early = datetime(2026, 1, 5, 6, 30, tzinfo=SHANGHAI)
    send(
        Event.SESSION_CANCELLED,
        [person],
        django_capture_on_commit_callbacks,
        now=early,
        occurs_at=early.replace(hour=9),
    )
    assert len(senders["sms"].sent) == 1


def test_daily_cap_stops_phone_messages_but_not_the_inbox_or_essential_ones(
    senders, person, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_DAILY_CAP = 2
    for event in (Event.CERTIFICATE_ISSUED, Event.APPOINTMENT_MADE, Event.ASSIGNMENT_REVIEWED):
        send(event, [person], django_capture_on_commit_callbacks)
    send(Event.SESSION_MOVED, [person], django_capture_on_commit_callbacks)

    assert [m.event for m in senders["sms"].sent] == [
        Event.CERTIFICATE_ISSUED,
        Event.APPOINTMENT_MADE,
        Event.SESSION_MOVED,
    ]
    skipped = Delivery.objects.get(channel=Channel.SMS, notification__event=Event.ASSIGNMENT_REVIEWED)
    assert skipped.status == DeliveryStatus.SKIPPED and "2" in skipped.note
    assert Notification.objects.filter(recipient=person).count() == 4


def test_cap_counts_per_day(senders, person, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_DAILY_CAP = 1
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks)
    send(Event.APPOINTMENT_MADE, [person], django_capture_on_commit_callbacks, now=MORNING + timedelta(days=1))
    assert len(senders["sms"].sent) == 2


def test_provider_error_is_retried_with_back_off_and_recorded(senders, person, django_capture_on_commit_callbacks):
    senders["sms"].refuse = 1
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks)

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.RETRY
    assert sms.attempts == 1
    assert "45009" in sms.provider_reply
    assert sms.due_at > MORNING  # a minute after the failed attempt

    assert services.delivery_send(delivery_id=sms.pk, now=sms.due_at - timedelta(seconds=1)) == DeliveryStatus.RETRY
    assert services.delivery_send(delivery_id=sms.pk, now=sms.due_at) == DeliveryStatus.SENT
    sms.refresh_from_db()
    assert sms.attempts == 2
    assert len(senders["sms"].sent) == 1


def test_delivery_fails_after_the_last_attempt(senders, person, django_capture_on_commit_callbacks):
    senders["sms"].refuse = services.MAX_ATTEMPTS
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks)
    for _ in range(services.MAX_ATTEMPTS - 1):
        sms = Delivery.objects.get(channel=Channel.SMS)
        services.delivery_send(delivery_id=sms.pk, now=sms.due_at)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, services.MAX_ATTEMPTS)
    assert senders["sms"].sent == []


def test_requeued_batch_does_not_send_again_what_a_killed_worker_was_sending(
    senders, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):  # enqueued, not yet run
        services.notify(
            event=Event.STAFF_NOTICE, recipients=people, context={"title": "通知", "text": "明天停电"}, now=MORNING
        )
    sms = list(Delivery.objects.filter(channel=Channel.SMS).order_by("pk"))
    # The first worker sent the first message, and died while sending the second (claimed, never recorded).
    services.delivery_send(delivery_id=sms[0].pk)
    Delivery.objects.filter(pk=sms[1].pk).update(status=DeliveryStatus.SENDING, attempts=1)
    sent_before = len(senders["sms"].sent)

    services.deliveries_send(delivery_ids=[d.pk for d in sms])  # the requeued task runs the whole batch again

    assert len(senders["sms"].sent) == sent_before + 1  # only the third
    statuses = dict(Delivery.objects.filter(channel=Channel.SMS).values_list("pk", "status"))
    assert [statuses[d.pk] for d in sms] == [DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN, DeliveryStatus.SENT]


def test_same_key_notifies_nobody_twice(senders, person, django_capture_on_commit_callbacks):
    send(Event.CERTIFICATE_EXPIRING, [person], django_capture_on_commit_callbacks, key="certificate:1:expiring:30")
    send(Event.CERTIFICATE_EXPIRING, [person], django_capture_on_commit_callbacks, key="certificate:1:expiring:30")
    assert Notification.objects.filter(recipient=person).count() == 1
    assert len(senders["sms"].sent) == 1


def test_missing_context_is_refused_and_writes_nothing(person):
    with pytest.raises(services.NotifyError, match="programme"):
        services.notify(event=Event.CERTIFICATE_ISSUED, recipients=[person], context={"number": "1"})
    assert not Notification.objects.exists()


def test_template_with_unknown_placeholder_is_refused_with_the_allowed_ones_named():
    template = MessageTemplate(event=Event.CERTIFICATE_ISSUED, title="证书", body="{name}，{session}开始了")
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "{session}" in str(caught.value.message_dict["body"])
    assert "{programme}" in str(caught.value.message_dict["body"])


def test_editors_template_replaces_the_default(senders, person, django_capture_on_commit_callbacks):
    MessageTemplate.objects.create(event=Event.APPOINTMENT_MADE, title="任职通知", body="{name}同志：您已任{post}。")
    send(Event.APPOINTMENT_MADE, [person], django_capture_on_commit_callbacks)
    assert senders["sms"].sent[0].body == "张三同志：您已任<post>。"


def test_academy_may_set_other_quiet_hours_or_none(senders, person, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_QUIET_HOURS = "22:30-07:00"
    send(Event.CERTIFICATE_ISSUED, [person], django_capture_on_commit_callbacks, now=NIGHT)  # 22:00: not yet quiet
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    send(Event.APPOINTMENT_MADE, [person], django_capture_on_commit_callbacks, now=NIGHT.replace(hour=23))
    assert [m.event for m in senders["sms"].sent] == [Event.CERTIFICATE_ISSUED, Event.APPOINTMENT_MADE]
