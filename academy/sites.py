"""Which Wagtail Site answers a request, without a query on every request.

Wagtail finds the site anew for every request (``Site.find_for_request``: one query joining the site to its root
page, which Django compiles afresh each time) and then loads the root page's specific row to route from it (a
second query). On a title-only page the two were a third of the CPU the request cost (docs/performance.md, "Issue
22 — this session"). Sites and their root pages change rarely, and every change to either bumps the content
generation (academy/page_cache.py: a Site or a page saved, moved, published, unpublished, deleted), so the answer
is cached per host and port under that generation, in the same fragment cache as the menu (academy.cache): every
worker sees a change at once.

``SiteLookupMiddleware`` puts the cached answer where Wagtail looks first (``request._wagtail_site``), so Wagtail's
serving, its redirects, ``pageurl`` and our own selectors all use it. The answer is Wagtail's own
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


class SiteLookupMiddleware:
    """Sets ``request._wagtail_site`` from ``site_for_request`` (see the module's docstring) once the view is known.
    Listed after PageCacheMiddleware: a page served from that cache needs no site, and the lookup reads the same
    content generation as the page it serves (the one read when the request began). A view marked
    ``@site_lookup_exempt`` (the health check: it must answer, and name the fault, when the database or the cache is
    down) is left to Wagtail's own lookup, which it never makes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "site_lookup_exempt", False):
            request._wagtail_site = site_for_request(request)


def site_lookup_exempt(view):
    """Mark a view that needs no Wagtail site, so that SiteLookupMiddleware does not look one up for it."""
    view.site_lookup_exempt = True
    return view
