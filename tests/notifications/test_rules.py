"""The notification centre's pure rules, without a database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from notifications import rules
from notifications.choices import Channel, Event

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day=7):
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def test_sms_at_night_waits_until_eight_the_next_morning():
    due = rules.send_at(channel=Channel.SMS, event=Event.CERTIFICATE_ISSUED, local_now=at(22, 30))
    assert due == at(8, 0, day=8)


def test_sms_before_eight_waits_until_eight_the_same_morning():
    assert rules.send_at(channel=Channel.WECHAT, event=Event.SESSION_MOVED, local_now=at(6, 10)) == at(8, 0)


def test_quiet_hours_start_at_nine_and_end_at_eight():
    assert rules.send_at(channel=Channel.SMS, event=Event.SESSION_MOVED, local_now=at(20, 59)) == at(20, 59)
    assert rules.send_at(channel=Channel.SMS, event=Event.SESSION_MOVED, local_now=at(8, 0)) == at(8, 0)
    assert rules.send_at(channel=Channel.SMS, event=Event.SESSION_MOVED, local_now=at(21, 0)) == at(8, 0, day=8)


def test_site_inbox_is_not_quiet_at_night():
    assert rules.send_at(channel=Channel.SITE, event=Event.CERTIFICATE_ISSUED, local_now=at(23)) == at(23)


def test_session_cancelled_for_today_breaks_quiet_hours_but_not_for_tomorrow():
    now = at(6, 30)
    today = rules.send_at(channel=Channel.SMS, event=Event.SESSION_CANCELLED, local_now=now, occurs_on=now.date())
    tomorrow = rules.send_at(
        channel=Channel.SMS, event=Event.SESSION_CANCELLED, local_now=now, occurs_on=now.date() + timedelta(days=1)
    )
    assert today == now
    assert tomorrow == at(8, 0)


def test_unknown_placeholders_are_named_and_a_stray_brace_is_caught():
    assert rules.unknown_placeholders("{name}，{programme}证书{number}", event=Event.CERTIFICATE_ISSUED) == []
    assert rules.unknown_placeholders("{name} {session} {user.password}", event=Event.CERTIFICATE_ISSUED) == [
        "session",
        "user.password",
    ]
    assert rules.unknown_placeholders("{name 你好", event=Event.CERTIFICATE_ISSUED) == ["{"]


def test_render_fills_names_only_and_never_reaches_into_objects():
    assert rules.render("{name}：{x.__class__}", {"name": "张三", "x": object()}) == "张三：{x.__class__}"


def test_retry_delay_grows_and_is_capped():
    assert [rules.retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
    ]
    assert rules.retry_delay(9) == timedelta(hours=6)


def test_unsubscribed_person_gets_only_essential_notices_on_the_phone():
    reachable = [Channel.SMS, Channel.WECHAT]
    assert (
        rules.chosen_channels(event=Event.CERTIFICATE_ISSUED, reachable=reachable, switched_off=[], essential_only=True)
        == []
    )
    assert rules.chosen_channels(
        event=Event.SESSION_CANCELLED, reachable=reachable, switched_off=[], essential_only=True
    ) == [Channel.SMS, Channel.WECHAT]


def test_essential_notice_takes_every_reachable_channel_whatever_was_switched_off():
    reachable = [Channel.SMS, Channel.WECHAT]
    for essential_only in (False, True):
        assert rules.chosen_channels(
            event=Event.SESSION_CANCELLED,
            reachable=reachable,
            switched_off=[Channel.SMS],
            essential_only=essential_only,
        ) == [Channel.SMS, Channel.WECHAT]
    assert rules.chosen_channels(
        event=Event.CERTIFICATE_ISSUED, reachable=reachable, switched_off=[Channel.SMS], essential_only=False
    ) == [Channel.WECHAT]


def test_daily_cap_spares_essential_notices_and_quiet_channels():
    assert rules.over_daily_cap(channel=Channel.SMS, event=Event.CERTIFICATE_ISSUED, sent_today=5, cap=5)
    assert not rules.over_daily_cap(channel=Channel.SMS, event=Event.CERTIFICATE_ISSUED, sent_today=4, cap=5)
    assert not rules.over_daily_cap(channel=Channel.SMS, event=Event.SESSION_CANCELLED, sent_today=9, cap=5)
    assert not rules.over_daily_cap(channel=Channel.WORK, event=Event.CERTIFICATE_ISSUED, sent_today=9, cap=5)
