"""Security headers under production settings (.env.example's values): a public page, an admin page and an API
response each carry the CSP, HSTS, X-Frame-Options, Referrer-Policy and Permissions-Policy; cookies are Secure and
HttpOnly; plain HTTP is redirected; and `check --deploy` passes (tests/academy/test_deploy.py)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

from .conftest import load_production_settings

HTTPS = {"secure": True}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_common_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "microphone=()" in permissions and "geolocation=()" in permissions
    policy = directives(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "upgrade-insecure-requests" in policy
    return policy


@pytest.mark.django_db
def test_public_page_has_a_strict_policy_and_every_header(client, production, home):
    response = client.get(home.url, **HTTPS)
    assert response.status_code == 200
    policy = assert_common_headers(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_page_relaxes_inline_scripts_and_framing_only_for_the_admin(client, production):
    response = client.get(reverse("wagtailadmin_login"), **HTTPS)
    assert response.status_code == 200
    policy = assert_common_headers(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]  # Wagtail's live preview frames the admin's own preview view
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_response_carries_the_headers(client, production):
    response = client.get("/api/v1/openapi.json", **HTTPS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    policy = assert_common_headers(response)
    assert policy["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
def test_the_proxys_forwarded_proto_header_marks_a_request_secure(client, production):
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_proxy_header_is_off_unless_the_environment_names_one(monkeypatch):
    module = load_production_settings(monkeypatch, SECURE_PROXY_SSL_HEADER="")
    assert module.SECURE_PROXY_SSL_HEADER is None
    assert load_production_settings(monkeypatch, SECURE_HSTS_PRELOAD="false").SECURE_HSTS_PRELOAD is False


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_httponly(client, production):
    user = UserFactory(email="cookie@example.org")
    page = client.get("/accounts/login/", **HTTPS)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HTTPS)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


@pytest.mark.django_db
def test_wagtail_preview_may_still_be_framed_by_the_admin(client, production, home):
    from tests.factories import make_editor

    editor = make_editor()
    editor.is_superuser = True  # previews need edit rights on the page; MFA is tested elsewhere
    editor.save()
    client.force_login(editor)
    production_mfa_off = {"ACADEMY_REQUIRE_STAFF_MFA": False}
    from django.test import override_settings

    with override_settings(**production_mfa_off):
        response = client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk]), **HTTPS)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_permissions_policy_is_the_whole_setting_and_refuses_a_misspelt_feature(client, production, settings):
    """django-permissions-policy writes the header from PERMISSIONS_POLICY (every feature, `self` unquoted) and,
    unlike the hand-written middleware it replaced, refuses a feature name no browser knows instead of sending a
    policy that silently switches nothing off."""
    from django.core.exceptions import ImproperlyConfigured
    from django.http import HttpResponse
    from django.utils.module_loading import import_string

    response = client.get("/accounts/login/", **HTTPS)
    assert response["Permissions-Policy"] == (
        "bluetooth=(), camera=(), display-capture=(), fullscreen=(self), geolocation=(), microphone=(), payment=(), "
        "serial=(), usb=()"
    )
    middleware_path = next(path for path in settings.MIDDLEWARE if path.endswith("PermissionsPolicyMiddleware"))
    settings.PERMISSIONS_POLICY = {"camera": [], "microphones": []}
    with pytest.raises(ImproperlyConfigured, match="microphones"):
        import_string(middleware_path)(lambda request: HttpResponse())
