"""Sign-up, log-in and profile: phone numbers, real names, and clear Chinese messages for bad input."""

import pytest
from django.urls import reverse

from academy.models import User
from academy.sms import ConsoleSMSSender
from tests.factories import PASSWORD, StreetFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "phone": "139 1234 5678",
    "real_name": "林小雨",
    "party": "rc",
    "email": "",
    "password1": "Lin-Xiaoyu-2026",
    "password2": "Lin-Xiaoyu-2026",
}


def signup(client, **overrides):
    return client.post(reverse("account_signup"), {**SIGNUP, **overrides}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_signup_stores_the_normalised_phone_and_real_name_and_sends_a_code(client):
    ConsoleSMSSender.outbox.clear()
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(phone="+8613912345678")
    assert user.real_name == "林小雨"
    assert user.party == "rc"
    assert not user.phone_verified
    assert ConsoleSMSSender.outbox[-1].phone == "+8613912345678"
    assert "验证码" in ConsoleSMSSender.outbox[-1].text


def test_signup_with_a_bad_phone_number_shows_a_chinese_message_and_creates_nobody(client):
    response = signup(client, phone="1234")
    assert response.status_code == 200
    assert "请输入有效的中国大陆手机号" in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_a_phone_number_already_taken_is_refused(client):
    UserFactory(phone="+8613912345678")
    response = signup(client, phone="13912345678")
    assert response.status_code == 200
    assert "此电话号码已被其他用户注册" in response.content.decode()
    assert User.objects.filter(phone="+8613912345678").count() == 1


def test_signup_without_a_real_name_is_refused(client):
    response = signup(client, real_name="   ")
    assert response.status_code == 200
    assert "请填写真实姓名" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "+8613912345678"])
def test_login_with_phone_and_password_accepts_the_number_as_people_type_it(client, typed):
    UserFactory(phone="+8613912345678")
    response = client.post(reverse("account_login"), {"login": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_login_with_email_and_password(client):
    UserFactory(email="lin@example.org")
    response = client.post(reverse("account_login"), {"login": "lin@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_login_with_a_wrong_password_is_refused(client):
    UserFactory(phone="+8613912345678")
    response = client.post(reverse("account_login"), {"login": "13912345678", "password": "wrong-password"})
    assert response.status_code == 200
    assert not client.session.get("_auth_user_id")


class TestProfile:
    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("academy_profile"))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]

    def test_a_trainee_sees_and_edits_their_own_profile(self, client):
        user = UserFactory(real_name="旧名")
        street = StreetFactory(name="湖墅街道")
        client.force_login(user)
        assert "旧名" in client.get(reverse("academy_profile")).content.decode()
        response = client.post(
            reverse("academy_profile"),
            {
                "real_name": "新名",
                "phone": user.phone,
                "email": "",
                "party": "oc",
                "organisation": "某业委会",
                "job_title": "委员",
                "street": street.pk,
                "community": "",
                "compound": "信义坊",
            },
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.real_name, user.party, user.street, user.compound) == ("新名", "oc", street, "信义坊")

    def _post(self, client, user, **changes):
        data = {
            "real_name": user.real_name,
            "phone": user.phone,
            "email": "",
            "party": user.party,
            "organisation": "",
            "job_title": "",
            "street": user.street_id,
            "community": "",
            "compound": "",
        }
        return client.post(reverse("academy_profile"), {**data, **changes})

    def test_an_invalid_phone_is_refused_and_nothing_is_saved(self, client):
        user = UserFactory(real_name="原名")
        client.force_login(user)
        response = self._post(client, user, phone="555-0100", real_name="改名")
        assert response.status_code == 200
        assert "请输入有效的中国大陆手机号" in response.content.decode()
        user.refresh_from_db()
        assert user.real_name == "原名"

    def test_a_phone_taken_by_someone_else_is_refused_and_nothing_is_saved(self, client):
        other = UserFactory()
        user = UserFactory(real_name="原名")
        client.force_login(user)
        response = self._post(client, user, phone=other.phone, real_name="改名")
        assert "该手机号已被其他账号注册" in response.content.decode()
        user.refresh_from_db()
        assert (user.real_name, user.phone) != ("改名", other.phone)

    def test_a_missing_real_name_is_refused(self, client):
        user = UserFactory(real_name="原名")
        client.force_login(user)
        response = self._post(client, user, real_name="")
        assert response.status_code == 200
        assert "请填写真实姓名" in response.content.decode()
        user.refresh_from_db()
        assert user.real_name == "原名"

    def test_a_new_phone_is_only_saved_after_the_sms_code_is_entered(self, client):
        user = UserFactory()
        old_phone = user.phone
        client.force_login(user)
        ConsoleSMSSender.outbox.clear()
        response = self._post(client, user, phone="13700001111")
        assert response.status_code == 302
        assert response["Location"] == reverse("account_verify_phone")
        user.refresh_from_db()
        assert user.phone == old_phone
        code = ConsoleSMSSender.outbox[-1].text.split("验证码是")[1].split("，")[0].strip()
        assert ConsoleSMSSender.outbox[-1].phone == "+8613700001111"
        response = client.post(reverse("account_verify_phone"), {"code": code})
        user.refresh_from_db()
        assert (user.phone, user.phone_verified) == ("+8613700001111", True)
