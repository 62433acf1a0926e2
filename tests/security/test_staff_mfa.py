"""Staff MFA under production settings: registrars, street administrators, lecturers and superusers must set up TOTP and must
have used it in the session, whichever login form they came through; editors and trainees are not asked."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.assignments.factories import make_lecturer_user
from tests.factories import PASSWORD, StreetFactory, UserFactory, make_editor, make_registrar, make_street_administrator

from .conftest import load_production_settings

pytestmark = pytest.mark.django_db
HTTPS = {"secure": True}


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_production_requires_staff_mfa_whatever_the_environment_says(monkeypatch):
    module = load_production_settings(monkeypatch, ACADEMY_REQUIRE_STAFF_MFA="false")
    assert module.ACADEMY_REQUIRE_STAFF_MFA is True
    assert "academy.middleware.StaffMFARequiredMiddleware" in module.MIDDLEWARE


@pytest.mark.parametrize("role", ["registrar", "street_administrator", "lecturer", "superuser"])
def test_staff_without_totp_can_only_set_it_up(client, production, staff_groups, role):
    user = {
        "registrar": make_registrar,
        "street_administrator": lambda: make_street_administrator(StreetFactory()),
        "lecturer": make_lecturer_user,
        "superuser": lambda: UserFactory(is_superuser=True),
    }[role]()
    client.force_login(user)
    for path in (reverse("wagtailadmin_home"), "/credits/", "/api/v2/pages/"):
        response = client.get(path, **HTTPS)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself opens (allauth first asks for the password again: force_login recorded no sign-in).
    response = client.get(reverse("mfa_activate_totp"), **HTTPS)
    assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.parametrize("make_user", [make_editor, UserFactory])
def test_editors_and_trainees_are_not_asked_for_mfa(client, production, staff_groups, make_user):
    client.force_login(make_user())
    assert client.get(reverse("academy_profile"), **HTTPS).status_code == 200


def test_a_password_only_login_through_wagtails_form_must_still_enter_the_code(client, production, staff_groups):
    registrar, secret = with_totp(make_registrar())
    response = client.post(
        reverse("wagtailadmin_login"), {"username": registrar.username, "password": PASSWORD}, **HTTPS
    )
    assert response.status_code == 302  # Wagtail's form accepts the password alone...
    response = client.get(reverse("wagtailadmin_home"), **HTTPS)
    assert response.status_code == 302  # ...but nothing past /accounts/ opens until the code is entered
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    wrong = client.post(
        response["Location"], {"code": "000000" if totp_code(secret) != "000000" else "111111"}, **HTTPS
    )
    assert wrong.status_code == 200
    assert client.get(reverse("wagtailadmin_home"), **HTTPS).status_code == 302
    right = client.post(response["Location"], {"code": totp_code(secret)}, **HTTPS)
    assert right.status_code == 302 and right["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home"), **HTTPS).status_code == 200


def test_allauths_login_asks_staff_for_the_code_before_signing_in(client, production, staff_groups):
    admin, secret = with_totp(make_street_administrator(StreetFactory()))
    response = client.post(reverse("account_login"), {"login": admin.phone, "password": PASSWORD}, **HTTPS)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, **HTTPS)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get(reverse("wagtailadmin_home"), **HTTPS).status_code == 200
