"""Site-wide search, its autocomplete, and robots.txt."""

from collections import Counter, OrderedDict

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from academy.absolute import absolute_url
from academy.search.segment import MAX_QUERY_CHARS, segment_query
from academy.search.selectors import pages_search

from .models import _paginate, query_without_page

AUTOCOMPLETE_LIMIT = 8


def _searchable_pages():
    """Every live, public page of every type (courses and lessons too, once installed), except the home page."""
    return Page.objects.live().public().filter(depth__gt=2)


def _page_type(content_type_id: int) -> str:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return str(model._meta.verbose_name_plural) if model else ""


@require_GET
def search(request):
    """Search all pages, best first (academy.search ranks them); within a page of results, grouped by page type."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    chosen_type = request.GET.get("type", "")
    type_counts = []
    results = None
    groups = OrderedDict()
    if segment_query(query):
        found = pages_search(pages=_searchable_pages(), query=query)
        # Counts per page type over all matches, before the type filter.
        counts = Counter(document.content_type_id for document in found)
        type_counts = sorted(
            ({"id": str(ct), "label": _page_type(ct), "count": n} for ct, n in counts.items()),
            key=lambda item: -item["count"],
        )
        if chosen_type.isdigit():
            found = [document for document in found if document.content_type_id == int(chosen_type)]
        results = _paginate(request, [document.page_id for document in found])
        shown = Page.objects.filter(pk__in=results.object_list).specific().in_bulk()
        for page_id in results.object_list:
            specific = shown.get(page_id)
            if specific is not None:
                groups.setdefault(str(specific._meta.verbose_name_plural), []).append(specific)
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "results": results,
            "groups": groups,
            "type_counts": type_counts,
            "chosen_type": chosen_type,
            "searched": bool(query),
            "filter_query": query_without_page(request),
        },
    )


@require_GET
@cache_control(max_age=60)
def search_autocomplete(request):
    """Up to eight page titles starting with what has been typed, as JSON for the search box."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    suggestions = []
    if segment_query(query):
        for page in _searchable_pages().autocomplete(query, operator="or")[:AUTOCOMPLETE_LIMIT]:
            specific = page.specific_deferred
            suggestions.append({"title": page.title, "url": page.url, "type": str(specific._meta.verbose_name)})
    return JsonResponse({"query": query, "results": suggestions})


@require_GET
@cache_control(max_age=3600)
def robots_txt(request):
    """Let crawlers read the public site, keep them out of the admin and accounts, point them at the sitemap."""
    sitemap = absolute_url(reverse("sitemap"), request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /_allauth/",
        "Disallow: /search/",
        "",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
