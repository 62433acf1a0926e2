"""Offline training pages and admin screens: who may see what, the calendar file, exports and the sign-in sheet."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from courses import checkin, services
from courses.models import SessionAttendance
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator

from .factories import make_session

pytestmark = pytest.mark.django_db


def staff(user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


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
    client.force_login(staff(UserFactory()))
    for name in ("roster", "projector", "projector_code", "attendance_export", "sign_in_sheet"):
        assert client.get(reverse(f"courses_sessions:{name}", args=[session.pk])).status_code in (302, 403)
    assert client.get(reverse("courses_sessions:index")).status_code in (302, 403)


def test_a_street_administrator_sees_only_their_streets_trainees_and_cannot_run_the_session(client):
    hushu, other = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    session = make_session()
    near, far = UserFactory(real_name="湖墅学员", street=hushu), UserFactory(real_name="米市巷学员", street=other)
    services.session_registration_add(actor=make_registrar(), user=near, session=session)
    services.session_registration_add(actor=make_registrar(), user=far, session=session)
    client.force_login(staff(make_street_administrator(hushu)))
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
    trainee = UserFactory(real_name="=HYPERLINK(\"http://evil\")")
    registrar = staff(make_registrar())
    services.session_registration_add(actor=registrar, user=trainee, session=session)
    client.force_login(registrar)
    index = client.get(reverse("courses_sessions:index")).content.decode()
    assert reverse("courses_sessions:projector", args=[session.pk]) in index
    projector = client.get(reverse("courses_sessions:projector", args=[session.pk])).content.decode()
    assert checkin.code_for(session.pk, checkin.window_at()) in projector or checkin.code_for(
        session.pk, checkin.window_at() - 1
    ) in projector
    assert "<svg" in projector and "projector.js" in projector
    feed = client.get(reverse("courses_sessions:projector_code", args=[session.pk])).json()
    assert len(feed["code"]) == 6 and feed["qr_svg"].startswith("<svg")
    client.post(reverse("courses_sessions:roster", args=[session.pk]), {"action": "mark", "user": trainee.pk, "status": "late"})
    assert SessionAttendance.objects.get().status == "late"
    export = client.get(reverse("courses_sessions:attendance_export", args=[session.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[2][1] == "'=HYPERLINK(\"http://evil\")"  # neutralised
    template = client.get(reverse("courses_sessions:attendance_template"))
    assert list(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))[0][:2] == ("手机号", "状态")


def test_the_roster_import_with_a_bad_row_lists_it_and_imports_nothing(client):
    from openpyxl import Workbook

    session = running_session()
    trainee = UserFactory()
    registrar = staff(make_registrar())
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
    registrar = staff(make_registrar())
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
