"""Event sign-up (capacity, duplicates, bad phones, closed), cancellation, ICS and the staff Excel export."""

import datetime as dt
import io
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from icalendar import Calendar
from openpyxl import load_workbook

from home.ics import escape_text, fold
from home.models import EventSignup
from home.services import event_signup_create
from home.tokens import signup_token
from tests.factories import UserFactory, make_editor

pytestmark = pytest.mark.django_db


def sign_up(client, event, name="王阿姨", phone="138 0013 8000"):
    return client.post(event.url, {"name": name, "phone": phone})


def test_resident_without_account_signs_up_and_sees_a_confirmation(client, event):
    response = sign_up(client, event)
    signup = EventSignup.objects.get()
    assert (signup.name, signup.phone, signup.user) == ("王阿姨", "+8613800138000", None)
    assert response.status_code == 302 and "/signed-up/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "王阿姨" in page and "138****8000" in page and "/cancel/" in page


def test_logged_in_user_is_prefilled_and_linked(client, event):
    user = UserFactory(real_name="张晓明", phone="+8613900000001")
    client.force_login(user)
    form = client.get(event.url).context["signup_form"]
    assert form.initial == {"name": "张晓明", "phone": "139 0000 0001"}
    sign_up(client, event, name="张晓明", phone="13900000001")
    assert EventSignup.objects.get().user == user


def test_same_phone_twice_is_refused_and_saves_nothing_more(client, event):
    sign_up(client, event, phone="13800138000")
    response = sign_up(client, event, name="另一个人", phone="+86 138-0013-8000")
    assert response.status_code == 200
    assert "已经报名" in response.content.decode() or "already signed up" in response.content.decode()
    assert EventSignup.objects.count() == 1


def test_bad_phone_is_refused_with_a_message(client, event):
    response = sign_up(client, event, phone="12345")
    assert response.status_code == 200
    assert response.context["signup_form"].errors["phone"]
    assert not EventSignup.objects.exists()


def test_full_event_refuses_the_next_person(client, make_event):
    event = make_event(capacity=2)
    sign_up(client, event, phone="13800000001")
    sign_up(client, event, phone="13800000002")
    response = sign_up(client, event, phone="13800000003")
    assert EventSignup.objects.count() == 2
    assert response.status_code == 200
    assert [error.code for error in response.context["signup_form"].errors.as_data()["__all__"]] == ["full"]
    with pytest.raises(ValidationError) as error:
        event_signup_create(event=event, name="第三人", phone="13800000003")
    assert error.value.code == "full"
    assert EventSignup.objects.count() == 2


def test_closed_and_past_events_refuse_sign_up(make_event):
    closed = make_event(signup_enabled=False)
    past = make_event(title="去年", days=-3)
    for event in (closed, past):
        with pytest.raises(ValidationError) as error:
            event_signup_create(event=event, name="王阿姨", phone="13800138000")
        assert error.value.code == "closed"
    assert not EventSignup.objects.exists()


def test_deadline_closes_sign_up_before_the_start(make_event):
    event = make_event(days=2)
    event.signup_deadline = event.start - dt.timedelta(days=3)
    event.save()
    with pytest.raises(ValidationError):
        event_signup_create(event=event, name="王阿姨", phone="13800138000")


def test_cancel_link_frees_the_place(client, make_event):
    event = make_event(capacity=1)
    sign_up(client, event)
    signup = EventSignup.objects.get()
    cancel_url = event.url + event.reverse_subpage("signup_cancel", args=[signup_token(signup)])
    assert client.get(cancel_url).status_code == 200
    client.post(cancel_url)
    assert not EventSignup.objects.exists()
    assert event_signup_create(event=event, name="下一位", phone="13800000009")


def test_forged_or_foreign_token_is_not_found(client, make_event):
    event = make_event()
    other = make_event(title="另一个活动")
    signup = event_signup_create(event=event, name="王阿姨", phone="13800138000")
    token = signup_token(signup)
    assert client.get(other.url + other.reverse_subpage("signup_cancel", args=[token])).status_code == 404
    assert client.get(event.url + event.reverse_subpage("signup_cancel", args=[token + "x"])).status_code == 404
    assert client.post(event.url + event.reverse_subpage("signup_cancel", args=["abc"])).status_code == 404
    assert EventSignup.objects.count() == 1


_DB = settings.DATABASES["default"]


@pytest.mark.skipif(
    _DB["ENGINE"].endswith("sqlite3") and not _DB.get("TEST", {}).get("NAME"),
    reason="in-memory SQLite shares one cache across threads and reports locks instead of waiting",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_ups_never_exceed_capacity(make_event):
    event = make_event(capacity=3)
    outcomes = []

    def attempt(number):
        try:
            event_signup_create(event=event, name=f"居民{number}", phone=f"138000000{number:02d}")
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert EventSignup.objects.filter(event=event).count() == 3
    assert outcomes.count("ok") == 3 and outcomes.count("full") == 7


def test_ics_parses_with_utc_times_and_escaped_text(client, make_event):
    event = make_event(title="讲座：邻里, 共治; 议事\\厅", introduction="第一行\n第二行")
    response = client.get(event.url + event.reverse_subpage("ics"))
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    vevent = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "讲座：邻里, 共治; 议事\\厅"
    assert vevent.decoded("DTSTART") == event.start.astimezone(dt.UTC)
    assert vevent.decoded("DTEND") == event.end.astimezone(dt.UTC)
    assert "丰享家文化驿站" in str(vevent["LOCATION"])
    assert "第一行\n第二行" in str(vevent["DESCRIPTION"])


def test_ics_helpers_escape_and_fold():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("DESCRIPTION:" + "长" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "长" * 60


def test_export_is_for_editors_of_the_event_only(client, event, staff_groups):
    export_url = event.url + event.reverse_subpage("signup_export")
    event_signup_create(event=event, name='=HYPERLINK("http://evil")', phone="13800138000")
    assert client.get(export_url).status_code == 302  # anonymous: to the log-in page
    client.force_login(UserFactory())
    assert client.get(export_url).status_code == 403
    client.force_login(make_editor())
    response = client.get(export_url)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'
    assert rows[2][2] == "138 0013 8000"


def test_export_link_shown_only_to_staff(client, event, staff_groups):
    assert "signups/export" not in client.get(event.url).content.decode()
    client.force_login(make_editor())
    assert "signups/export" in client.get(event.url).content.decode()


def test_ics_links_to_the_address_being_served_not_the_site_record(client, make_event):
    """The demo Site is "localhost": the calendar link follows the request (or SITE_BASE_URL when set)."""
    from django.test import override_settings

    lan = "192.168.1.20:8000"
    event = make_event()
    response = client.get(event.url + event.reverse_subpage("ics"), HTTP_HOST=lan)
    vevent = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(vevent["URL"]) == f"http://{lan}{event.url}"
    assert "localhost" not in response.content.decode()
    with override_settings(SITE_BASE_URL="https://academy.example.org"):
        response = client.get(event.url + event.reverse_subpage("ics"), HTTP_HOST=lan)
    assert (
        str(Calendar.from_ical(response.content).walk("VEVENT")[0]["URL"]) == f"https://academy.example.org{event.url}"
    )
