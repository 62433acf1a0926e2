"""Middleware: ids in admin URLs checked before any query; staff who can reach personal data must set up TOTP, and use it in the session, before anything else."""

import ipaddress
from types import SimpleNamespace
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ImproperlyConfigured
from django.db.models import IntegerField
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .converters import DatabaseIdConverter

# Paths a member of staff without MFA may still open: the MFA set-up itself, logging out, assets.
_ALWAYS_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/_allauth/", "/i18n/")


def staff_second_factor_missing(*, user, session) -> str | None:
    """The staff MFA rule, for browser sessions (StaffMFARequiredMiddleware) and app session tokens (the learner
    API) alike: None when ``user`` may go on; "set_up" when a member of staff has no TOTP; "verify" when the
    ``session`` was not authenticated with it."""
    if not settings.ACADEMY_REQUIRE_STAFF_MFA:
        return None
    if user is None or not user.is_authenticated or not user.is_academy_staff:
        return None
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return "set_up"
    # allauth reads the records from ``request.session``; an app's token names a session without a request.
    records = get_authentication_records(SimpleNamespace(session=session), user)
    if not any(record.get("method") == "mfa" for record in records):
        return "verify"
    return None


class StaffMFARequiredMiddleware:
    """Registrars, street administrators, lecturers and superusers (User.is_academy_staff) must, when the setting requires it
    (always in production), have TOTP set up and have entered a TOTP or recovery code in this session.

    The second check closes Wagtail's own login form at /admin/login/, which asks only for the password: a member
    of staff signed in there is sent to allauth's MFA re-authentication before any page outside /accounts/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        missing = self._missing_factor(request)
        if missing == "set_up":
            messages.warning(request, _("Staff accounts must turn on two-factor authentication before continuing."))
            return redirect(reverse("mfa_activate_totp"))
        if missing == "verify":
            messages.warning(request, _("Enter the code from your authenticator app to continue."))
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _missing_factor(request) -> str | None:
        if request.path.startswith(_ALWAYS_ALLOWED_PREFIXES):
            return None
        return staff_second_factor_missing(user=getattr(request, "user", None), session=request.session)


def trusted_proxy_networks(entries) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """TRUSTED_PROXIES as networks: single addresses (``127.0.0.1``) and CIDR ranges (``10.0.0.0/8``, a cloud load
    balancer's subnet) alike; an entry that is neither stops the site at start-up rather than trusting nobody."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an address or a CIDR range.") from error
    return networks


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
        self.trusted = trusted_proxy_networks(settings.TRUSTED_PROXIES)

    def is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:  # "unknown", a port, anything a client typed: never a proxy of ours
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self.is_trusted(peer):
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            client = next((hop for hop in reversed(hops) if not self.is_trusted(hop)), None)
            if client is not None:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


class ObjectIdInPathMiddleware:
    """Wagtail's admin routes take an object's id as text (``<str:pk>``, so that any kind of primary key fits). For
    a model whose key is an integer, an id that is not a whole number from 1 to 2**63-1 names nothing: 404 before
    the view runs. Wagtail's choosers answered ``chosen/abc/`` with a ValueError, a 500 (issue 15). Our own routes
    use the ``<id:…>`` converter (academy/converters.py) and never get this far with such an id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        pk = view_kwargs.get("pk")
        if not isinstance(pk, str):
            return None
        model = getattr(view_func, "view_initkwargs", {}).get("model") or getattr(
            getattr(view_func, "view_class", None), "model", None
        )
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is None or not _has_integer_key(model):
            return None
        if not DatabaseIdConverter.is_valid(unquote(pk)):
            raise Http404
        return None


def _has_integer_key(model) -> bool:
    field = model._meta.pk
    while field.is_relation:  # a Wagtail page model's page_ptr, say
        field = field.target_field
    return isinstance(field, IntegerField)
