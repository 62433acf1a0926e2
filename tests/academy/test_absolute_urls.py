"""Absolute URLs come from one place (academy.absolute): the configured SITE_BASE_URL when set, otherwise the
address being served (issue 15: QR codes and calendar links pointed at 127.0.0.1:8000 or localhost)."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from icalendar import Calendar

from academy.absolute import absolute_url, site_base_url

pytestmark = pytest.mark.django_db

LAN = "192.168.1.20:8000"


def test_configured_base_wins_over_the_request_host():
    request = RequestFactory().get("/", HTTP_HOST=LAN)
    with override_settings(SITE_BASE_URL="https://academy.example.org"):
        assert absolute_url("/verify/X/", request) == "https://academy.example.org/verify/X/"
        assert site_base_url() == "https://academy.example.org"


@override_settings(SITE_BASE_URL="", WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000")
def test_without_a_configured_base_urls_follow_the_request_then_the_default():
    request = RequestFactory().get("/", HTTP_HOST=LAN, secure=True)
    assert absolute_url("verify/X/", request) == f"https://{LAN}/verify/X/"
    assert absolute_url("/a/") == "http://127.0.0.1:8000/a/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_session_calendar_links_to_the_configured_address(client):
    from courses import services
    from tests.courses.factories import make_session
    from tests.factories import UserFactory

    session = make_session()
    trainee = UserFactory()
    services.session_register(user=trainee, session=session)
    client.force_login(trainee)
    url = reverse("courses_session_calendar", args=[session.pk])
    with override_settings(SITE_BASE_URL="https://academy.example.org"):
        response = client.get(url, HTTP_HOST=LAN)
    expected = "https://academy.example.org" + reverse("courses_session", kwargs={"session_id": session.pk})
    assert str(Calendar.from_ical(response.content).walk("VEVENT")[0]["URL"]) == expected
