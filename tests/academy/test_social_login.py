"""Log-in with WeChat and DingTalk, the whole OAuth flow through Django's test client against a fake provider on
loopback (tests/academy/fake_oauth.py): allauth's server-side calls go to it through ``requests``."""

import re
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from academy.social import services as social_services
from notifications import services as notification_services
from notifications.choices import Channel, DeliveryStatus, Event
from notifications.models import Delivery, MessageTemplate, NotificationProfile
from tests.factories import PASSWORD, UserFactory, make_registrar

from .fake_oauth import FakeOAuth

pytestmark = pytest.mark.django_db

WEBSITE_APP = ("wx-website-app", "website-secret")  # open.weixin.qq.com website app: QR log-in on a computer
OFFICIAL_ACCOUNT = ("wx-official-account", "official-secret")  # 公众号: log-in inside WeChat, template messages
DINGTALK_APP = ("ding-app-key", "ding-app-secret")
IN_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


@pytest.fixture
def fake(settings):
    cache.clear()
    with FakeOAuth(apps=dict([WEBSITE_APP, OFFICIAL_ACCOUNT, DINGTALK_APP])) as provider:
        settings.WEIXIN_APP_ID, settings.WEIXIN_APP_SECRET = WEBSITE_APP
        settings.WECHAT_MP_APP_ID, settings.WECHAT_MP_APP_SECRET = OFFICIAL_ACCOUNT
        settings.WEIXIN_OFFICIAL_ACCOUNT_LOGIN = True
        settings.WEIXIN_OPEN_BASE_URL = settings.WECHAT_API_BASE_URL = provider.url
        settings.DINGTALK_LOGIN = True
        settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET = DINGTALK_APP
        settings.DINGTALK_AGENT_ID = "2945017"
        settings.DINGTALK_LOGIN_BASE_URL = settings.DINGTALK_OPENAPI_BASE_URL = provider.url
        settings.DINGTALK_API_BASE_URL = provider.url
        yield provider
    cache.clear()


@pytest.fixture
def trainee(db):
    return UserFactory(phone="+8613912345678", real_name="张三")


def browser(user_agent: str = IN_WECHAT) -> Client:
    return Client(headers={"User-Agent": user_agent})


def oauth(client: Client, fake: FakeOAuth, provider: str = "weixin", **params):
    """Press the provider's button, let the fake provider answer, and come back to the callback; the response."""
    start = client.post(f"{reverse(f'{provider}_login')}?{urlencode(params)}")
    assert start.status_code == 302, start
    authorize = start["Location"]
    assert authorize.startswith(fake.url), authorize
    answer = requests.get(authorize.split("#")[0], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def log_in_with_phone(client: Client, next_url: str):
    return client.post(reverse("account_login"), {"login": "13912345678", "password": PASSWORD, "next": next_url})


def link_in_wechat(client: Client, fake: FakeOAuth):
    """A visitor in WeChat's browser: WeChat log-in, then the phone log-in, then 关联."""
    response = oauth(client, fake)
    assert response.status_code == 302 and response["Location"] == reverse("academy_social_link")
    response = log_in_with_phone(client, reverse("academy_social_link"))
    assert response.status_code == 302 and response["Location"] == reverse("academy_social_link")
    return client.post(reverse("academy_social_link"), {"action": "link"})


def test_visitor_logging_in_with_wechat_is_asked_for_the_phone_then_wechat_is_linked(fake, trainee):
    users_before = get_user_model().objects.count()
    client = browser()

    response = oauth(client, fake)

    # Not logged in, no account made: asked to log in with the phone.
    assert response["Location"] == reverse("academy_social_link")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("academy_social_link"))
    assert "还没有关联学院账号" in page.content.decode()
    assert "用手机号和密码登录" in page.content.decode()
    assert not SocialAccount.objects.exists()

    response = log_in_with_phone(client, reverse("academy_social_link"))
    assert response["Location"] == reverse("academy_social_link")
    confirm = client.get(reverse("academy_social_link"))
    assert "张三" in confirm.content.decode()
    response = client.post(reverse("academy_social_link"), {"action": "link"})

    assert response.status_code == 302
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (trainee, "weixin", fake.openid(OFFICIAL_ACCOUNT[0]))
    assert NotificationProfile.objects.get(user=trainee).wechat_openid == fake.openid(OFFICIAL_ACCOUNT[0])
    assert get_user_model().objects.count() == users_before
    assert "/sns/userinfo" in " ".join(fake.requests)


def test_second_wechat_log_in_goes_straight_into_the_linked_account(fake, trainee):
    link_in_wechat(browser(), fake)
    users_before = get_user_model().objects.count()

    client = browser()
    response = oauth(client, fake)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == trainee.pk
    assert get_user_model().objects.count() == users_before
    assert SocialAccount.objects.count() == 1


def test_qr_log_in_on_a_computer_links_for_log_in_but_its_openid_cannot_receive_messages(fake, trainee):
    client = browser(DESKTOP)
    start = client.post(reverse("weixin_login"))
    assert start["Location"].startswith(f"{fake.url}/connect/qrconnect?appid={WEBSITE_APP[0]}")
    assert "scope=snsapi_login" in start["Location"]

    link_in_wechat(client, fake)

    account = SocialAccount.objects.get()
    assert account.uid == fake.openid(WEBSITE_APP[0])
    # An OpenID is per app: the official account cannot send to the website app's OpenID.
    assert not NotificationProfile.objects.filter(user=trainee).exclude(wechat_openid="").exists()


def test_official_account_log_in_inside_wechat_uses_its_authorize_page(fake, trainee):
    start = browser().post(reverse("weixin_login"))
    location = start["Location"]
    assert location.startswith(f"{fake.url}/connect/oauth2/authorize?appid={OFFICIAL_ACCOUNT[0]}")
    assert "scope=snsapi_userinfo" in location
    assert location.endswith("#wechat_redirect")


def test_silent_official_account_log_in_needs_no_profile(fake, trainee, settings):
    settings.WEIXIN_OFFICIAL_ACCOUNT_SCOPE = "snsapi_base"
    link_in_wechat(browser(), fake)

    assert SocialAccount.objects.get().uid == fake.openid(OFFICIAL_ACCOUNT[0])
    assert "GET /sns/userinfo" not in fake.requests


def test_wechat_linked_to_one_person_cannot_be_linked_to_another(fake, trainee):
    link_in_wechat(browser(), fake)
    other = UserFactory(real_name="李四")
    client = browser()
    client.force_login(other)

    response = oauth(client, fake, process="connect", next=reverse("notifications_preferences"))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications_preferences")
    page = client.get(response["Location"])
    assert "已关联到学院的另一个账号" in page.content.decode()
    assert SocialAccount.objects.get().user == trainee
    assert not NotificationProfile.objects.filter(user=other).exclude(wechat_openid="").exists()


def test_link_waiting_in_the_session_is_refused_when_someone_else_linked_it_meanwhile(fake, trainee):
    client = browser()
    oauth(client, fake)  # parked, nobody logged in yet
    first = browser()
    link_in_wechat(first, fake)  # meanwhile the same WeChat is linked to 张三 elsewhere
    other = UserFactory(phone="+8613800000001", real_name="李四")
    client.force_login(other)

    response = client.post(reverse("academy_social_link"), {"action": "link"})

    assert response["Location"] == reverse("academy_profile")
    assert [account.user for account in SocialAccount.objects.all()] == [trainee]
    assert "已关联到学院的另一个账号" in client.get(response["Location"]).content.decode()


def test_wechat_never_creates_an_account(fake, trainee):
    users_before = get_user_model().objects.count()
    client = browser()
    fake.person, fake.nickname = "stranger", "路人"

    oauth(client, fake)  # nobody has linked this WeChat; the visitor goes away
    signup = client.get(reverse("socialaccount_signup"))

    assert signup.status_code == 302  # allauth's social sign-up page has nothing to offer: back to the log-in
    assert signup["Location"] == reverse("account_login")
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session


def test_adapter_allows_no_sign_up_from_a_social_log_in(rf):
    from academy.social.adapter import SocialAccountAdapter

    adapter = SocialAccountAdapter()
    assert adapter.is_auto_signup_allowed(rf.get("/"), None) is False
    assert adapter.is_open_for_signup(rf.get("/"), None) is False


def test_without_configuration_there_is_no_wechat_button_and_its_urls_are_404(client, trainee):
    page = client.get(reverse("account_login"))

    assert page.status_code == 200
    assert "微信登录" not in page.content.decode()
    assert 'action="/accounts/weixin/login/' not in page.content.decode()
    assert client.get(reverse("weixin_login")).status_code == 404
    assert client.post(reverse("weixin_login")).status_code == 404
    assert client.get(reverse("weixin_callback"), {"code": "x", "state": "y"}).status_code == 404
    assert client.post(reverse("dingtalk_login")).status_code == 404


def test_configured_log_in_page_shows_the_wechat_button(fake, client):
    page = browser(DESKTOP).get(reverse("account_login")).content.decode()

    assert "微信登录" in page
    assert f'action="{reverse("weixin_login")}?process=login"' in page


def test_dingtalk_is_refused_to_a_trainee(fake, trainee):
    fake.dingtalk_user_ids[fake.union_id()] = "manager4220"
    client = browser(DESKTOP)
    client.force_login(trainee)

    response = oauth(client, fake, provider="dingtalk", process="connect", next=reverse("academy_profile"))

    assert response["Location"] == reverse("academy_profile")
    assert "仅供学院工作人员使用" in client.get(response["Location"]).content.decode()
    assert not SocialAccount.objects.exists()
    assert not NotificationProfile.objects.filter(user=trainee).exclude(work_user_id="").exists()


def test_dingtalk_log_in_of_a_trainee_via_the_link_page_is_refused(fake, trainee):
    client = browser(DESKTOP)
    oauth(client, fake, provider="dingtalk")
    log_in_with_phone(client, reverse("academy_social_link"))

    response = client.post(reverse("academy_social_link"), {"action": "link"})

    assert response["Location"] == reverse("academy_profile")
    assert not SocialAccount.objects.exists()


def test_staff_member_links_dingtalk_and_the_work_notice_user_id_is_filled(fake, django_capture_on_commit_callbacks):
    registrar = make_registrar()
    fake.dingtalk_user_ids[fake.union_id()] = "manager4220"
    client = browser(DESKTOP)
    client.force_login(registrar)

    with django_capture_on_commit_callbacks(execute=True):
        oauth(client, fake, provider="dingtalk", process="connect")

    account = SocialAccount.objects.get()
    assert (account.user, account.provider) == (registrar, "dingtalk")
    assert NotificationProfile.objects.get(user=registrar).work_user_id == "manager4220"
    assert "POST /topapi/user/getbyunionid" in fake.requests


def test_wechat_channel_of_notify_reaches_a_linked_person(fake, trainee, django_capture_on_commit_callbacks):
    link_in_wechat(browser(), fake)
    MessageTemplate.objects.create(
        event=Event.CERTIFICATE_ISSUED,
        title="证书颁发通知",
        body="{name}，您的{programme}证书已颁发，编号{number}。",
        wechat_template_id="ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
    )
    from datetime import datetime
    from zoneinfo import ZoneInfo

    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notify(
            event=Event.CERTIFICATE_ISSUED,
            recipients=[trainee],
            context={"programme": "小区专员岗前培训", "number": "拱三方证〔2026〕第000123号"},
            now=datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        )

    delivery = Delivery.objects.get(channel=Channel.WECHAT)
    assert delivery.status == DeliveryStatus.SENT
    assert [message["touser"] for message in fake.messages] == [fake.openid(OFFICIAL_ACCOUNT[0])]


def test_forgetting_wechat_on_the_preferences_page_unlinks_it_and_clears_the_openid(fake, trainee):
    client = browser()
    link_in_wechat(client, fake)

    response = client.post(reverse("notifications_preferences"), {"unlink_wechat": "on"})

    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert NotificationProfile.objects.get(user=trainee).wechat_openid == ""


def test_unlinking_on_the_connections_page_clears_the_openid(fake, trainee):
    client = browser()
    link_in_wechat(client, fake)
    account = SocialAccount.objects.get()

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert NotificationProfile.objects.get(user=trainee).wechat_openid == ""


def wechat_box(page: str) -> str:
    return re.search(r'<input[^>]*name="certificate_issued__wechat"[^>]*>', page).group(0)


def test_preferences_wechat_boxes_cannot_be_ticked_until_wechat_is_linked(fake, trainee):
    client = browser()
    client.force_login(trainee)

    page = client.get(reverse("notifications_preferences")).content.decode()

    assert "请先关联微信" in page
    assert " disabled" in wechat_box(page)
    assert "关联微信" in page  # the button that starts linking

    link_in_wechat(browser(), fake)  # linked in WeChat (another browser of the same person)
    page = client.get(reverse("notifications_preferences")).content.decode()
    assert " disabled" not in wechat_box(page)
    assert "请先关联微信" not in page


def test_parked_identity_expires(fake, trainee, monkeypatch):
    client = browser()
    oauth(client, fake)
    monkeypatch.setattr(social_services, "PARKED_SECONDS", -1)

    response = client.get(reverse("academy_social_link"))

    assert response["Location"] == reverse("account_login")


def test_deleting_the_account_unlinks_wechat_and_the_download_lists_it(fake, trainee):
    from academy.privacy import account_anonymise, personal_data_collect

    link_in_wechat(browser(), fake)
    linked = personal_data_collect(user=trainee).sections["linked_accounts"]
    assert [(row["provider"], row["uid"]) for row in linked] == [("weixin", fake.openid(OFFICIAL_ACCOUNT[0]))]

    account_anonymise(user=trainee)

    assert not SocialAccount.objects.exists()
    client = browser()
    response = oauth(client, fake)  # the same WeChat again: nobody's, so it waits for a phone log-in
    assert response["Location"] == reverse("academy_social_link")
    assert "_auth_user_id" not in client.session


def test_superuser_sets_a_staff_members_dingtalk_user_id_in_the_admin(client):
    from django.contrib.auth.models import Group

    superuser = UserFactory(is_superuser=True, is_staff=True)
    registrar = make_registrar()
    client.force_login(superuser)
    url = reverse("wagtailusers_users:edit", args=[registrar.pk])

    page = client.get(url)
    assert 'name="work_user_id"' in page.content.decode()
    response = client.post(
        url,
        {
            "username": registrar.username,
            "email": "registrar@example.org",
            "first_name": "晓",
            "last_name": "王",
            "is_active": "on",
            "groups": [group.pk for group in Group.objects.filter(user=registrar)],
            "work_user_id": " manager4220 ",
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert NotificationProfile.objects.get(user=registrar).work_user_id == "manager4220"


def test_work_notice_reaches_the_dingtalk_user_id_filled_from_the_log_in(fake, django_capture_on_commit_callbacks):
    registrar = make_registrar()
    fake.dingtalk_user_ids[fake.union_id()] = "manager4220"
    client = browser(DESKTOP)
    client.force_login(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        oauth(client, fake, provider="dingtalk", process="connect")

    from datetime import datetime
    from zoneinfo import ZoneInfo

    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notify(
            event=Event.CERTIFICATE_ISSUED,
            recipients=[registrar],
            context={"programme": "小区专员岗前培训", "number": "拱三方证〔2026〕第000123号"},
            now=datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        )

    delivery = Delivery.objects.get(channel=Channel.WORK)
    assert (delivery.address, delivery.status) == ("manager4220", DeliveryStatus.SENT)
    assert fake.messages[-1]["userid_list"] == "manager4220"


def test_an_app_added_in_the_database_configures_nothing(client):
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.create(provider="weixin", name="WeChat", client_id="wx-from-db", secret="db-secret")

    assert client.post(reverse("weixin_login")).status_code == 404
    assert "微信登录" not in client.get(reverse("account_login")).content.decode()


@pytest.mark.parametrize(
    ("website", "official_account", "user_agent", "expected"),
    [
        (True, True, DESKTOP, ["website"]),
        (True, True, IN_WECHAT, ["official-account"]),  # the QR page cannot work inside WeChat
        (False, True, DESKTOP, []),  # the official account's page works only inside WeChat: no button on a computer
        (True, False, IN_WECHAT, []),
        (False, False, DESKTOP, []),
    ],
)
def test_each_browser_sees_the_wechat_app_that_works_in_it(
    rf, settings, website, official_account, user_agent, expected
):
    from academy.social.config import configured_apps

    settings.WEIXIN_APP_ID, settings.WEIXIN_APP_SECRET = WEBSITE_APP if website else ("", "")
    settings.WECHAT_MP_APP_ID, settings.WECHAT_MP_APP_SECRET = OFFICIAL_ACCOUNT
    settings.WEIXIN_OFFICIAL_ACCOUNT_LOGIN = official_account

    apps = configured_apps(rf.get("/", headers={"User-Agent": user_agent}))

    assert [app.settings["kind"] for app in apps if app.provider == "weixin"] == expected


def test_content_security_policy_lets_the_log_in_form_reach_only_the_configured_providers(monkeypatch):
    import importlib
    import sys

    def form_action():
        # A fresh import reads the environment again (see tests/courses/test_images_and_compression.py).
        sys.modules.pop("academy.settings.base", None)
        return importlib.import_module("academy.settings.base").CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]

    try:
        assert form_action() == ["'self'"]
        monkeypatch.setenv("WEIXIN_APP_ID", WEBSITE_APP[0])
        monkeypatch.setenv("WEIXIN_APP_SECRET", WEBSITE_APP[1])
        assert form_action() == ["'self'", "https://open.weixin.qq.com"]
        monkeypatch.setenv("DINGTALK_LOGIN", "1")
        monkeypatch.setenv("DINGTALK_APP_KEY", DINGTALK_APP[0])
        monkeypatch.setenv("DINGTALK_APP_SECRET", DINGTALK_APP[1])
        assert form_action() == ["'self'", "https://login.dingtalk.com", "https://open.weixin.qq.com"]
    finally:
        monkeypatch.undo()
        form_action()


def test_saving_preferences_without_wechat_keeps_the_stored_wechat_choices(client, trainee):
    from notifications.models import ChannelOptOut

    ChannelOptOut.objects.create(user=trainee, event=Event.CERTIFICATE_ISSUED, channel=Channel.WECHAT)
    client.force_login(trainee)
    sms_on = {f"{event}__{Channel.SMS}": "on" for event in Event.values}

    client.post(reverse("notifications_preferences"), {**sms_on, f"{Event.SESSION_REMINDER}__{Channel.WECHAT}": "on"})

    # The WeChat boxes could not be ticked: what was stored for them stays, whatever the browser sent.
    assert set(ChannelOptOut.objects.filter(user=trainee).values_list("event", "channel")) == {
        (Event.CERTIFICATE_ISSUED, Channel.WECHAT)
    }


def test_connections_page_lists_the_linked_wechat_in_chinese_and_offers_no_dingtalk_to_a_trainee(fake, trainee):
    client = browser()
    link_in_wechat(client, fake)

    page = client.get(reverse("socialaccount_connections")).content.decode()

    assert "关联账号" in page
    assert "微信：张三" in page
    assert "解除关联" in page
    assert "关联钉钉" not in page


def test_inside_wechat_a_person_linked_by_qr_code_is_offered_the_link_that_receives_messages(fake, trainee):
    link_in_wechat(browser(DESKTOP), fake)  # QR code: log-in only
    in_wechat, on_computer = browser(), browser(DESKTOP)
    for client in (in_wechat, on_computer):
        client.force_login(trainee)

    assert "关联微信" in in_wechat.get(reverse("notifications_preferences")).content.decode()
    assert "关联微信</button>" not in on_computer.get(reverse("notifications_preferences")).content.decode()
    oauth(in_wechat, fake, process="connect", next=reverse("notifications_preferences"))

    assert NotificationProfile.objects.get(user=trainee).wechat_openid == fake.openid(OFFICIAL_ACCOUNT[0])
    assert SocialAccount.objects.filter(user=trainee).count() == 2


def test_a_wechat_linked_by_qr_code_only_can_be_unlinked_on_the_preferences_page(fake, trainee):
    client = browser(DESKTOP)
    link_in_wechat(client, fake)
    assert 'name="unlink_wechat"' in client.get(reverse("notifications_preferences")).content.decode()

    client.post(reverse("notifications_preferences"), {"unlink_wechat": "on"})

    assert not SocialAccount.objects.exists()
