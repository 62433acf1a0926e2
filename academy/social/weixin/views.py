"""WeChat's OAuth views: allauth's, with the endpoints from the settings and 404 when WeChat is not configured."""

import json

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.weixin.client import WeixinOAuth2Client as AllauthWeixinClient
from allauth.socialaccount.providers.weixin.views import WeixinOAuth2Adapter as AllauthWeixinAdapter
from django.conf import settings

from academy.social.config import APP_ID_KEY, OFFICIAL_ACCOUNT, configured_or_404


class WeixinOAuth2Client(AllauthWeixinClient):
    """The official account's authorize page must end in ``#wechat_redirect`` when reached by a redirect."""

    wechat_redirect = False

    def get_redirect_url(self, authorization_url, scope, extra_params):
        url = super().get_redirect_url(authorization_url, scope, extra_params)
        return f"{url}#wechat_redirect" if self.wechat_redirect else url


class WeixinOAuth2Adapter(AllauthWeixinAdapter):
    """Token and profile from ``WECHAT_API_BASE_URL``; the authorize page from the app chosen for the request."""

    client_class = WeixinOAuth2Client
    # WeChat's /sns/oauth2/access_token takes its parameters in the query string (allauth's default is a POST).
    access_token_method = "GET"  # noqa: S105  (an HTTP method, not a password)

    @property
    def access_token_url(self):
        return settings.WECHAT_API_BASE_URL.rstrip("/") + "/sns/oauth2/access_token"

    @property
    def profile_url(self):
        return settings.WECHAT_API_BASE_URL.rstrip("/") + "/sns/userinfo"

    @property
    def authorize_url(self):
        return self.get_provider().app.settings["authorize_url"]

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.wechat_redirect = app.settings.get("kind") == OFFICIAL_ACCOUNT
        return client

    def complete_login(self, request, app, token, **kwargs):
        response = kwargs.get("response") or {}
        openid = response.get("openid")
        if "snsapi_base" in app.settings.get("scope", ()):
            # The silent log-in inside WeChat grants no profile: the OpenID is all there is.
            extra_data = {"openid": openid}
            if response.get("unionid"):
                extra_data["unionid"] = response["unionid"]
        else:
            with get_adapter().get_requests_session() as session:
                reply = session.get(self.profile_url, params={"access_token": token.token, "openid": openid})
                reply.raise_for_status()
                # WeChat sends UTF-8 without saying so in the Content-Type: decode the bytes ourselves.
                extra_data = json.loads(reply.content.decode("utf-8"))
        # Which app the OpenID belongs to (an OpenID is per app): only the official account's can receive its
        # messages (notifications.services.wechat_openid_sync).
        extra_data[APP_ID_KEY] = app.client_id
        return self.get_provider().sociallogin_from_response(request, extra_data)


oauth2_login = configured_or_404("weixin", OAuth2LoginView.adapter_view(WeixinOAuth2Adapter))
oauth2_callback = configured_or_404("weixin", OAuth2CallbackView.adapter_view(WeixinOAuth2Adapter))
