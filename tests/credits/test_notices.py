"""Credits tell people through the notification centre: a certificate issued, a request awaiting review, expiring
(90, 30 and 7 days before) and expired, an appointment to a post."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from academy.sms import ConsoleSMSSender
from credits.certificates.services import approval, issuing, reminders, revocation
from credits.choices import IssueMode
from credits.models import CertificateReminder
from credits.notices import certificate_expiry_notices_send
from credits.posts import services as posts_services
from notifications.choices import Event
from notifications.models import Notification
from tests.factories import StreetFactory, UserFactory, make_registrar

from .factories import make_certificate, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _any_time_of_day(settings):
    """These tests are about who is told what; when (quiet hours) is tested in tests/notifications."""
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    ConsoleSMSSender.outbox.clear()


def notices(user, event):
    return list(Notification.objects.filter(recipient=user, event=event))


def test_an_issued_certificate_reaches_its_holder_in_the_inbox_and_by_sms(
    certified_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issuing.certificate_issue(
            holder=certified_world["trainee"], programme=certified_world["programme"]
        )
    [notice] = notices(certified_world["trainee"], Event.CERTIFICATE_ISSUED)
    assert certificate.number in notice.body and notice.link == "/credits/certificates/"
    assert [m.purpose for m in ConsoleSMSSender.outbox] == [Event.CERTIFICATE_ISSUED]


def test_a_request_awaiting_approval_tells_the_registrars_not_the_trainee(certified_world):
    registrar = make_registrar()
    programme = certified_world["programme"]
    programme.issue_mode = IssueMode.APPROVAL
    programme.save()
    approval.certificates_check_for(holder=certified_world["trainee"])
    [notice] = notices(registrar, Event.CERTIFICATE_PENDING_REVIEW)
    assert "张晓明" in notice.body and programme.title in notice.body
    assert notices(certified_world["trainee"], Event.CERTIFICATE_PENDING_REVIEW) == []


@pytest.mark.parametrize(("days_left", "threshold"), [(80, 90), (25, 30), (5, 7)])
def test_expiry_reminders_come_at_90_30_and_7_days_once(certified_world, days_left, threshold):
    holder = certified_world["trainee"]
    make_certificate(holder, certified_world["programme"], valid_until=timezone.localdate() + timedelta(days=days_left))
    assert reminders.certificate_reminders_send().sent == 1
    assert reminders.certificate_reminders_send().sent == 0
    assert CertificateReminder.objects.get().days_before == threshold
    [notice] = notices(holder, Event.CERTIFICATE_EXPIRING)
    assert f"还剩{threshold}天" in notice.body


def test_an_expired_certificate_is_announced_once_and_a_revoked_one_not_at_all(certified_world):
    holder, other = certified_world["trainee"], UserFactory()
    today = timezone.localdate()
    make_certificate(holder, certified_world["programme"], valid_until=today - timedelta(days=1))
    revoked = make_certificate(
        other, certified_world["programme"], number="拱三方证〔2026〕第000002号", valid_until=today - timedelta(days=1)
    )
    revocation.certificate_revoke(certificate=revoked, actor=make_registrar(), reason="证明材料不实")
    assert certificate_expiry_notices_send(on=today) == 1
    assert certificate_expiry_notices_send(on=today) == 0
    assert len(notices(holder, Event.CERTIFICATE_EXPIRED)) == 1
    assert notices(other, Event.CERTIFICATE_EXPIRED) == []


def test_an_appointment_reaches_the_appointee(certified_world):
    trainee = certified_world["trainee"]
    make_certificate(trainee, certified_world["programme"])
    post = make_post(certified_world["programme"])
    posts_services.appointment_create(
        actor=make_registrar(), trainee=trainee, post=post, street=StreetFactory(), start_date=date(2026, 12, 1)
    )
    [notice] = notices(trainee, Event.APPOINTMENT_MADE)
    assert post.name in notice.body
