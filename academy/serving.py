"""Wagtail's routing and view-restriction reads for our page types, cached under the content generation.

Serving a page under the home page cost a title-only page four queries after the site lookup was cached
(academy/sites.py): the child by its slug and that child's specific row (``Page.route``), then the view restrictions
of the page and its ancestors (the ancestors, then their restrictions: Wagtail's ``check_view_restrictions`` hook).
Together they were about 3 of the page's 10 ms of CPU, most of it Django compiling the SQL (docs/performance.md,
"Issue 22 — this session"). What they read is content: which child has which slug, its fields, which restrictions
the page and its ancestors carry. Every change to any of it bumps the content generation (academy/page_cache.py: a
page saved, published, unpublished, moved or deleted, a view restriction saved or deleted), so both answers are
cached under that generation, in the shared fragment cache (academy.cache): every worker sees a change at once.

What stays live is the decision for the visitor: Wagtail's hook still asks each cached restriction
``accept_request(request)`` (logged in, the visitor's groups, the password in the session), and a group restriction
still reads its groups. Each request unpickles its own copies, so nothing one request does to them is seen by
another. Only our own page types opt in (``CachedServingMixin``); the course pages route themselves
(courses/models.py) and take only the cached view restrictions (``CachedViewRestrictionsMixin``).
"""

import hashlib

from django.http import Http404
from wagtail.models import Page, PageViewRestriction

from .cache import VersionedCache

CHILDREN = VersionedCache("academy:child-by-slug", timeout=300)
VIEW_RESTRICTIONS = VersionedCache("academy:view-restrictions", timeout=300)


class _NoSuchChild(Exception):
    """No child has that slug: not cached, so that requests for made-up addresses cannot fill the cache."""


def child_for_route(parent: Page, slug: str) -> Page | None:
    """The specific instance of ``parent``'s child with this ``slug`` (live or not: its own ``route`` decides), as
    Wagtail's ``Page.route`` reads it, cached per parent and slug under the content generation; None when there is
    none."""

    def build() -> tuple[Page]:
        try:
            child = parent.get_children().get(slug=slug)
        except Page.DoesNotExist as error:
            raise _NoSuchChild from error
        return (child.specific,)  # a tuple, as academy.sites does

    key = hashlib.sha1(f"{parent.pk}:{slug}".encode(), usedforsecurity=False).hexdigest()
    try:
        return CHILDREN.get_or_build(key, build)[0]
    except _NoSuchChild:
        return None


def view_restrictions_for(page: Page) -> list[PageViewRestriction]:
    """Wagtail's ``Page.get_view_restrictions()`` of this page (its own and its ancestors', aliases resolved to their
    sources), cached per page under the content generation."""
    return VIEW_RESTRICTIONS.get_or_build(str(page.pk), lambda: (list(Page.get_view_restrictions(page)),))[0]


class CachedViewRestrictionsMixin:
    """While the page is being served (``attach_view_restrictions``, a ``before_serve_page`` hook) its view
    restrictions come from ``view_restrictions_for``. For page types that route themselves (the course pages, whose
    routing courses/models.py caches); the others take ``CachedServingMixin``."""

    def get_view_restrictions(self):
        """Wagtail's queryset; while this instance is being served, with its result filled from the cache (iterating,
        ``exists()``, ``len()`` and ``bool()`` then ask nothing; anything chained onto it queries afresh)."""
        restrictions = self.__dict__.get("_serving_view_restrictions")
        if restrictions is None:
            return super().get_view_restrictions()
        queryset = PageViewRestriction.objects.filter(pk__in=[restriction.pk for restriction in restrictions])
        queryset._result_cache = list(restrictions)
        return queryset


class CachedServingMixin(CachedViewRestrictionsMixin):
    """For a page type whose routing is Wagtail's own ``Page.route``: the child by slug comes from
    ``child_for_route``, and its view restrictions are cached while it is served (``CachedViewRestrictionsMixin``).
    Listed after ``RoutablePageMixin``, so that a routable page's own sub-routes are tried first, as they are without
    the mixin."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)  # this very page: Wagtail's live check
        child = child_for_route(self, path_components[0])
        if child is None:
            raise Http404
        child._cached_parent_obj = self  # as Page.route does: treebeard's get_parent() then needs no query
        return child.route(request, path_components[1:])


def attach_view_restrictions(page, request, serve_args, serve_kwargs) -> None:
    """Wagtail's ``before_serve_page`` hook (runs before its ``check_view_restrictions``): give the page being served
    its cached view restrictions."""
    if isinstance(page, CachedViewRestrictionsMixin):
        page._serving_view_restrictions = view_restrictions_for(page)
