"""The socialaccount adapter: WeChat and DingTalk only ever lead to an account that already exists."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import services
from .config import configured_apps


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Apps from the settings only; no sign-up from a social log-in; an unknown identity is parked until its owner
    logs in with their phone (``services.social_login_park``); refusals name the reason and change nothing."""

    def list_apps(self, request, provider=None, client_id=None):
        return [
            app
            for app in configured_apps(request)
            if (not provider or app.provider == provider) and (not client_id or app.client_id == client_id)
        ]

    def get_app(self, request, provider, client_id=None):
        apps = self.list_apps(request, provider=provider, client_id=client_id)
        if not apps:
            raise SocialApp.DoesNotExist
        return apps[0]  # the app that works in this browser comes first (config.configured_apps)

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        """Called with the identity looked up: refuse what may not happen; park an unknown identity for linking."""
        if sociallogin.state.get("process") == AuthProcess.CONNECT and request.user.is_authenticated:
            self._raise_if_refused(request, sociallogin, user=request.user)
            return
        if sociallogin.is_existing:
            self._raise_if_refused(request, sociallogin, user=sociallogin.user)
            return
        # Never a new account: the visitor proves who they are with their phone, then the identity is linked.
        services.social_login_park(request=request, sociallogin=sociallogin)
        raise ImmediateHttpResponse(redirect("academy_social_link"))

    def _raise_if_refused(self, request, sociallogin, *, user) -> None:
        try:
            services.social_link_validate(user=user, account=sociallogin.account)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            next_url = sociallogin.get_redirect_url(request)
            if request.user.is_authenticated and next_url and url_has_allowed_host_and_scheme(next_url, None):
                raise ImmediateHttpResponse(redirect(next_url)) from error
            target = "socialaccount_connections" if request.user.is_authenticated else "account_login"
            raise ImmediateHttpResponse(redirect(reverse(target))) from error
