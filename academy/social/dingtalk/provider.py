"""DingTalk log-in for staff: allauth's provider with its endpoints named by the settings (see ``academy.social``)."""

from allauth.socialaccount.providers.dingtalk.provider import DingTalkProvider as AllauthDingTalkProvider
from django.utils.translation import gettext_lazy as _

from .views import DingTalkOAuth2Adapter


class DingTalkProvider(AllauthDingTalkProvider):
    """DingTalk (or 浙政钉) log-in; ``academy.social.SocialAccountAdapter`` keeps it to staff accounts."""

    oauth2_adapter_class = DingTalkOAuth2Adapter
    name = _("DingTalk")


provider_classes = [DingTalkProvider]
