"""Production settings pass Django's deployment checks; staff must use MFA there."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict[str, str]:
    """The process environment (less test-only switches) overlaid with the values in .env.example."""
    values = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            if value:
                values[key] = value
    return values


def test_check_deploy_passes_under_production_settings_with_the_example_environment(tmp_path):
    env = {**env_example(), "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_site_base_url_is_empty(tmp_path):
    """Without SITE_BASE_URL a background worker prints http://127.0.0.1:8000 into certificates' QR codes."""
    env = {**env_example(), "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}", "SITE_BASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "academy.W003" in result.stderr and "SITE_BASE_URL is not set" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**env_example(), "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
class TestStaffMFA:
    def test_staff_without_totp_are_sent_to_set_it_up(self, client, settings, staff_groups):
        settings.ACADEMY_REQUIRE_STAFF_MFA = True
        for user in (make_registrar(), make_street_administrator(StreetFactory()), UserFactory(is_superuser=True)):
            client.force_login(user)
            response = client.get(reverse("wagtailadmin_home"))
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")

    def test_staff_with_totp_get_through(self, client, settings, staff_groups):
        settings.ACADEMY_REQUIRE_STAFF_MFA = True
        registrar = make_registrar()
        Authenticator.objects.create(user=registrar, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client.force_login(registrar)
        # As allauth records a TOTP code entered in this session (tests/security/test_staff_mfa.py enters real ones).
        session = client.session
        session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
        session["account_authentication_methods_user"] = str(registrar.pk)
        session.save()
        assert client.get(reverse("wagtailadmin_home")).status_code == 200

    def test_trainees_are_not_forced_to_use_mfa(self, client, settings):
        settings.ACADEMY_REQUIRE_STAFF_MFA = True
        client.force_login(UserFactory())
        assert client.get(reverse("academy_profile")).status_code == 200
