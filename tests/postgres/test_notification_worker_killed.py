"""A db_worker killed by SIGKILL while an SMS provider is answering one of its messages, on a real PostgreSQL: the
requeue rule puts the batch back, a fresh worker sends the rest, and nobody gets the same text twice. The message
the dead worker had handed over is marked "uncertain" for staff (it may or may not have reached the phone) instead
of being sent again; the others are delivered once each."""

import os
import signal
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications import services
from notifications.choices import Channel, DeliveryStatus, Event
from notifications.models import Delivery
from tests.factories import UserFactory
from tests.postgres.sms_provider import FakeSMSGateway
from tests.postgres.workers import run_worker, start_worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DELIVER_TASK = "notifications.tasks.deliver_notifications"
WORKER = ("manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")


@override_settings(
    TASKS=DATABASE_TASKS,
    NOTIFICATIONS_QUIET_HOURS="",
    NOTIFICATIONS_SENDERS={"sms": "notifications.senders.SMSChannelSender"},
)
def test_worker_killed_mid_send_sends_no_message_twice_and_marks_the_interrupted_one_uncertain():
    people = [UserFactory(real_name=name) for name in ("张三", "李四", "王五")]
    services.notify(
        event=Event.STAFF_NOTICE, recipients=people, context={"title": "停课通知", "text": "明天上午的培训改期。"}
    )  # committed (a transactional test): one batch task for the three text messages is queued
    task = DBTaskResult.objects.get(task_path=DELIVER_TASK)
    sms = list(Delivery.objects.filter(channel=Channel.SMS).order_by("pk"))
    assert [d.status for d in sms] == [DeliveryStatus.PENDING] * 3

    with FakeSMSGateway(hold_first=True) as gateway:
        worker = start_worker(*WORKER, ACADEMY_TEST_SMS_URL=gateway.url)
        try:
            assert gateway.first_received.wait(timeout=120), "the worker never reached the SMS provider"
            os.kill(worker.pid, signal.SIGKILL)  # mid-send: the provider has the message, the worker no answer
            worker.wait(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.communicate(timeout=60)
        assert worker.returncode == -signal.SIGKILL
        gateway.release.set()  # the provider answers a connection nobody listens on any more
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING  # the dead worker never finished it
        assert [Delivery.objects.get(pk=d.pk).status for d in sms] == [DeliveryStatus.SENDING] + [
            DeliveryStatus.PENDING
        ] * 2

        # Half an hour later the scheduler's timer finds the stale task and puts it back in the queue.
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(minutes=31))
        out = StringIO()
        call_command("requeue_stale_tasks", stdout=out)
        assert f"requeued: {task.pk} {DELIVER_TASK}" in out.getvalue()
        finished = run_worker(*WORKER, ACADEMY_TEST_SMS_URL=gateway.url)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    phones = [message["phone"] for message in gateway.received]
    assert sorted(phones) == sorted(person.phone for person in people)  # each message received once, none twice
    assert all("明天上午的培训改期。" in message["text"] for message in gateway.received)
    statuses = {d.pk: d for d in Delivery.objects.filter(channel=Channel.SMS)}
    interrupted, *rest = sms
    assert statuses[interrupted.pk].status == DeliveryStatus.UNCERTAIN  # not resent: it may have reached the phone
    assert statuses[interrupted.pk].attempts == 1
    assert [statuses[d.pk].status for d in rest] == [DeliveryStatus.SENT, DeliveryStatus.SENT]
    assert all(statuses[d.pk].attempts == 1 for d in rest)
    assert interrupted.address == gateway.received[0]["phone"]  # the held message was the interrupted delivery's
