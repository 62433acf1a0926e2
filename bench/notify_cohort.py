"""A notice to a cohort of 10,000 through the notification centre: the time to enqueue (``notify``: 10,000 inbox
notices, their SMS and WeChat deliveries and the task rows, in one transaction) and the time to deliver them (a
django-tasks database worker, ``db_worker --batch``, sending each SMS through the console sender and each WeChat
template message over HTTP to a fake WeChat API on loopback, with the real request format).

Builds a throwaway SQLite database in a temporary directory.

    .venv/bin/python bench/notify_cohort.py [--people 10000]

Results are written to docs/performance.md (the section between the notify markers is replaced).
"""

import argparse
import datetime
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- notify:start -->", "<!-- notify:end -->"


def setup_django(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # real task rows and a real worker
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    django.setup()
    logging.disable(logging.WARNING)  # the console SMS sender logs every message


def build_cohort(people: int):
    from academy.models import User
    from notifications.models import NotificationProfile

    users = User.objects.bulk_create(
        User(username=f"bench{n}", phone=f"+86137{n:08d}", phone_verified=True, real_name=f"学员{n}")
        for n in range(people)
    )
    NotificationProfile.objects.bulk_create(NotificationProfile(user=u, wechat_openid=f"o6_bench{u.pk}") for u in users)
    return list(User.objects.filter(username__startswith="bench"))


def run(people: int) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction

    from notifications.choices import Channel, DeliveryStatus, Event
    from notifications.models import Delivery, MessageTemplate
    from notifications.services import notify
    from tests.notifications.fake_providers import FakeProvider

    call_command("migrate", verbosity=0)
    cohort = build_cohort(people)
    MessageTemplate.objects.create(
        event=Event.STAFF_NOTICE, title="{title}", body="{text}", wechat_template_id="bench-template"
    )
    settings.NOTIFICATIONS_QUIET_HOURS = ""  # measured whatever the hour
    settings.NOTIFICATIONS_DAILY_CAP = 100
    settings.NOTIFICATIONS_SENDERS = {
        "sms": "notifications.senders.SMSChannelSender",
        "wechat": "notifications.senders.WeChatTemplateSender",
    }
    with FakeProvider() as wechat:
        settings.WECHAT_API_BASE_URL = wechat.url
        settings.WECHAT_MP_APP_ID, settings.WECHAT_MP_APP_SECRET = wechat.key, wechat.secret
        cache.clear()
        started = time.perf_counter()
        with transaction.atomic():
            notify(
                event=Event.STAFF_NOTICE,
                recipients=cohort,
                context={"title": "开班通知", "text": "第3期小区专员岗前培训定于下周一开班，请准时参加。"},
                link="/learning/sessions/",
            )
        enqueued = time.perf_counter() - started
        started = time.perf_counter()
        call_command("db_worker", batch=True, interval=0, verbosity=0, startup_delay=False)
        delivered = time.perf_counter() - started
        sent = Delivery.objects.filter(status=DeliveryStatus.SENT)
        return {
            "people": people,
            "enqueue": enqueued,
            "deliver": delivered,
            "sms": sent.filter(channel=Channel.SMS).count(),
            "wechat": sent.filter(channel=Channel.WECHAT).count(),
            "inbox": sent.filter(channel=Channel.SITE).count(),
            "wechat_received": len(wechat.messages),
            "not_sent": Delivery.objects.exclude(status=DeliveryStatus.SENT).count(),
        }


def write_report(result: dict) -> str:
    from world import machine

    messages = result["sms"] + result["wechat"]
    lines = [
        START,
        f"## A notice to a cohort of {result['people']:,} (`bench/notify_cohort.py`)",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Load average when the run ended: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min; other "
        "work on the machine inflates these times)",
        "- SQLite file in a temp directory; django-tasks database backend, one `db_worker --batch` in this process; "
        "SMS through the console sender (in process), WeChat template messages over HTTP to a fake WeChat API on "
        "127.0.0.1 (token fetched once, cached).",
        "",
        "| Measure | Value |",
        "|---|---:|",
        f"| Enqueue: `notify()` to {result['people']:,} people (inbox notices, deliveries, task rows, one transaction) "
        f"| {result['enqueue']:.1f} s |",
        f"| Deliver: {messages:,} phone messages ({result['sms']:,} SMS, {result['wechat']:,} WeChat) by one worker "
        f"| {result['deliver']:.1f} s ({messages / max(result['deliver'], 1e-9):.0f} messages/s) |",
        f"| Inbox notices | {result['inbox']:,} |",
        f"| WeChat messages the fake API received | {result['wechat_received']:,} |",
        f"| Deliveries not sent | {result['not_sent']:,} |",
        "",
        "Deliveries go 200 to a task; each is claimed (committed) before its provider is called, so a second worker "
        "adds throughput on PostgreSQL (on SQLite writers take turns).",
        "",
        END,
    ]
    section = "\n".join(lines)
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n\nMeasured by `bench/`.\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text)
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        result = run(args.people)
        print(write_report(result))


if __name__ == "__main__":
    main()
