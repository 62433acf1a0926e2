"""Which Wagtail Site answers a request, without a query on every request.

Wagtail finds the site anew for every request (``Site.find_for_request``: one query joining the site to its root
page, which Django compiles afresh each time) and then loads the root page's specific row to route from it (a
second query). On a title-only page the two were a third of the CPU the request cost (docs/performance.md, "Issue
22 — this session"). Sites and their root pages change rarely, and every change to either bumps the content
generation (academy/page_cache.py: a Site or a page saved, moved, published, unpublished, deleted), so the answer
is cached per host and port under that generation, in the same fragment cache as the menu (academy.cache): every
worker sees a change at once.

``SiteLookupMiddleware`` puts the cached answer where Wagtail looks first (``request._wagtail_site``), looked up
when something first reads it, so Wagtail's serving, its redirects, ``pageurl`` and our own selectors all use it and
a view that never asks for the site pays nothing. The answer is Wagtail's own
(``Site._find_for_request``), computed on a miss, so the rules (hostname and port, then hostname, then the default
site) are unchanged; the root page's specific instance comes with it. Each request unpickles its own copy, so
nothing one request does to the objects is seen by another.
"""

import hashlib

from django.http.request import split_domain_port
from wagtail.models import Site

from .cache import VersionedCache

SITES = VersionedCache("academy:site-for-host", timeout=300)


def site_for_request(request) -> Site | None:
    """Wagtail's ``Site._find_for_request(request)``, cached per host and port under the content generation, with
    the root page's specific instance loaded (the page Wagtail routes from)."""

    def build() -> tuple[Site | None]:
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page.localized.specific  # noqa: B018  (loaded now, so it is cached with the site)
        return (site,)  # a tuple: the cache cannot tell a stored None from a miss

    hostname = split_domain_port(request._get_raw_host())[0]  # what Wagtail matches on (no ALLOWED_HOSTS check)
    key = hashlib.sha1(f"{hostname}:{request.get_port()}".encode(), usedforsecurity=False).hexdigest()
    return SITES.get_or_build(key, build)[0]


class _LazySite:
    """``request._wagtail_site``, looked up (``site_for_request``) the first time anything reads it, then kept.

    Wagtail reads the site with ``hasattr(request, "_wagtail_site")`` and then the attribute (``Site.find_for_request``);
    both arrive here, so a request whose view never asks for the site (a plain Django view, a JSON endpoint) costs no
    lookup, and one that does gets the cached answer. A data descriptor, so what Wagtail or a test assigns is kept
    and returned as it was (None included)."""

    def __get__(self, request, owner=None):
        if request is None:
            return self
        try:
            return request.__dict__["_wagtail_site"]
        except KeyError:
            site = request.__dict__["_wagtail_site"] = site_for_request(request)
            return site

    def __set__(self, request, value):
        request.__dict__["_wagtail_site"] = value

    def __delete__(self, request):
        request.__dict__.pop("_wagtail_site", None)


_LAZY_REQUEST_CLASSES: dict[type, type] = {}


def _with_lazy_site(request_class: type) -> type:
    """A subclass of ``request_class`` (WSGIRequest, ASGIRequest, the test client's) whose ``_wagtail_site`` is
    looked up on first read; made once per class."""
    if isinstance(getattr(request_class, "_wagtail_site", None), _LazySite):
        return request_class  # already lazy
    try:
        return _LAZY_REQUEST_CLASSES[request_class]
    except KeyError:
        lazy = type(request_class.__name__, (request_class,), {"_wagtail_site": _LazySite(), "__module__": __name__})
        return _LAZY_REQUEST_CLASSES.setdefault(request_class, lazy)


class SiteLookupMiddleware:
    """Makes ``request._wagtail_site`` come from ``site_for_request`` (see the module's docstring) when it is first
    read, once the view is known: Wagtail's serving, its redirects on a 404, ``pageurl`` and our own selectors get the
    cached site, and a view that never asks for the site costs nothing (a plain Django view through the middleware
    paid for an unpickled Site and root page on every request when the lookup was made here at once: 1.38 ms of CPU
    against 1.25 before the cut, docs/performance.md). Listed after PageCacheMiddleware: a page served from that
    cache needs no site, and the lookup reads the same content generation as the page it serves (the one read when
    the request began). A view marked ``@site_lookup_exempt`` (the health check: it must answer, and name the fault,
    when the database or the cache is down) is left to Wagtail's own lookup, which it never makes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "site_lookup_exempt", False) and "_wagtail_site" not in request.__dict__:
            request.__class__ = _with_lazy_site(type(request))


def site_lookup_exempt(view):
    """Mark a view that needs no Wagtail site, so that SiteLookupMiddleware does not look one up for it."""
    view.site_lookup_exempt = True
    return view
