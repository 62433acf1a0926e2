"""Every rate limit hit until it refuses, and shown to have done nothing once it does: allauth's login, sign-up and
SMS codes (with the values in settings/base.py), certificate verification (page and JSON), the integration API,
and event sign-up by phone (per address and per number)."""

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import User
from academy.settings import base
from academy.sms import ConsoleSMSSender
from credits.certificates import selectors as cert_selectors
from home.models import EventSignup
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VERIFY_API = "/api/v1/certificates/"


@pytest.fixture
def allauth_limits(settings):
    """The production limits (test settings turn allauth's off)."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    return base.ACCOUNT_RATE_LIMITS


def signup_data(n: int) -> dict:
    password = "Lin-Xiaoyu-2026"
    return {
        "phone": f"13912{n:06d}",
        "real_name": "林小雨",
        "party": "rc",
        "email": "",
        "password1": password,
        "password2": password,
    }


class TestAllauthLimits:
    def test_failed_logins_lock_the_account_even_against_the_right_password(self, client, allauth_limits):
        assert allauth_limits["login_failed"] == "10/m/ip,5/5m/key"
        user = UserFactory()
        for _ in range(5):
            response = client.post(reverse("account_login"), {"login": user.phone, "password": "wrong-password"})
            assert response.status_code == 200
        response = client.post(reverse("account_login"), {"login": user.phone, "password": PASSWORD})
        assert response.status_code == 200
        assert "登录失败次数过多" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_right_password_logs_in_while_under_the_limit(self, client, allauth_limits):
        user = UserFactory()
        for _ in range(4):
            client.post(reverse("account_login"), {"login": user.phone, "password": "wrong-password"})
        response = client.post(reverse("account_login"), {"login": user.phone, "password": PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_login_attempts_per_address_get_429(self, client, allauth_limits):
        assert allauth_limits["login"] == "30/m/ip"
        users = [UserFactory() for _ in range(2)]
        for n in range(30):  # different accounts, so the per-account failed-login limit is not what stops it
            client.post(reverse("account_login"), {"login": f"1380000{n:04d}", "password": "x"})
        response = client.post(reverse("account_login"), {"login": users[0].phone, "password": PASSWORD})
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_signups_per_address_get_429_and_create_nobody(self, client, allauth_limits):
        assert allauth_limits["signup"].startswith("20/m/ip")
        for n in range(20):
            client.post(reverse("account_signup"), {**signup_data(n), "password2": "mismatch"})
        assert not User.objects.filter(phone__startswith="+8613912").exists()
        response = client.post(reverse("account_signup"), signup_data(99))
        assert response.status_code == 429
        assert not User.objects.filter(phone="+8613912000099").exists()

    def test_login_codes_by_sms_stop_after_three_a_minute_per_number(self, allauth_limits):
        assert "3/m/key" in allauth_limits["request_login_code"]
        user = UserFactory()
        ConsoleSMSSender.outbox.clear()
        # A fresh session each time, as a script would use: one session only ever gets one pending code anyway.
        for _ in range(3):
            response = Client().post(reverse("account_request_login_code"), {"phone": user.phone})
            assert response.status_code == 302
        response = Client().post(reverse("account_request_login_code"), {"phone": user.phone})
        assert response.status_code == 200
        assert "登录失败次数过多" in response.content.decode()
        assert len([m for m in ConsoleSMSSender.outbox if m.phone == user.phone]) == 3

    def test_a_signup_verification_code_cannot_be_resent_at_once(self, client, allauth_limits):
        assert allauth_limits["verify_phone"].startswith("1/30s/key")
        ConsoleSMSSender.outbox.clear()
        assert client.post(reverse("account_signup"), signup_data(7)).status_code == 302
        assert len(ConsoleSMSSender.outbox) == 1
        response = client.post(reverse("account_verify_phone"), {"action": "resend"}, follow=True)
        assert "提交过多次请求" in response.content.decode()
        assert len(ConsoleSMSSender.outbox) == 1


class TestCertificateVerificationLimit:
    def test_page_and_json_share_one_per_address_limit_and_refuse_without_looking_up(
        self, client, settings, monkeypatch
    ):
        settings.CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE = 2
        page = reverse("credits_verify", args=["ABCD-EFGH-JKLM"])
        assert client.get(page).status_code == 404  # unknown code: counted
        assert client.get(f"{VERIFY_API}ABCD-EFGH-JKLM").status_code == 404
        lookups = []
        monkeypatch.setattr(cert_selectors, "certificate_by_code", lambda code: lookups.append(code))
        refused = client.get(page)
        assert refused.status_code == 429 and refused["Retry-After"] == "60"
        assert client.get(f"{VERIFY_API}ABCD-EFGH-JKLM").json()["code"] == "rate_limited"
        assert lookups == []  # refused before any certificate was looked up
        assert client.get(page, REMOTE_ADDR="10.0.0.9").status_code == 404  # another address is not limited


class TestIntegrationApiLimit:
    def test_a_client_over_its_limit_gets_429_and_no_answer(self, client):
        from credits import services as credit_services
        from tests.credits.factories import make_two_streets_world

        world = make_two_streets_world()
        _, token = credit_services.api_client_create(actor=world["registrar"], name="网格系统", requests_per_minute=2)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        url = f"/api/v1/eligibility/?phone={world['trainee_b'].phone}&post=none"
        assert [client.get(url, **auth).status_code for _ in range(2)] == [404, 404]
        refused = client.get(url, **auth)
        assert refused.status_code == 429
        assert refused.json() == {"detail": "请求过于频繁，请一分钟后再试。", "code": "rate_limited"}


class TestEventSignupLimit:
    def sign_up(self, client, event, phone, **extra):
        return client.post(event.url, {"name": "王小明", "phone": phone}, **extra)

    def test_one_number_cannot_sign_up_for_everything(self, client, settings, make_event):
        settings.EVENT_SIGNUP_RATE_PER_PHONE = "2/h"
        events = [make_event(title=f"活动{n}") for n in range(3)]
        for event in events[:2]:
            assert self.sign_up(client, event, "13900000001").status_code == 302
        response = self.sign_up(client, events[2], "13900000001")
        assert response.status_code == 429
        assert "报名过于频繁" in response.content.decode()
        assert not EventSignup.objects.filter(event=events[2]).exists()
        assert self.sign_up(client, events[2], "13900000002").status_code == 302  # another number still can

    def test_one_address_cannot_fill_an_event_with_made_up_numbers(self, client, settings, make_event):
        settings.EVENT_SIGNUP_RATE_PER_IP = "3/h"
        event = make_event(capacity=50)
        for n in range(3):
            assert self.sign_up(client, event, f"1390000010{n}").status_code == 302
        response = self.sign_up(client, event, "13900000199")
        assert response.status_code == 429
        assert EventSignup.objects.filter(event=event).count() == 3
        assert self.sign_up(client, event, "13900000199", REMOTE_ADDR="10.1.2.3").status_code == 302
