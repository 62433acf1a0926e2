"""What only real concurrency on PostgreSQL shows: many requests doing the same thing at the same moment, each
in its own thread with its own connection and transaction (READ COMMITTED, as production runs)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import services as course_services
from courses.models import CourseCompletion, LessonPage, SessionRegistration
from credits.certificates.services import issuing
from credits.choices import CreditKind
from credits.models import Certificate, CertificateNumberCounter, CreditEntry
from home.models import EventSignup
from home.services import event_signup_create
from tests.courses.factories import CompetencyFactory, make_course, make_session
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory, make_registrar

from .conftest import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_hundred_simultaneous_reports_of_one_completion_write_exactly_one_ledger_row():
    course = make_course(code="FG-01", lessons=2, quiz=False, credits="1.5")
    trainee = UserFactory()
    course_services.enrolment_create(user=trainee, course=course)
    first, last = LessonPage.objects.child_of(course).order_by("path")
    course_services.lesson_mark_done(user=trainee, lesson=first)

    results, errors = run_at_once(lambda _n: course_services.lesson_mark_done(user=trainee, lesson=last), range(100))

    assert errors == []
    assert len(results) == 100
    assert CourseCompletion.objects.filter(user=trainee, course=course).count() == 1
    entries = CreditEntry.objects.filter(trainee=trainee, kind=CreditKind.COURSE_COMPLETION)
    assert entries.count() == 1
    assert str(entries.get().amount) == "1.5"


def test_fifty_certificates_issued_at_once_have_unique_numbers_without_gaps():
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    holders = [UserFactory(real_name=f"学员{n:02d}") for n in range(50)]
    for holder in holders:
        give_credits(holder, fg, "3.0")

    results, errors = run_at_once(lambda holder: issuing.certificate_issue(holder=holder, programme=programme), holders)

    assert errors == []
    assert len(results) == 50
    numbers = list(Certificate.objects.values_list("number", flat=True))
    serials = sorted(int(re.search(r"第(\d+)号", number).group(1)) for number in numbers)
    assert serials == list(range(1, 51))  # unique, and no gaps
    year = timezone.localdate().year
    assert CertificateNumberCounter.objects.get(year=year).last_serial == 50
    assert all(certificate.pdf and len(certificate.pdf_sha256) == 64 for certificate in Certificate.objects.all())


def test_hundred_registrations_for_thirty_places_register_thirty_and_waitlist_seventy_in_order():
    session = make_session(capacity=30)
    people = [UserFactory() for _ in range(100)]

    results, errors = run_at_once(lambda person: course_services.session_register(user=person, session=session), people)

    assert errors == []
    assert len(results) == 100
    rows = SessionRegistration.objects.filter(session=session)
    assert rows.count() == 100
    assert rows.filter(status="registered").count() == 30
    assert rows.filter(status="waitlisted").count() == 70
    assert sorted(rows.filter(status="waitlisted").values_list("position", flat=True)) == list(range(1, 71))


def test_cancellations_and_newcomers_racing_keep_capacity_and_the_waiting_lists_order():
    """Ten seats, twenty waiting; at once, six seat-holders cancel, a registrar cancels two more, the last two on
    the list give up, and fifteen newcomers register. Exactly the first eight waiting move up, the newcomers all
    queue behind everyone who was waiting, and the list is numbered 1..n without gaps."""
    session = make_session(capacity=10)
    holders = [UserFactory() for _ in range(10)]
    waiting = [UserFactory() for _ in range(20)]
    for person in holders + waiting:
        course_services.session_register(user=person, session=session)
    registrar = make_registrar()
    newcomers = [UserFactory() for _ in range(15)]

    def act(job):
        kind, person = job
        if kind == "cancel":
            return course_services.session_registration_cancel(user=person, session=session)
        if kind == "withdraw":
            return course_services.session_registration_withdraw(actor=registrar, session=session, user=person)
        return course_services.session_register(user=person, session=session)

    jobs = (
        [("cancel", person) for person in holders[:6]]
        + [("withdraw", person) for person in holders[6:8]]
        + [("cancel", person) for person in waiting[-2:]]
        + [("register", person) for person in newcomers]
    )
    results, errors = run_at_once(act, jobs)

    assert errors == []
    assert len(results) == len(jobs)
    rows = SessionRegistration.objects.filter(session=session)
    seated = set(rows.filter(status="registered").values_list("user_id", flat=True))
    assert seated == {person.pk for person in holders[8:] + waiting[:8]}  # capacity kept, promoted in order
    queue = list(rows.filter(status="waitlisted").order_by("position").values_list("user_id", "position"))
    assert [position for _user, position in queue] == list(range(1, len(queue) + 1))
    assert [user for user, _position in queue[:10]] == [person.pk for person in waiting[8:18]]
    assert {user for user, _position in queue[10:]} == {person.pk for person in newcomers}


def test_twenty_simultaneous_sign_ups_for_the_last_five_places_let_exactly_five_in(make_event):
    event = make_event(capacity=10)
    for n in range(5):
        event_signup_create(event=event, name=f"已报名{n}", phone=f"1390000{n:04d}")

    def sign_up(n):
        return event_signup_create(event=event, name=f"居民{n}", phone=f"1381111{n:04d}")

    results, errors = run_at_once(sign_up, range(20))

    assert len(results) == 5
    assert len(errors) == 15
    assert all(isinstance(error, ValidationError) and error.code == "full" for error in errors)
    assert EventSignup.objects.filter(event=event).count() == 10
