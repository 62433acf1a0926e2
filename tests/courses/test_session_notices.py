"""Sessions tell their trainees through the notification centre: a seat confirmed, a place freed from the waiting
list, the reminder the day before, a session cancelled or moved (with the new time and venue)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from academy.models import Venue
from academy.sms import ConsoleSMSSender
from courses import services
from courses.choices import SessionStatus
from notifications.choices import Event
from notifications.models import Notification
from tests.factories import UserFactory

from .factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _any_time_of_day(settings):
    """These tests are about who is told what; when (quiet hours) is tested in tests/notifications."""
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    ConsoleSMSSender.outbox.clear()


def events_of(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("event", flat=True))


def test_a_seat_is_confirmed_and_a_waiting_list_place_is_not(django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    seated, waiting = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_register(user=seated, session=session)
        services.session_register(user=waiting, session=session)
    assert events_of(seated) == [Event.REGISTRATION_CONFIRMED]
    assert events_of(waiting) == []
    notice = Notification.objects.get(recipient=seated)
    assert session.title in notice.body and session.venue.name in notice.body
    assert notice.link == f"/learning/sessions/{session.pk}/"
    assert [m.phone for m in ConsoleSMSSender.outbox] == [seated.phone]


def test_promotion_from_the_waiting_list_reaches_the_inbox_and_the_phone(django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.session_register(user=first, session=session)
    services.session_register(user=second, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_registration_cancel(user=first, session=session)
    assert events_of(second) == [Event.WAITLIST_PROMOTED]
    assert [m.phone for m in ConsoleSMSSender.outbox] == [second.phone]


def test_the_reminder_the_day_before_goes_through_the_notification_centre(django_capture_on_commit_callbacks):
    tomorrow = timezone.localtime() + timedelta(days=1)
    session = make_session(starts_in=tomorrow.replace(hour=9, minute=30) - timezone.localtime())
    trainee = UserFactory()
    services.session_register(user=trainee, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_send() == 1
        assert services.session_reminders_send() == 0
    assert events_of(trainee) == [Event.REGISTRATION_CONFIRMED, Event.SESSION_REMINDER]
    reminder = Notification.objects.get(recipient=trainee, event=Event.SESSION_REMINDER)
    assert "09:30" in reminder.body and session.venue.address in reminder.body
    assert [m.text for m in ConsoleSMSSender.outbox] == [f"【三方学院】{reminder.body}"]


def test_moving_a_session_tells_registered_and_waiting_trainees_the_new_time_and_venue():
    session = make_session(capacity=1)
    seated, waiting, cancelled = UserFactory(), UserFactory(), UserFactory()
    for person in (seated, waiting):
        services.session_register(user=person, session=session)
    new_venue = Venue.objects.create(name="拱宸桥文化驿站", district=session.venue.district, address="桥弄街9号")
    session.start += timedelta(days=2, hours=1)
    session.end += timedelta(days=2, hours=1)
    session.venue = new_venue
    session.save()

    new_start = timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M")
    for person in (seated, waiting):
        moved = Notification.objects.get(recipient=person, event=Event.SESSION_MOVED)
        assert new_start in moved.body and "拱宸桥文化驿站" in moved.body and "桥弄街9号" in moved.body
    assert events_of(cancelled) == []

    session.capacity = 5  # a change that moves nothing tells nobody again
    session.save()
    assert Notification.objects.filter(event=Event.SESSION_MOVED).count() == 2


def test_cancelling_a_session_tells_its_trainees_once():
    session = make_session()
    trainee = UserFactory()
    services.session_register(user=trainee, session=session)
    session.status = SessionStatus.CANCELLED
    session.save()
    session.save()
    assert events_of(trainee) == [Event.REGISTRATION_CONFIRMED, Event.SESSION_CANCELLED]


def test_saving_a_session_with_its_start_to_the_minute_is_not_a_move():
    session = make_session()
    trainee = UserFactory()
    services.session_register(user=trainee, session=session)
    session.start = session.start.replace(second=0, microsecond=0)  # as the admin's form posts it
    session.save()
    assert events_of(trainee) == [Event.REGISTRATION_CONFIRMED]
