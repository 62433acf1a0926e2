"""A registrar sends a notice to a session's trainees from the admin (registered and waiting; nobody else)."""

import pytest
from django.urls import reverse

from academy.sms import ConsoleSMSSender
from courses import services
from notifications.choices import Event
from notifications.models import Notification
from tests.factories import UserFactory, make_registrar, make_street_administrator, with_admin_access

from .factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _any_time_of_day(settings):
    """About who is told; when (quiet hours) is tested in tests/notifications."""
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    ConsoleSMSSender.outbox.clear()


def test_a_registrar_sends_a_notice_to_a_sessions_trainees_from_the_admin(client, django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    seated, waiting, elsewhere = UserFactory(), UserFactory(), UserFactory()
    for person in (seated, waiting):
        services.session_register(user=person, session=session)
    url = reverse("courses_sessions:notice", args=[session.pk])

    client.force_login(with_admin_access(make_street_administrator(seated.street)))
    assert client.post(url, {"title": "改到2楼", "text": "培训改在2楼教室", "step": "send"}).status_code in (302, 403)
    assert not Notification.objects.filter(event=Event.STAFF_NOTICE).exists()

    client.force_login(with_admin_access(make_registrar()))
    assert client.post(url, {"title": "", "text": "x", "step": "send"}).status_code == 200  # refused, nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"title": "改到2楼", "text": "培训改在2楼教室，请提前10分钟到。", "step": "send"})
    assert response.status_code == 302
    notices = Notification.objects.filter(event=Event.STAFF_NOTICE)
    assert sorted(n.recipient_id for n in notices) == sorted([seated.pk, waiting.pk])
    assert {n.title for n in notices} == {"改到2楼"}
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    assert len(ConsoleSMSSender.outbox) == 2
