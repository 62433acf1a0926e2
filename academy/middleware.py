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


class TrustedProxyMiddleware:
    """Behind nginx (or a load balancer) every request comes from the proxy's address, and gunicorn does not
    change that: REMOTE_ADDR would be 127.0.0.1 for everyone, and the per-IP rate limits (certificate verification,
    allauth's sign-up and code limits) would count the whole world as one client. When the request comes from a
    proxy listed in TRUSTED_PROXIES, REMOTE_ADDR becomes the client address that proxy reported: the right-most
    X-Forwarded-For entry that is not itself a trusted proxy. A client cannot forge it, because entries a client
    adds sit to the left of the ones the proxies append; a request that did not come through a trusted proxy is
    left as it is."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = set(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if peer in self.trusted and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            client = next((hop for hop in reversed(hops) if hop not in self.trusted), None)
            if client is not None:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
