"""Offline training: registration (window, capacity, waiting list), check-in tokens and codes, attendance that
completes courses and earns credits and offline hours exactly once, imports, reminders and cohorts."""

import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import close_old_connections
from django.utils import timezone, translation
from openpyxl import Workbook

from academy.sms import ConsoleSMSSender
from courses import checkin, rules, services
from courses.models import CourseCompletion, LessonPage, SessionAttendance, SessionRegistration, TrainingSession
from courses.signals import course_completed
from credits import selectors as credit_selectors
from credits import services as credit_services
from credits.models import Cohort, CreditEntry, OfflineHoursEntry
from tests.credits.factories import make_programme
from tests.factories import UserFactory, inflated, make_registrar

from .factories import CompetencyFactory, make_course, make_session, wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox(settings):
    ConsoleSMSSender.outbox.clear()
    # Texts go through the notification centre, which holds them back at night: these tests are about who is
    # texted, not when (quiet hours are tested in tests/notifications).
    settings.NOTIFICATIONS_QUIET_HOURS = ""


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English here; the Chinese is checked in the view and browser tests."""
    with translation.override("en"):
        yield


def running_session(**kwargs):
    """A session that started ``started`` minutes ago (default 5), so check-in is open."""
    started = kwargs.pop("started", 5)
    return make_session(starts_in=timedelta(minutes=-started), **kwargs)


def registered(session, *people):
    registrar = make_registrar()
    for person in people:
        services.session_registration_add(actor=registrar, user=person, session=session)
    return registrar


def current_token(session, *, shift: int = 0) -> str:
    return checkin.token_for(session.pk, checkin.window_at() + shift)


# Registration ---------------------------------------------------------------------------------------------


def test_registering_outside_the_window_is_refused_and_saves_nothing():
    session = make_session(registration_open=False)
    trainee = UserFactory()
    with pytest.raises(services.CourseActionError) as refusal:
        services.session_register(user=trainee, session=session)
    assert refusal.value.code == "closed"
    assert "closed" in refusal.value.message
    assert not SessionRegistration.objects.exists()


def test_registration_not_yet_open_says_so():
    now = timezone.now()
    session = make_session(registration_opens=now + timedelta(hours=1), registration_closes=now + timedelta(hours=5))
    with pytest.raises(services.CourseActionError, match="not opened yet"):
        services.session_register(user=UserFactory(), session=session)


def test_a_full_session_puts_the_next_trainee_on_the_waiting_list_in_order():
    session = make_session(capacity=2)
    people = [UserFactory() for _ in range(4)]
    places = [services.session_register(user=person, session=session) for person in people]
    assert [p.status for p in places] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert [p.position for p in places] == [None, None, 1, 2]
    assert services.session_register(user=people[0], session=session).pk == places[0].pk  # twice changes nothing
    assert SessionRegistration.objects.count() == 4


def test_cancelling_promotes_the_first_on_the_waiting_list_and_texts_them(django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        services.session_register(user=person, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_registration_cancel(user=first, session=session)
    statuses = dict(SessionRegistration.objects.values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "registered", third.pk: "waitlisted"}
    assert [m.phone for m in ConsoleSMSSender.outbox] == [second.phone]
    assert session.title in ConsoleSMSSender.outbox[0].text


def waiting_list(session) -> list[tuple[int, int]]:
    """(user id, position) of everyone waiting, in order."""
    return list(
        SessionRegistration.objects.filter(session=session, status="waitlisted")
        .order_by("position")
        .values_list("user_id", "position")
    )


def seated(session) -> set[int]:
    return set(
        SessionRegistration.objects.filter(session=session, status="registered").values_list("user_id", flat=True)
    )


def test_a_waiting_trainee_leaving_moves_everyone_behind_them_up_one(django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    first, second, third, fourth = (UserFactory() for _ in range(4))
    for person in (first, second, third, fourth):
        services.session_register(user=person, session=session)
    assert waiting_list(session) == [(second.pk, 1), (third.pk, 2), (fourth.pk, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.session_registration_cancel(user=third, session=session)
    assert waiting_list(session) == [(second.pk, 1), (fourth.pk, 2)]  # not "number 3 of 2"
    assert ConsoleSMSSender.outbox == []  # nobody got a seat, so nobody is texted


def test_a_newcomer_never_takes_a_freed_seat_ahead_of_the_waiting_list():
    session = make_session(capacity=1)
    holder, waiting, newcomer = UserFactory(), UserFactory(), UserFactory()
    services.session_register(user=holder, session=session)
    services.session_register(user=waiting, session=session)
    # A seat frees without any service moving the list on (for instance the capacity changed in a data fix).
    TrainingSession.objects.filter(pk=session.pk).update(capacity=2)
    session.refresh_from_db()
    place = services.session_register(user=newcomer, session=session)
    assert (place.status, place.position) == ("waitlisted", 1)
    assert seated(session) == {holder.pk, waiting.pk}


def test_a_newcomer_joins_the_back_of_the_waiting_list():
    session = make_session(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.session_register(user=person, session=session)
    services.session_registration_cancel(user=people[1], session=session)  # number 1 leaves the list
    late = services.session_register(user=UserFactory(), session=session)
    assert (late.status, late.position) == ("waitlisted", 2)
    assert waiting_list(session) == [(people[2].pk, 1), (late.user_id, 2)]


def test_raising_the_capacity_promotes_the_waiting_list_in_order_and_texts_them(django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    people = [UserFactory() for _ in range(5)]
    for person in people:
        services.session_register(user=person, session=session)
    session.capacity = 3
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.session_waiting_list_settle(session=session)
    assert [r.user_id for r in promoted] == [people[1].pk, people[2].pk]
    assert seated(session) == {people[0].pk, people[1].pk, people[2].pk}
    assert waiting_list(session) == [(people[3].pk, 1), (people[4].pk, 2)]
    assert [m.phone for m in ConsoleSMSSender.outbox] == [people[1].phone, people[2].phone]


def test_a_registrar_cancelling_a_place_promotes_the_first_waiting_and_is_logged(django_capture_on_commit_callbacks):
    from wagtail.models import ModelLogEntry

    session = make_session(capacity=2)
    people = [UserFactory() for _ in range(4)]
    for person in people:
        services.session_register(user=person, session=session)
    registrar = make_registrar()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_registration_withdraw(actor=registrar, session=session, user=people[0])
    assert seated(session) == {people[1].pk, people[2].pk}
    assert waiting_list(session) == [(people[3].pk, 1)]
    assert [m.phone for m in ConsoleSMSSender.outbox] == [people[2].phone]
    assert ModelLogEntry.objects.filter(action="courses.registration_withdraw", user=registrar).exists()
    with pytest.raises(services.CourseActionError):
        services.session_registration_withdraw(actor=people[1], session=session, user=people[1])  # trainees may not
    with pytest.raises(services.CourseActionError, match="not registered"):
        services.session_registration_withdraw(actor=registrar, session=session, user=people[0])


def test_a_registration_deleted_with_its_account_frees_the_seat_for_the_waiting_list(
    django_capture_on_commit_callbacks,
):
    session = make_session(capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    services.session_register(user=holder, session=session)
    services.session_register(user=waiting, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        holder.delete()
    assert seated(session) == {waiting.pk}
    assert [m.phone for m in ConsoleSMSSender.outbox] == [waiting.phone]


def test_the_waiting_list_stays_put_once_the_session_has_started():
    session = make_session(capacity=1, starts_in=timedelta(minutes=-5))
    holder, waiting = UserFactory(), UserFactory()
    registrar = registered(session, holder, waiting)
    services.session_registration_withdraw(actor=registrar, session=session, user=holder)
    assert seated(session) == set()  # nobody is texted a seat in a class already under way
    assert waiting_list(session) == [(waiting.pk, 1)]
    walk_in = services.session_registration_add(actor=registrar, user=UserFactory(), session=session)
    assert walk_in.status == "registered"  # the empty seat goes to whoever is in the room


def test_a_sessions_phase_follows_the_clock_and_a_cancelled_one_stays_cancelled():
    start = timezone.now()
    end = start + timedelta(hours=3)
    phase = [
        rules.session_phase(status=status, start=start, end=end, now=now)
        for status, now in (
            ("scheduled", start - timedelta(seconds=1)),
            ("scheduled", start),
            ("scheduled", end),
            ("cancelled", end + timedelta(days=1)),
            ("draft", start - timedelta(days=1)),
        )
    ]
    assert phase == ["scheduled", "in_progress", "ended", "cancelled", "draft"]


def test_registering_enrols_the_trainee_in_the_course():
    session = make_session()
    trainee = UserFactory()
    services.session_register(user=trainee, session=session)
    assert trainee.enrolments.filter(course=session.course).exists()


def test_an_online_course_cannot_have_sessions():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_session(make_course(code="FG-01", delivery_mode="online"))


def test_session_hours_default_to_its_length():
    assert make_session(hours=2.5).hours == Decimal("2.5")


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_registrations_never_overbook_the_session():
    session = make_session(capacity=3)
    people = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        close_old_connections()
        try:
            barrier.wait()
            services.session_register(user=person, session=session)
        except Exception as error:  # noqa: BLE001  (collected and asserted below)
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = SessionRegistration.objects.filter(session=session)
    assert rows.filter(status="registered").count() == 3
    assert rows.filter(status="waitlisted").count() == 9
    assert sorted(rows.filter(status="waitlisted").values_list("position", flat=True)) == list(range(1, 10))


# Check-in -------------------------------------------------------------------------------------------------


def test_scanning_the_current_token_marks_a_registered_trainee_present():
    session = running_session()
    trainee = UserFactory()
    registered(session, trainee)
    attendance = services.session_check_in(user=trainee, session=session, token=current_token(session))
    assert (attendance.status, attendance.method) == ("present", "qr")


def test_the_previous_windows_token_is_still_accepted_for_scan_delay():
    session = running_session()
    trainee = UserFactory()
    registered(session, trainee)
    assert services.session_check_in(user=trainee, session=session, token=current_token(session, shift=-1))


@pytest.mark.parametrize(
    ("make_token", "code", "words"),
    [
        (lambda s, other: current_token(s, shift=-2), "expired", "expired"),
        (lambda s, other: current_token(other), "other_session", "another session"),
        (lambda s, other: current_token(s)[:-4] + "beef", "forged", "not valid"),
        (lambda s, other: f"{s.pk}-{checkin.window_at()}-{'0' * 20}", "forged", "not valid"),
        (lambda s, other: "hello", "malformed", "incomplete"),
    ],
)
def test_bad_tokens_are_refused_with_the_reason_and_nothing_is_saved(make_token, code, words):
    session = running_session()
    other = running_session(title="另一班次")
    trainee = UserFactory()
    registered(session, trainee)
    with pytest.raises(services.CourseActionError) as refusal:
        services.session_check_in(user=trainee, session=session, token=make_token(session, other))
    assert refusal.value.code == code
    assert words in refusal.value.message
    assert not SessionAttendance.objects.exists()
    assert not OfflineHoursEntry.objects.exists()


def test_the_six_digit_code_works_and_an_old_code_is_answered_like_a_never_valid_one():
    session = running_session()
    trainee, latecomer = UserFactory(), UserFactory()
    registered(session, trainee, latecomer)
    window = checkin.window_at()
    old = checkin.code_for(session.pk, window - 5)
    never = wrong_code(session, also_not=old)
    answers = []
    for code in (old, never):
        with pytest.raises(services.CourseActionError) as refusal:
            services.session_check_in(user=latecomer, session=session, code=code)
        answers.append((refusal.value.code, refusal.value.message))
    assert answers[0] == answers[1]  # nothing tells a guesser which codes were once real
    assert answers[0][0] == "wrong_code" and "expired" not in answers[0][1]
    attendance = services.session_check_in(user=trainee, session=session, code=checkin.code_for(session.pk, window))
    assert attendance.method == "code"


def test_a_malformed_typed_code_is_told_to_type_six_digits_not_to_rescan_a_link():
    session = running_session()
    trainee = UserFactory()
    registered(session, trainee)
    for typed in ("12345", "12a456", "1234567", ""):
        with pytest.raises(services.CourseActionError) as refusal:
            services.session_check_in(user=trainee, session=session, code=typed)
        assert refusal.value.code == "malformed_code"
        assert "six digits" in refusal.value.message and "link" not in refusal.value.message
    assert not SessionAttendance.objects.exists()


def test_typed_codes_are_limited_per_session_across_its_trainees(settings):
    settings.CHECK_IN_CODE_RATE_PER_PERSON = "100/10m"
    settings.CHECK_IN_CODE_RATE_PER_SESSION = "3/10m"
    session = running_session()
    people = [UserFactory() for _ in range(4)]
    registered(session, *people)
    for person in people[:3]:
        with pytest.raises(services.CourseActionError) as refusal:
            services.session_check_in(user=person, session=session, code=wrong_code(session))
        assert refusal.value.code == "wrong_code"
    with pytest.raises(services.CourseActionError) as refusal:
        services.session_check_in(
            user=people[3], session=session, code=checkin.code_for(session.pk, checkin.window_at())
        )
    assert refusal.value.code == "rate_limited"
    assert not SessionAttendance.objects.exists()


def test_checking_in_twice_is_refused():
    session = running_session()
    trainee = UserFactory()
    registered(session, trainee)
    services.session_check_in(user=trainee, session=session, token=current_token(session))
    with pytest.raises(services.CourseActionError, match="already checked in"):
        services.session_check_in(user=trainee, session=session, token=current_token(session))
    assert SessionAttendance.objects.count() == 1


def test_only_registered_trainees_can_check_in():
    session = running_session(capacity=1)
    seated, waiting, stranger = UserFactory(), UserFactory(), UserFactory()
    registered(session, seated, waiting)
    for person in (waiting, stranger):
        with pytest.raises(services.CourseActionError, match="not registered"):
            services.session_check_in(user=person, session=session, token=current_token(session))
    assert not SessionAttendance.objects.exists()


def test_check_in_opens_thirty_minutes_before_and_closes_at_the_end():
    session = make_session(starts_in=timedelta(minutes=45))
    trainee = UserFactory()
    registered(session, trainee)
    with pytest.raises(services.CourseActionError, match="30 minutes before"):
        services.session_check_in(user=trainee, session=session, token=current_token(session))
    later = session.end + timedelta(minutes=1)
    with pytest.raises(services.CourseActionError, match="ended"):
        services.session_check_in(
            user=trainee,
            session=session,
            token=checkin.token_for(session.pk, checkin.window_at(later.timestamp())),
            now=later,
        )
    assert not SessionAttendance.objects.exists()


def test_more_than_fifteen_minutes_after_the_start_is_late():
    assert not rules.is_late(checked_in_at=timezone.now() + timedelta(minutes=15), start=timezone.now())
    session = running_session(started=16)
    trainee = UserFactory()
    registered(session, trainee)
    assert services.session_check_in(user=trainee, session=session, token=current_token(session)).status == "late"


def test_tokens_depend_on_the_secret_key(settings):
    token = checkin.token_for(7, 1000)
    settings.SECRET_KEY = "another-secret"  # noqa: S105
    assert checkin.token_for(7, 1000) != token
    assert not checkin.verify_token(token, session_id=7, now_window=1000).ok


# Attendance → completion, credits and offline hours --------------------------------------------------------


def test_attending_completes_an_offline_course_and_awards_credits_and_hours_exactly_once():
    course = make_course(code="MD-07", lessons=0, quiz=False, delivery_mode="offline", credits="1.5", hours="4.0")
    session = running_session(course=course, hours=3)
    trainee = UserFactory()
    registered(session, trainee)
    sent = []

    def listener(sender, **kwargs):
        sent.append(kwargs["course"].pk)

    course_completed.connect(listener)
    try:
        services.session_check_in(user=trainee, session=session, token=current_token(session))
        with pytest.raises(services.CourseActionError):
            services.session_check_in(user=trainee, session=session, token=current_token(session))
        services.course_completion_check(user=trainee, course=course)
    finally:
        course_completed.disconnect(listener)
    assert sent == [course.pk]
    assert CourseCompletion.objects.filter(user=trainee, course=course).count() == 1
    credit = CreditEntry.objects.get(trainee=trainee)
    assert (credit.amount, credit.kind, credit.source_key) == (
        Decimal("1.5"),
        "course",
        f"course:{course.pk}:user:{trainee.pk}",
    )
    hours = OfflineHoursEntry.objects.get(trainee=trainee)
    assert (hours.hours, hours.kind, hours.source_key) == (
        Decimal("3.0"),
        "attendance",
        f"attendance:{session.pk}:user:{trainee.pk}",
    )
    again = credit_services.offline_hours_record_for_attendance(
        user=trainee, session=session, attended_on=timezone.localdate()
    )
    assert again.pk == hours.pk and OfflineHoursEntry.objects.count() == 1


def test_a_blended_course_completes_only_when_both_its_online_and_offline_parts_are_done():
    course = make_course(code="DJ-12", lessons=1, quiz=False, delivery_mode="blended", credits="2.0")
    session = running_session(course=course)
    trainee = UserFactory()
    registered(session, trainee)
    services.session_check_in(user=trainee, session=session, token=current_token(session))
    assert not CourseCompletion.objects.exists()  # the lesson is not done yet
    assert OfflineHoursEntry.objects.count() == 1
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).get())
    assert CourseCompletion.objects.filter(user=trainee, course=course).exists()
    assert CreditEntry.objects.get(trainee=trainee).amount == Decimal("2.0")


def test_a_blended_course_does_not_complete_online_alone():
    course = make_course(code="DJ-12", lessons=1, quiz=False, delivery_mode="blended")
    trainee = UserFactory()
    services.enrolment_create(user=trainee, course=course)
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).get())
    assert not CourseCompletion.objects.exists()


def test_minimum_offline_hours_count_attended_session_hours():
    md = CompetencyFactory(code="MD")
    course = make_course(code="MD-07", competency=md, lessons=0, quiz=False, delivery_mode="offline", credits="1.0")
    programme = make_programme(total="1.0", offline_hours="4.0")
    trainee = UserFactory()
    first = running_session(course=course, hours=3)
    registered(first, trainee)
    services.session_check_in(user=trainee, session=first, token=current_token(first))
    eligibility = credit_selectors.eligibility_for(trainee=trainee, programme=programme)
    assert eligibility.messages == ["Offline learning still needs 1 hours"]
    second = running_session(course=course, hours=2, title="第二场")
    registered(second, trainee)
    services.session_check_in(user=trainee, session=second, token=current_token(second))
    assert credit_selectors.eligibility_for(trainee=trainee, programme=programme).met
    assert credit_selectors.my_credits_for(trainee).offline_hours_total == Decimal("5.0")


def test_the_offline_hours_ledger_is_append_only():
    from credits.models import LedgerIsAppendOnly

    session = running_session()
    trainee = UserFactory()
    registered(session, trainee)
    services.session_check_in(user=trainee, session=session, token=current_token(session))
    entry = OfflineHoursEntry.objects.get()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        OfflineHoursEntry.objects.update(hours=9)


def test_staff_mark_attendance_by_hand_and_a_trainee_only_once():
    session = running_session()
    trainee = UserFactory()
    registrar = registered(session, trainee)
    attendance = services.attendance_mark(actor=registrar, session=session, user=trainee, status="late")
    assert (attendance.method, attendance.recorded_by) == ("manual", registrar)
    with pytest.raises(services.CourseActionError, match="already recorded"):
        services.attendance_mark(actor=registrar, session=session, user=trainee, status="present")
    with pytest.raises(services.CourseActionError, match="Only registrars"):
        services.attendance_mark(actor=UserFactory(), session=session, user=UserFactory(), status="present")


# Import ---------------------------------------------------------------------------------------------------


def workbook(rows, headings=("手机号", "状态")) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_an_import_records_every_row_and_skips_those_already_checked_in():
    session = running_session()
    people = [UserFactory() for _ in range(3)]
    registrar = registered(session, *people)
    services.session_check_in(user=people[0], session=session, token=current_token(session))
    rows = [(people[0].phone[3:], "出席"), (people[1].phone, "迟到"), (int(people[2].phone[3:]), "present")]
    result = services.attendance_import(actor=registrar, session=session, file=workbook(rows))
    assert (result.recorded, result.already_recorded) == (2, 1)
    statuses = dict(SessionAttendance.objects.values_list("user_id", "status"))
    assert statuses == {people[0].pk: "present", people[1].pk: "late", people[2].pk: "present"}
    assert OfflineHoursEntry.objects.count() == 3


def test_an_import_with_one_bad_row_imports_nothing_and_names_every_bad_row():
    session = running_session()
    good, unregistered = UserFactory(), UserFactory()
    registrar = registered(session, good)
    rows = [
        (good.phone[3:], "出席"),  # row 2: fine on its own
        ("13312345678", "出席"),  # row 3: nobody has this number
        (unregistered.phone[3:], "出席"),  # row 4: not registered
        (good.phone[3:], "缺席"),  # row 5: bad status
        ("12345", "出席"),  # row 6: not a phone number
        (good.phone[3:], "迟到"),  # row 7: duplicate of row 2
    ]
    with pytest.raises(services.AttendanceImportError) as refusal:
        services.attendance_import(actor=registrar, session=session, file=workbook(rows))
    problems = dict(refusal.value.errors)
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "No trainee" in problems[3]
    assert "not registered" in problems[4]
    assert "缺席" in problems[5]
    assert "row 2" in problems[7]
    assert not SessionAttendance.objects.exists()
    assert not OfflineHoursEntry.objects.exists()
    assert not CourseCompletion.objects.exists()


def test_an_import_without_the_expected_headings_or_not_excel_is_refused():
    session = running_session()
    registrar = registered(session, UserFactory())
    with pytest.raises(services.AttendanceImportError, match="手机号"):
        services.attendance_import(actor=registrar, session=session, file=workbook([], headings=("姓名", "签到")))
    with pytest.raises(services.AttendanceImportError, match="not an Excel"):
        services.attendance_import(actor=registrar, session=session, file=io.BytesIO(b"phone,status\n"))


def test_an_attendance_file_longer_than_any_session_or_inflating_too_far_is_refused_unread():
    session = running_session()
    trainee = UserFactory()
    registrar = registered(session, trainee)
    rows = [(f"1380000{n:04d}", "出席") for n in range(services.MAX_ATTENDANCE_ROWS + 1)]
    with pytest.raises(services.AttendanceImportError, match="at most 1000 rows"):
        services.attendance_import(actor=registrar, session=session, file=workbook(rows))
    bomb = inflated(workbook([(trainee.phone[3:], "出席")]))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(services.AttendanceImportError, match="unpacks to far more"):
        services.attendance_import(actor=registrar, session=session, file=bomb)
    assert not SessionAttendance.objects.exists()
    # The same file without the padding is imported.
    assert (
        services.attendance_import(
            actor=registrar, session=session, file=workbook([(trainee.phone[3:], "出席")])
        ).recorded
        == 1
    )


# Reminders and cohorts ------------------------------------------------------------------------------------


def test_reminders_go_once_to_each_registered_trainee_of_tomorrows_sessions(django_capture_on_commit_callbacks):
    tomorrow = timezone.localtime() + timedelta(days=1)
    start_in = tomorrow.replace(hour=14, minute=0, second=0, microsecond=0) - timezone.localtime()
    session = make_session(starts_in=start_in, capacity=1)
    seated = UserFactory(email="seated@example.org")
    waiting = UserFactory()
    later = make_session(starts_in=timedelta(days=3), title="后天以后")
    for person in (seated, waiting):
        services.session_register(user=person, session=session)
    services.session_register(user=seated, session=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_send() == 1
    assert [m.phone for m in ConsoleSMSSender.outbox] == [seated.phone]
    assert [m.to for m in mail.outbox] == [["seated@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_send() == 0
    assert len(ConsoleSMSSender.outbox) == 1


def test_the_reminder_command_and_task_run_the_same_service(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from courses.tasks import send_session_reminders

    out = io.StringIO()
    call_command("send_session_reminders", stdout=out)
    assert "Reminded 0" in out.getvalue()
    assert send_session_reminders.enqueue().return_value == 0


def test_registering_a_cohort_registers_its_roster_for_coming_sessions_once():
    programme = make_programme()
    registrar = make_registrar()
    coming = make_session(capacity=2)
    past = make_session(starts_in=timedelta(days=-3), registration_open=False, title="已结束")
    cohort = Cohort.objects.create(name="2026年第3期小区专员岗前培训班", programme=programme)
    people = [UserFactory() for _ in range(3)]
    cohort.roster.set(people)
    cohort.sessions.set([coming, past])
    result = credit_services.cohort_register_for_sessions(actor=registrar, cohort=cohort)
    assert (result.registered, result.waitlisted, result.already, result.skipped_sessions) == (2, 1, 0, ("已结束",))
    again = credit_services.cohort_register_for_sessions(actor=registrar, cohort=cohort)
    assert (again.registered, again.waitlisted, again.already) == (0, 0, 3)
    assert not SessionRegistration.objects.filter(session=past).exists()
    with pytest.raises(credit_services.CreditActionError):
        credit_services.cohort_register_for_sessions(actor=UserFactory(), cohort=cohort)
