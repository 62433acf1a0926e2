"""Sign-up and log-in pages in plain Chinese: a code box called 验证码 (not 编号, a serial number), a log-in field
that says what to type, buttons that say what they do, a name (not a username) in the greeting."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "phone": "139 1234 5678",
    "real_name": "林小雨",
    "party": "rc",
    "email": "",
    "password1": "Lin-Xiaoyu-2026",
    "password2": "Lin-Xiaoyu-2026",
}


def text(response) -> str:
    """The page's words with tags and blank runs squeezed out."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def get(client, name):
    return client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_log_in_page_names_the_field_and_has_its_own_heading(client):
    response = get(client, "account_login")
    html = response.content.decode()
    assert re.search(r"<h1>\s*账号登录\s*</h1>", html)
    assert re.search(r'<label for="id_login">\s*手机号或邮箱\s*</label>', html)
    assert 'placeholder="手机号或邮箱"' in html
    assert re.search(r'<button[^>]*type="submit">\s*登录\s*</button>', html)
    words = text(response)
    assert "用验证码登录" in words
    assert re.search(r'还没有账号？请先<a href="[^"]+">\s*注册\s*</a>。', html)
    assert "发送登录代码给我" not in words and "电子邮件或电话号码" not in html


def test_the_log_in_by_code_page_asks_for_a_code_in_plain_words(client):
    words = text(get(client, "account_request_login_code"))
    assert "获取验证码" in words and "其他登录方式" in words
    assert "请求码" not in words and "特殊代码" not in words


def test_the_sign_up_page_punctuates_in_chinese(client):
    html = get(client, "account_signup").content.decode()
    assert re.search(r'已有账号？请直接<a href="[^"]+">登录</a>。', html)
    assert "已经有一个账号？ 请" not in html
    assert re.search(r'<label for="id_phone">\s*手机号', html) and "电话号码" not in html


def test_the_sms_code_box_is_a_verification_code_and_a_wrong_code_says_so(client):
    response = client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    html = response.content.decode()
    assert "输入短信验证码" in html and re.search(r'<label for="id_code">\s*验证码\s*</label>', html)
    assert "编号" not in html and "输入电话验证代码" not in html and "代码" not in text(response)
    wrong = client.post(reverse("account_verify_phone"), {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "验证码不正确，请重新输入。" in wrong.content.decode()
    assert "错误代码" not in wrong.content.decode()


def test_the_log_in_greeting_uses_the_persons_name_not_the_username(client):
    UserFactory(phone="+8613912345678", real_name="张晓明", username="trainee-0001")
    response = client.post(
        reverse("account_login"),
        {"login": "13912345678", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["张晓明，您已成功登录。"]


def test_password_rules_and_a_nul_byte_are_refused_in_chinese(client):
    short = client.post(
        reverse("account_signup"),
        {**SIGNUP, "password1": "Ab-1", "password2": "Ab-1"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "密码太短，至少需要 8 个字符。" in short.content.decode()
    assert "too short" not in short.content.decode()
    nul = client.post(reverse("account_signup"), {**SIGNUP, "real_name": "林\x00小雨"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "不允许包含空字符。" in nul.content.decode()
    assert "不允许是用空字符串" not in nul.content.decode()
