"""Offline training pages and admin screens: who may see what, the calendar file, exports and the sign-in sheet."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from courses import checkin, services
from courses.models import SessionAttendance, SessionRegistration
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator, with_admin_access

from .factories import make_session, wrong_code

pytestmark = pytest.mark.django_db


def running_session(**kwargs):
    return make_session(starts_in=timedelta(minutes=-5), **kwargs)


def test_my_training_shows_only_the_viewers_sessions_and_needs_login(client):
    session = make_session()
    mine, theirs = UserFactory(), UserFactory(real_name="别人")
    services.session_register(user=mine, session=session)
    assert client.get(reverse("courses_my_training")).status_code == 302
    client.force_login(theirs)
    page = client.get(reverse("courses_my_training")).content.decode()
    assert f'data-testid="upcoming-{session.pk}"' not in page
    assert f'data-testid="session-{session.pk}"' in page  # still open for them to register
    client.force_login(mine)
    page = client.get(reverse("courses_my_training")).content.decode()
    assert f'data-testid="upcoming-{session.pk}"' in page
    assert "添加到日历" in page


def test_a_trainee_registers_and_cancels_from_the_session_page(client):
    session = make_session(capacity=1)
    trainee = UserFactory()
    client.force_login(trainee)
    response = client.post(reverse("courses_session_register", args=[session.pk]), follow=True)
    assert "您已获得" in response.content.decode() or "名额" in response.content.decode()
    assert trainee.session_registrations.get().status == "registered"
    client.post(reverse("courses_session_cancel", args=[session.pk]))
    assert trainee.session_registrations.get().status == "cancelled"
    assert client.get(reverse("courses_session_register", args=[session.pk])).status_code == 405


def test_the_calendar_file_parses_and_is_only_for_registered_trainees(client):
    session = make_session()
    trainee = UserFactory()
    client.force_login(trainee)
    url = reverse("courses_session_calendar", args=[session.pk])
    assert client.get(url).status_code == 404
    services.session_register(user=trainee, session=session)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == session.title
    assert event.decoded("DTSTART") == session.start.replace(microsecond=0)
    assert session.venue.name in str(event["LOCATION"])


def test_the_check_in_url_marks_the_trainee_present_and_a_forged_one_explains_and_saves_nothing(client):
    session = running_session()
    trainee = UserFactory()
    services.session_registration_add(actor=make_registrar(), user=trainee, session=session)
    client.force_login(trainee)
    url = reverse("courses_session_check_in", args=[session.pk])
    forged = client.get(url, {"t": f"{session.pk}-{checkin.window_at()}-{'a' * 20}"})
    assert "签到码无效" in forged.content.decode() or 'data-testid="check-in-error"' in forged.content.decode()
    assert not SessionAttendance.objects.exists()
    response = client.get(url, {"t": checkin.token_for(session.pk, checkin.window_at())}, follow=True)
    assert 'data-testid="checked-in"' in response.content.decode()
    assert SessionAttendance.objects.get().user == trainee


def test_the_check_in_url_needs_login(client):
    session = running_session()
    response = client.get(reverse("courses_session_check_in", args=[session.pk]), {"t": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_drafts_are_hidden_from_trainees(client):
    session = make_session(status="draft")
    client.force_login(UserFactory())
    assert client.get(reverse("courses_session", args=[session.pk])).status_code == 404


def test_trainees_cannot_reach_the_staff_screens(client):
    session = make_session()
    client.force_login(with_admin_access(UserFactory()))
    for name in ("roster", "projector", "projector_code", "attendance_export", "sign_in_sheet"):
        assert client.get(reverse(f"courses_sessions:{name}", args=[session.pk])).status_code in (302, 403)
    assert client.get(reverse("courses_sessions:index")).status_code in (302, 403)


def test_a_street_administrator_sees_only_their_streets_trainees_and_cannot_run_the_session(client):
    hushu, other = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    session = make_session()
    near, far = UserFactory(real_name="湖墅学员", street=hushu), UserFactory(real_name="米市巷学员", street=other)
    services.session_registration_add(actor=make_registrar(), user=near, session=session)
    services.session_registration_add(actor=make_registrar(), user=far, session=session)
    client.force_login(with_admin_access(make_street_administrator(hushu)))
    roster = client.get(reverse("courses_sessions:roster", args=[session.pk])).content.decode()
    assert "湖墅学员" in roster and "米市巷学员" not in roster
    assert 'name="action" value="mark"' not in roster
    export = client.get(reverse("courses_sessions:attendance_export", args=[session.pk]))
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert "湖墅学员" in cells and "米市巷学员" not in cells
    assert client.get(reverse("courses_sessions:projector", args=[session.pk])).status_code in (302, 403)
    response = client.post(
        reverse("courses_sessions:roster", args=[session.pk]), {"action": "mark", "user": near.pk, "status": "present"}
    )
    assert response.status_code in (302, 403)  # Wagtail's admin turns PermissionDenied into a redirect home
    assert not SessionAttendance.objects.exists()
    registrations = client.get(reverse("courses_session_registrations:index")).content.decode()
    assert "湖墅学员" in registrations and "米市巷学员" not in registrations


def test_the_registrar_runs_the_projector_marks_attendance_and_exports(client):
    session = running_session()
    trainee = UserFactory(real_name='=HYPERLINK("http://evil")')
    registrar = with_admin_access(make_registrar())
    services.session_registration_add(actor=registrar, user=trainee, session=session)
    client.force_login(registrar)
    index = client.get(reverse("courses_sessions:index")).content.decode()
    assert reverse("courses_sessions:projector", args=[session.pk]) in index
    projector = client.get(reverse("courses_sessions:projector", args=[session.pk])).content.decode()
    assert (
        checkin.code_for(session.pk, checkin.window_at()) in projector
        or checkin.code_for(session.pk, checkin.window_at() - 1) in projector
    )
    assert "<svg" in projector and "projector.js" in projector
    feed = client.get(reverse("courses_sessions:projector_code", args=[session.pk])).json()
    assert len(feed["code"]) == 6 and feed["qr_svg"].startswith("<svg")
    client.post(
        reverse("courses_sessions:roster", args=[session.pk]), {"action": "mark", "user": trainee.pk, "status": "late"}
    )
    assert SessionAttendance.objects.get().status == "late"
    export = client.get(reverse("courses_sessions:attendance_export", args=[session.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'  # neutralised
    template = client.get(reverse("courses_sessions:attendance_template"))
    assert list(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))[0][:2] == (
        "手机号",
        "状态",
    )


def test_the_roster_import_with_a_bad_row_lists_it_and_imports_nothing(client):
    from openpyxl import Workbook

    session = running_session()
    trainee = UserFactory()
    registrar = with_admin_access(make_registrar())
    services.session_registration_add(actor=registrar, user=trainee, session=session)
    book = Workbook()
    book.active.append(["手机号", "状态"])
    book.active.append([trainee.phone[3:], "出席"])
    book.active.append(["13311112222", "出席"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "attendance.xlsx"
    client.force_login(registrar)
    response = client.post(reverse("courses_sessions:roster", args=[session.pk]), {"action": "import", "file": buffer})
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page and "3" in page
    assert not SessionAttendance.objects.exists()


def test_the_sign_in_sheet_is_an_a4_pdf_with_the_registered_names(client):
    session = make_session()
    registrar = with_admin_access(make_registrar())
    for name in ("张晓明", "李秀英"):
        services.session_registration_add(actor=registrar, user=UserFactory(real_name=name), session=session)
    client.force_login(registrar)
    response = client.get(reverse("courses_sessions:sign_in_sheet", args=[session.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = reader.pages[0].extract_text()
    assert "张晓明" in text and "李秀英" in text and session.title in text


# Waiting list ---------------------------------------------------------------------------------------------


def _edit_form_data(session, **changes) -> dict:
    from django.utils import timezone

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    data = {
        "course": session.course_id,
        "title": session.title,
        "start": when(session.start),
        "end": when(session.end),
        "venue": session.venue_id,
        "lecturer": session.lecturer_id or "",
        "capacity": session.capacity,
        "registration_opens": when(session.registration_opens),
        "registration_closes": when(session.registration_closes),
        "hours": session.hours,
        "status": session.status,
        "notes": session.notes,
    }
    data.update(changes)
    return data


def test_a_registrar_raising_the_capacity_in_the_admin_promotes_the_waiting_list_in_order(
    client, django_capture_on_commit_callbacks, settings
):
    from academy.sms import ConsoleSMSSender

    settings.NOTIFICATIONS_QUIET_HOURS = ""  # about who is texted, not when (see tests/notifications)
    ConsoleSMSSender.outbox.clear()
    session = make_session(capacity=1)
    people = [UserFactory() for _ in range(4)]
    for person in people:
        services.session_register(user=person, session=session)
    client.force_login(with_admin_access(make_registrar()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("courses_sessions:edit", args=[session.pk]), _edit_form_data(session, capacity=3)
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    statuses = {r.user_id: (r.status, r.position) for r in SessionRegistration.objects.filter(session=session)}
    assert statuses == {
        people[0].pk: ("registered", None),
        people[1].pk: ("registered", None),
        people[2].pk: ("registered", None),
        people[3].pk: ("waitlisted", 1),
    }
    assert [m.phone for m in ConsoleSMSSender.outbox] == [people[1].phone, people[2].phone]


def test_the_position_a_waiting_trainee_sees_is_current_on_the_session_page_and_my_training(client):
    session = make_session(capacity=1)
    holder, first, second, third = (UserFactory() for _ in range(4))
    for person in (holder, first, second, third):
        services.session_register(user=person, session=session)
    client.force_login(third)
    assert "候补第 3 位" in client.get(reverse("courses_session", args=[session.pk])).content.decode()
    services.session_registration_cancel(user=first, session=session)
    page = client.get(reverse("courses_session", args=[session.pk])).content.decode()
    assert "候补第 2 位" in page and "候补第 3 位" not in page
    assert "候补第 2 位" in client.get(reverse("courses_my_training")).content.decode()
    services.session_registration_withdraw(actor=make_registrar(), session=session, user=holder)
    page = client.get(reverse("courses_my_training")).content.decode()
    assert "候补第 1 位" in page


def test_a_registrar_cancels_a_place_from_the_roster_and_the_first_waiting_moves_up(client):
    session = make_session(capacity=1)
    holder, waiting = UserFactory(real_name="张晓明"), UserFactory(real_name="李秀英")
    services.session_register(user=holder, session=session)
    services.session_register(user=waiting, session=session)
    client.force_login(with_admin_access(make_registrar()))
    url = reverse("courses_sessions:roster", args=[session.pk])
    assert f'data-testid="withdraw-{holder.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"action": "withdraw", "user": holder.pk}, follow=True)
    assert "张晓明" in response.content.decode()
    statuses = dict(SessionRegistration.objects.filter(session=session).values_list("user_id", "status"))
    assert statuses == {holder.pk: "cancelled", waiting.pk: "registered"}


# Typed check-in codes ---------------------------------------------------------------------------------------


def test_typed_codes_are_limited_per_person_at_the_limit_and_a_right_code_stays_refused_until_the_window_passes(
    client, settings, monkeypatch
):
    import time
    from types import SimpleNamespace

    from academy import ratelimit

    settings.CHECK_IN_CODE_RATE_PER_PERSON = "10/10m"
    session = running_session()
    trainee = UserFactory()
    services.session_registration_add(actor=make_registrar(), user=trainee, session=session)
    client.force_login(trainee)
    url = reverse("courses_session_check_in", args=[session.pk])
    for _attempt in range(10):  # the tenth is still allowed
        response = client.post(url, {"code": wrong_code(session)})
        assert response.status_code == 200
        assert "不是屏幕上的签到码" in response.content.decode()
    refused = client.post(url, {"code": wrong_code(session)})
    assert refused.status_code == 429
    assert "输入签到码的次数过多" in refused.content.decode()
    right = client.post(url, {"code": checkin.code_for(session.pk, checkin.window_at())})
    assert right.status_code == 429  # locked out: the right code does not get through either
    assert not SessionAttendance.objects.exists()
    later = time.time() + 600
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: later))  # the ten-minute window has passed
    response = client.post(url, {"code": checkin.code_for(session.pk, checkin.window_at())})
    assert response.status_code == 302
    assert SessionAttendance.objects.get().user == trainee


def test_a_typed_malformed_code_gets_its_own_message_not_the_link_one(client):
    session = running_session()
    trainee = UserFactory()
    services.session_registration_add(actor=make_registrar(), user=trainee, session=session)
    client.force_login(trainee)
    page = client.post(reverse("courses_session_check_in", args=[session.pk]), {"code": "12345"}).content.decode()
    assert "请输入屏幕上二维码下方的六位数字" in page
    assert "签到链接不完整" not in page


# What a session's status says ----------------------------------------------------------------------------


def test_a_past_session_reads_ended_and_a_running_one_in_progress_in_the_admin_and_on_its_page(client):
    ended = make_session(starts_in=timedelta(days=-2), registration_open=False, title="已结束的班次")
    running = running_session(title="进行中的班次")
    coming = make_session(title="未开始的班次")
    assert [s.status for s in (ended, running, coming)] == ["scheduled"] * 3  # what is stored does not change
    client.force_login(with_admin_access(make_registrar()))
    listing = client.get(reverse("courses_sessions:index")).content.decode().split("<tr")
    rows = {
        title: next(row for row in listing if title in row)
        for title in ("已结束的班次", "进行中的班次", "未开始的班次")
    }
    assert "已结束" in rows["已结束的班次"] and "已排期" not in rows["已结束的班次"]
    assert "进行中" in rows["进行中的班次"]
    assert "已排期" in rows["未开始的班次"]
    inspect = client.get(reverse("courses_sessions:inspect", args=[ended.pk])).content.decode()
    assert "已结束" in inspect and "已排期" not in inspect
    assert "已结束" in client.get(reverse("courses_sessions:roster", args=[ended.pk])).content.decode()
    page = client.get(reverse("courses_session", args=[ended.pk])).content.decode()
    assert '<dd data-testid="session-status">已结束</dd>' in page


# Progress on an offline course ------------------------------------------------------------------------------


def test_an_offline_course_shows_its_session_and_place_instead_of_zero_of_zero_lessons(client):
    from courses.services import enrolment_create

    session = make_session(capacity=1)
    course = session.course
    assert course.delivery_mode == "offline"
    trainee, holder = UserFactory(), UserFactory()
    enrolment_create(user=trainee, course=course)
    client.force_login(trainee)

    def pages():
        return [client.get(reverse("courses_my_learning")).content.decode(), client.get(course.url).content.decode()]

    for page in pages():
        assert "0 / 0 课时" not in page
        assert "参加其中一期线下班次即可完成本课程；您尚未报名班次。" in page
    services.session_register(user=holder, session=session)
    services.session_register(user=trainee, session=session)
    for page in pages():
        assert "0 / 0 课时" not in page
        assert session.title in page and "候补第 1 位" in page
    services.session_registration_cancel(user=holder, session=session)
    for page in pages():
        assert "已获得名额" in page


@pytest.mark.parametrize("posted", ["abc", "99999999999999999999999", "-1", "1.5", ""])
@pytest.mark.parametrize("action", ["mark", "withdraw"])
def test_a_roster_action_naming_no_trainee_explains_and_changes_nothing(client, action, posted):
    session = running_session()
    trainee = UserFactory()
    registrar = with_admin_access(make_registrar())
    services.session_registration_add(actor=registrar, user=trainee, session=session)
    client.force_login(registrar)
    response = client.post(
        reverse("courses_sessions:roster", args=[session.pk]),
        {"action": action, "user": posted, "status": "present"},
        follow=True,
    )
    assert response.status_code == 200
    assert "请选择名单上的学员" in response.content.decode()
    assert not SessionAttendance.objects.exists()
    assert SessionRegistration.objects.get(user=trainee).status == "registered"
