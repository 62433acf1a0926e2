"""WeChat template messages and DingTalk work notices, sent through a fake provider on loopback."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation

from notifications import services
from notifications.choices import Channel, DeliveryStatus, Event
from notifications.models import Delivery, MessageTemplate, NotificationProfile
from tests.factories import UserFactory, make_registrar

from .fake_providers import FakeProvider

pytestmark = pytest.mark.django_db

OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
MORNING = datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def wechat(settings):
    cache.clear()
    with FakeProvider() as provider:
        settings.WECHAT_API_BASE_URL = provider.url
        settings.WECHAT_MP_APP_ID, settings.WECHAT_MP_APP_SECRET = provider.key, provider.secret
        settings.SITE_BASE_URL = "https://academy.example.org"
        yield provider
    cache.clear()


@pytest.fixture
def dingtalk(settings):
    cache.clear()
    with FakeProvider(key="ding-key", secret="ding-secret") as provider:
        settings.DINGTALK_API_BASE_URL = provider.url
        settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET = provider.key, provider.secret
        settings.DINGTALK_AGENT_ID = "2945017"
        settings.SITE_BASE_URL = "https://academy.example.org"
        yield provider
    cache.clear()


@pytest.fixture
def wechat_person(db):
    user = UserFactory(phone_verified=False, real_name="李四")  # WeChat only
    NotificationProfile.objects.create(user=user, wechat_openid=OPENID)
    MessageTemplate.objects.create(
        event=Event.CERTIFICATE_ISSUED,
        title="证书颁发通知",
        body="{name}，您的{programme}证书已颁发，编号{number}。",
        wechat_template_id="ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
    )
    return user


def issue(user, capture):
    with capture(execute=True):
        return services.notify(
            event=Event.CERTIFICATE_ISSUED,
            recipients=[user],
            context={"programme": "小区专员岗前培训", "number": "拱三方证〔2026〕第000123号"},
            link="/credits/certificates/",
            now=MORNING,  # daytime: this test is about the request, not quiet hours
        )


def test_wechat_template_message_has_the_real_request_format(wechat, wechat_person, django_capture_on_commit_callbacks):
    issue(wechat_person, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(channel=Channel.WECHAT)
    assert wechat.messages == [
        {
            "path": "/cgi-bin/message/template/send",
            "touser": OPENID,
            "template_id": "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
            "url": "https://academy.example.org/credits/certificates/",
            "client_msg_id": str(delivery.idempotency_key),
            "data": {
                "first": {"value": "证书颁发通知"},
                "keyword1": {"value": "李四，您的小区专员岗前培训证书已颁发，编号拱三方证〔2026〕第000123号。"},
                "remark": {"value": ""},
            },
        }
    ]
    assert delivery.status == DeliveryStatus.SENT
    assert '"msgid": 200228333' in delivery.provider_reply


def test_access_token_is_cached_and_fetched_again_when_the_provider_expires_it(
    wechat, wechat_person, django_capture_on_commit_callbacks
):
    issue(wechat_person, django_capture_on_commit_callbacks)
    other = UserFactory(phone_verified=False)
    NotificationProfile.objects.create(user=other, wechat_openid="o6_other")
    issue(other, django_capture_on_commit_callbacks)
    assert wechat.tokens_issued == 1  # the second message reused the cached token

    wechat.expire_token()
    third = UserFactory(phone_verified=False)
    NotificationProfile.objects.create(user=third, wechat_openid="o6_third")
    issue(third, django_capture_on_commit_callbacks)
    assert wechat.tokens_issued == 2
    assert [m["touser"] for m in wechat.messages] == [OPENID, "o6_other", "o6_third"]


def test_wechat_refusal_is_recorded_and_retried(wechat, wechat_person, django_capture_on_commit_callbacks):
    wechat.refuse_next = {"errcode": 43004, "errmsg": "require subscribe"}
    issue(wechat_person, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel=Channel.WECHAT)
    assert delivery.status == DeliveryStatus.RETRY
    assert "require subscribe" in delivery.provider_reply

    assert services.delivery_send(delivery_id=delivery.pk, now=delivery.due_at) == DeliveryStatus.SENT
    assert len(wechat.messages) == 1


def test_unreachable_provider_is_retried(settings, wechat_person, django_capture_on_commit_callbacks):
    from tests.ports import free_port

    from .fake_providers import PORTS

    cache.clear()
    settings.WECHAT_API_BASE_URL = f"http://127.0.0.1:{free_port(PORTS)}"  # nobody listens there
    settings.WECHAT_MP_APP_ID, settings.WECHAT_MP_APP_SECRET = "app-key", "app-secret"
    issue(wechat_person, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel=Channel.WECHAT)
    assert delivery.status == DeliveryStatus.RETRY
    assert "ConnectionError" in delivery.provider_reply


def test_wechat_is_not_chosen_when_not_configured(settings, wechat_person, django_capture_on_commit_callbacks):
    settings.WECHAT_MP_APP_ID = ""
    issue(wechat_person, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(channel=Channel.WECHAT).exists()


def test_staff_work_notice_goes_to_dingtalk_as_an_action_card(dingtalk, django_capture_on_commit_callbacks):
    registrar = make_registrar(phone_verified=False)
    NotificationProfile.objects.create(user=registrar, work_user_id="manager4220")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event=Event.CERTIFICATE_PENDING_REVIEW,
            recipients=[registrar],
            context={"programme": "小区专员岗前培训", "trainee": "张三"},
            link="/admin/credits/certificate-requests/",
            now=MORNING,
        )
    assert dingtalk.messages == [
        {
            "path": "/topapi/message/corpconversation/asyncsend_v2",
            "agent_id": 2945017,
            "userid_list": "manager4220",
            "msg": {
                "msgtype": "action_card",
                "action_card": {
                    "title": "证书待审核",
                    "markdown": "### 证书待审核\n\n张三已达到小区专员岗前培训的结业标准，证书等待您审核。",
                    "single_title": "查看详情",
                    "single_url": "https://academy.example.org/admin/credits/certificate-requests/",
                },
            },
        }
    ]
    assert Delivery.objects.get(channel=Channel.WORK).status == DeliveryStatus.SENT


def test_work_notice_is_written_in_the_academys_language_whatever_language_is_active(
    dingtalk, django_capture_on_commit_callbacks
):
    """With the immediate backend a delivery goes out in the request's thread: an English admin page must not make
    a Chinese staff member's DingTalk button read "View details"."""
    registrar = make_registrar(phone_verified=False)
    NotificationProfile.objects.create(user=registrar, work_user_id="manager4220")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event=Event.CERTIFICATE_PENDING_REVIEW,
            recipients=[registrar],
            context={"programme": "小区专员岗前培训", "trainee": "张三"},
            link="/admin/credits/certificate-requests/",
            now=MORNING,
        )
    assert dingtalk.messages[0]["msg"]["action_card"]["single_title"] == "查看详情"
