"""DingTalk's OAuth views: allauth's, with the endpoints from the settings and 404 when DingTalk is not configured."""

from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter as AllauthDingTalkAdapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings

from academy.social.config import configured_or_404


class DingTalkOAuth2Adapter(AllauthDingTalkAdapter):
    """The log-in page from ``DINGTALK_LOGIN_BASE_URL``, the token and profile from ``DINGTALK_OPENAPI_BASE_URL``."""

    @property
    def authorize_url(self):
        return settings.DINGTALK_LOGIN_BASE_URL.rstrip("/") + "/oauth2/auth"

    @property
    def access_token_url(self):
        return settings.DINGTALK_OPENAPI_BASE_URL.rstrip("/") + "/v1.0/oauth2/userAccessToken"

    @property
    def profile_url(self):
        return settings.DINGTALK_OPENAPI_BASE_URL.rstrip("/") + "/v1.0/contact/users/me"


oauth2_login = configured_or_404("dingtalk", OAuth2LoginView.adapter_view(DingTalkOAuth2Adapter))
oauth2_callback = configured_or_404("dingtalk", OAuth2CallbackView.adapter_view(DingTalkOAuth2Adapter))
