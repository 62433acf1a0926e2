"""Which log-in apps exist here, built from the settings on every call (so tests and deployments switch them alone).

WeChat has two apps: the website app of open.weixin.qq.com (a QR code scanned with the phone, on a computer) and the
official account (公众号, the same one that sends the template messages) for log-in inside WeChat's own browser, where
the QR page cannot work. Each request sees the one that works in its browser. An OpenID is per app: only the
official account's OpenID can receive its messages."""

from functools import wraps

from django.conf import settings
from django.http import Http404

WEBSITE = "website"
OFFICIAL_ACCOUNT = "official-account"
# Key in a social account's extra_data naming the app (AppID) its uid (the OpenID) belongs to.
APP_ID_KEY = "academy_app_id"


def in_wechat_browser(request) -> bool:
    """Whether the request comes from WeChat's built-in browser (its User-Agent says MicroMessenger)."""
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def configured_apps(request=None) -> list:
    """The log-in apps the settings configure, those that work in ``request``'s browser first (all without one)."""
    from allauth.socialaccount.models import SocialApp

    inside_wechat = request is not None and in_wechat_browser(request)
    open_base = settings.WEIXIN_OPEN_BASE_URL.rstrip("/")
    apps = []
    if settings.WEIXIN_APP_ID and settings.WEIXIN_APP_SECRET and not inside_wechat:
        apps.append(
            SocialApp(
                provider="weixin",
                name="WeChat",
                client_id=settings.WEIXIN_APP_ID,
                secret=settings.WEIXIN_APP_SECRET,
                settings={
                    "kind": WEBSITE,
                    "scope": ["snsapi_login"],
                    "authorize_url": f"{open_base}/connect/qrconnect",
                },
            )
        )
    official_account = settings.WECHAT_MP_APP_ID and settings.WECHAT_MP_APP_SECRET
    if settings.WEIXIN_OFFICIAL_ACCOUNT_LOGIN and official_account and (request is None or inside_wechat):
        apps.append(
            SocialApp(
                provider="weixin",
                name="WeChat official account",
                client_id=settings.WECHAT_MP_APP_ID,
                secret=settings.WECHAT_MP_APP_SECRET,
                settings={
                    "kind": OFFICIAL_ACCOUNT,
                    "scope": [settings.WEIXIN_OFFICIAL_ACCOUNT_SCOPE],
                    "authorize_url": f"{open_base}/connect/oauth2/authorize",
                },
            )
        )
    if settings.DINGTALK_LOGIN and settings.DINGTALK_APP_KEY and settings.DINGTALK_APP_SECRET:
        apps.append(
            SocialApp(
                provider="dingtalk",
                name="DingTalk",
                client_id=settings.DINGTALK_APP_KEY,
                secret=settings.DINGTALK_APP_SECRET,
                settings={"auth_params": {"prompt": "consent"}},
            )
        )
    return apps


def is_configured(provider: str, request=None) -> bool:
    """Whether log-in with ``provider`` works here (in ``request``'s browser)."""
    return any(app.provider == provider for app in configured_apps(request))


def configured_or_404(provider: str, view):
    """``view``, answering 404 where ``provider`` is not configured: no URL of an absent provider works."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_configured(provider, request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
