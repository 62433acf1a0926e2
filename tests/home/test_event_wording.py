"""The event sign-up heading says 报名 (sign up for this event), not 注册 (create an account): right below it the
page says no account is needed."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_event_sign_up_heading_says_baoming_not_zhuce(client, event):
    html = client.get(event.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'<h2 id="signup-heading">\s*报名\s*</h2>', html)
    assert not re.search(r'<h2 id="signup-heading">\s*注册', html)
