"""WeChat log-in: allauth's provider, with the pages it redirects to and the API it calls named by the settings.

Registered in place of allauth's class through ``SOCIALACCOUNT_PROVIDERS["weixin"]["provider_class"]``, so that its
URLs come from this package (``get_package``) and its views can answer 404 when WeChat is not configured."""

from allauth.socialaccount.providers.weixin.provider import WeixinProvider as AllauthWeixinProvider
from django.utils.translation import gettext_lazy as _

from .views import WeixinOAuth2Adapter


class WeixinProvider(AllauthWeixinProvider):
    """QR log-in on a computer (website app) or the official account's log-in inside WeChat (``academy.social``
    chooses the app per request; the app's settings carry its scope and authorize page)."""

    oauth2_adapter_class = WeixinOAuth2Adapter
    name = _("WeChat")


provider_classes = [WeixinProvider]
