"""Staff MFA holds on the app API too: a registrar, street administrator or superuser who logs in through allauth's
headless app API (/_allauth/app/v1/) gets a session token, but /api/v1/ refuses it unless that session was
authenticated with TOTP. Trainees and editors are let in as before."""

import json
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from tests.factories import PASSWORD, StreetFactory, UserFactory, make_editor, make_registrar, make_street_administrator

pytestmark = pytest.mark.django_db
LOGIN = "/_allauth/app/v1/auth/login"
TWO_FACTOR = "/_allauth/app/v1/auth/2fa/authenticate"
ENROLMENTS = "/api/v1/me/enrolments"


def app_post(client, path: str, body: dict, token: str = ""):
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    response = client.post(path, json.dumps(body), content_type="application/json", **headers)
    return response.status_code, json.loads(response.content)


def app_log_in(client, user) -> tuple[int, dict]:
    return app_post(client, LOGIN, {"email": user.email, "password": PASSWORD})


def api_status(client, token: str) -> int:
    return client.get(ENROLMENTS, HTTP_X_SESSION_TOKEN=token).status_code


@pytest.fixture
def staff_mfa(settings, staff_groups):
    settings.ACADEMY_REQUIRE_STAFF_MFA = True


@pytest.mark.parametrize("role", ["registrar", "street_administrator", "superuser"])
def test_staff_without_totp_get_a_token_but_not_the_api(client, staff_mfa, role):
    user = {
        "registrar": make_registrar,
        "street_administrator": lambda: make_street_administrator(StreetFactory()),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[role]()
    user.email = f"{role}@example.org"
    user.save()
    status, body = app_log_in(client, user)
    assert status == 200, body
    token = body["meta"]["session_token"]
    client.cookies.clear()  # an app sends no cookie: only the token
    assert api_status(client, token) == 401


def test_staff_who_entered_their_totp_code_in_the_app_reach_the_api(client, staff_mfa):
    registrar = make_registrar()
    registrar.email = "registrar@example.org"
    registrar.save()
    secret = generate_totp_secret()
    TOTP.activate(registrar, secret)
    status, body = app_log_in(client, registrar)
    assert status == 401 and [flow for flow in body["data"]["flows"] if flow.get("is_pending")][0]["id"] == (
        "mfa_authenticate"
    )
    token = body["meta"]["session_token"]
    assert api_status(client, token) == 401  # half-way through the log-in: no user yet
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    status, body = app_post(client, TWO_FACTOR, {"code": code}, token)
    assert status == 200, body
    client.cookies.clear()
    assert api_status(client, body["meta"]["session_token"]) == 200


@pytest.mark.parametrize("make_user", [make_editor, UserFactory])
def test_trainees_and_editors_reach_the_api_with_a_password_only(client, staff_mfa, make_user):
    user = make_user()
    user.email = "someone@example.org"
    user.save()
    status, body = app_log_in(client, user)
    assert status == 200, body
    client.cookies.clear()
    assert api_status(client, body["meta"]["session_token"]) == 200


def test_without_the_requirement_staff_are_let_in(client, settings, staff_groups):
    settings.ACADEMY_REQUIRE_STAFF_MFA = False
    registrar = make_registrar()
    registrar.email = "registrar@example.org"
    registrar.save()
    status, body = app_log_in(client, registrar)
    client.cookies.clear()
    assert api_status(client, body["meta"]["session_token"]) == 200
