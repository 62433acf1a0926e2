"""The site's icon: named by every page, and /favicon.ico (which browsers ask for on their own) leads to it, so a
first visit logs no 404 in the browser's console."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405


def test_pages_name_the_site_icon(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
