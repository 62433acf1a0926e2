"""Middleware: staff who can reach personal data must set up TOTP before they do anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths a member of staff without MFA may still open: the MFA set-up itself, logging out, assets.
_ALWAYS_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/_allauth/", "/i18n/")


class StaffMFARequiredMiddleware:
    """Redirect registrars, street administrators and superusers to TOTP set-up when the setting requires it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            messages.warning(request, _("Staff accounts must turn on two-factor authentication before continuing."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        if not settings.ACADEMY_REQUIRE_STAFF_MFA:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_academy_staff:
            return False
        if request.path.startswith(_ALWAYS_ALLOWED_PREFIXES):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
