"""Absolute URLs (the certificate's QR code and printed address, the Open Badges credential, calendar files, the
projector's check-in QR code, robots.txt): one place decides the scheme and host.

* When ``SITE_BASE_URL`` is set (always in production: see ``.env.example``), every absolute URL starts with it,
  whoever asked and whatever Host header they sent; a PDF rendered by a background worker prints the same address.
* When it is not set (development), URLs follow the address being served: the request's own scheme and host
  (Django has already checked the host against ``ALLOWED_HOSTS``). Work done while serving a request but without
  the request at hand — a certificate issued and rendered when a course completes, say — finds that address
  through ``ServedAddressMiddleware``. Only with neither (a management command, a worker) does it fall back to
  ``WAGTAILADMIN_BASE_URL``, whose default is ``http://127.0.0.1:8000``.
"""

from contextvars import ContextVar

from django.conf import settings

_served_origin: ContextVar[str] = ContextVar("academy_served_origin", default="")


def request_origin(request) -> str:
    """``https://academy.example.org`` for a request to that host (port kept when it is not the default)."""
    return f"{request.scheme}://{request.get_host()}"


def site_base_url(request=None) -> str:
    """The scheme and host absolute URLs start with, without a trailing slash."""
    configured = (getattr(settings, "SITE_BASE_URL", "") or "").rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request_origin(request)
    return _served_origin.get() or settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path: str, request=None) -> str:
    """``path`` (``/verify/…/``) as an absolute URL; a URL that is already absolute is returned unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return site_base_url(request) + "/" + path.lstrip("/")


def page_absolute_url(page, request=None) -> str:
    """A Wagtail page's absolute URL from the same base (not from the Site record's hostname, which is
    ``localhost`` in the demo data and says nothing about where the site is served)."""
    parts = page.get_url_parts(request)
    if parts is None:
        return ""
    return absolute_url(parts[2], request)


class ServedAddressMiddleware:
    """Remembers the address this request was served at for ``site_base_url`` while the request is handled.

    Listed after CommonMiddleware, which has already refused a Host header outside ``ALLOWED_HOSTS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _served_origin.set(request_origin(request))
        try:
            return self.get_response(request)
        finally:
            _served_origin.reset(token)
