"""Staff log in on the public page (/accounts/login/) with their email or username and password, although their
accounts have no phone: the editor, the registrar and the street administrator of the demo data. With staff MFA
required, the TOTP step comes before the session starts; trainees still log in by phone."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from academy import demo
from academy.demo import DEMO_PASSWORD
from academy.models import User

pytestmark = pytest.mark.django_db

STAFF = {
    "editor": ("editor", "editor@academy.example.org"),
    "registrar": ("registrar", "registrar@academy.example.org"),
    "street administrator": ("hushu-admin", "hushu@academy.example.org"),
}


@pytest.fixture
def demo_accounts(db):
    demo.seed()
    return {role: User.objects.get(username=username) for role, (username, _email) in STAFF.items()}


def log_in(client, login, password=DEMO_PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.parametrize("role", list(STAFF))
@pytest.mark.parametrize("by", ["username", "email"])
def test_demo_staff_without_a_phone_log_in_on_the_public_page_and_land_in_the_admin(client, demo_accounts, role, by):
    user = demo_accounts[role]
    assert not user.phone  # the point: staff accounts have no phone to verify
    username, email = STAFF[role]
    response = log_in(client, username if by == "username" else email)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(response["Location"]).status_code == 200


def test_a_next_address_still_wins_over_the_admin(client, demo_accounts):
    response = client.post(
        reverse("account_login") + "?next=/credits/", {"login": "registrar", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/credits/"


def test_a_wrong_password_for_staff_is_refused_with_a_message(client, demo_accounts):
    response = log_in(client, "registrar@academy.example.org", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "不正确" in response.content.decode()


def test_demo_trainees_still_log_in_by_phone_and_land_on_the_site(client, demo_accounts):
    response = log_in(client, "13900000001")
    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.get(pk=client.session["_auth_user_id"]).real_name == "张晓明"


def test_a_trainee_with_an_unverified_phone_is_still_asked_to_verify_it(client, demo_accounts):
    User.objects.filter(phone="+8613900000001").update(phone_verified=False)
    response = log_in(client, "13900000001")
    assert response.status_code == 302 and response["Location"] == reverse("account_verify_phone")
    assert "_auth_user_id" not in client.session


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("role", ["registrar", "street administrator"])
def test_with_mfa_required_staff_with_totp_are_asked_for_the_code_before_the_session_starts(
    client, settings, demo_accounts, role
):
    settings.ACADEMY_REQUIRE_STAFF_MFA = True
    user = demo_accounts[role]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = log_in(client, STAFF[role][1])
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(response["Location"]).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_with_mfa_required_staff_without_totp_are_told_to_set_it_up(client, settings, demo_accounts):
    settings.ACADEMY_REQUIRE_STAFF_MFA = True
    response = log_in(client, "registrar")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    # allauth asks for the password once more before an authenticator is added (its re-authentication rule).
    assert response.status_code == 200 and response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "工作人员账号须先开启两步验证才能继续。" in response.content.decode()
