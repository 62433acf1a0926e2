"""The elder-friendly mode switch: remembered on the account when logged in, in a cookie on the device otherwise."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_switch_is_on_every_page_and_remembers_the_device_when_logged_out(client):
    html = client.get("/search/").content.decode()
    assert 'data-testid="elder-switch"' in html and 'class="elder"' not in html
    response = client.post("/accessibility/elder-mode/", {"elder_mode": "on", "next": "/search/"})
    assert response.status_code == 302 and response["Location"] == "/search/"
    assert client.cookies["elder_mode"].value == "1"
    assert '<html lang="zh-hans" class="elder">' in client.get("/search/").content.decode()
    client.post("/accessibility/elder-mode/", {"elder_mode": "off", "next": "/"})
    assert 'class="elder"' not in client.get("/search/").content.decode()


def test_logged_in_choice_is_saved_on_the_account_and_wins_over_the_device(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/accessibility/elder-mode/", {"elder_mode": "on", "next": "/"})
    user.refresh_from_db()
    assert user.elder_mode
    client.cookies.pop("elder_mode")
    assert 'class="elder"' in client.get("/search/").content.decode()


def test_switch_never_redirects_to_another_site(client):
    response = client.post("/accessibility/elder-mode/", {"elder_mode": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_switch_needs_post(client):
    assert client.get("/accessibility/elder-mode/").status_code == 405
