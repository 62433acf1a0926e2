"""Site-wide search, its autocomplete, robots.txt, and what an event page does: sign-up (with its rate limit and
token), the calendar file, cancelling, and the Excel export of sign-ups. EventPage's routes hand over to these."""

from collections import Counter, OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from academy.absolute import absolute_url, page_absolute_url
from academy.page_cache import cache_anonymous_view
from academy.search.segment import MAX_QUERY_CHARS, query_words, segment_query

from . import selectors, services
from .export import signups_workbook
from .forms import EventSignupForm, signup_rate_limited
from .ics import event_calendar
from .models import EventPage, _paginate, query_without_page
from .tokens import signup_from_token, signup_token

AUTOCOMPLETE_LIMIT = 8


def _page_type(content_type_id: int) -> str:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return str(model._meta.verbose_name_plural) if model else ""


@require_GET
@cache_anonymous_view
def search(request):
    """Search all pages, best first (academy.search ranks them); within a page of results, grouped by page type."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    chosen_type = request.GET.get("type", "")
    type_counts = []
    results = None
    groups = OrderedDict()
    words = query_words(query)
    if words:
        # The ranking and the cards are cached under the content generation, for anonymous and logged-in visitors
        # alike (home.selectors): a query asked before costs no query, a new one the ranking and the cards not yet
        # cached. The query is segmented once, here.
        found = selectors.search_ranked(query=query, words=words)
        # Counts per page type over all matches, before the type filter.
        counts = Counter(content_type_id for _page_id, content_type_id in found)
        type_counts = sorted(
            ({"id": str(ct), "label": _page_type(ct), "count": n} for ct, n in counts.items()),
            key=lambda item: -item["count"],
        )
        if chosen_type.isdigit():
            found = [(page_id, ct) for page_id, ct in found if ct == int(chosen_type)]
        results = _paginate(request, [page_id for page_id, _ct in found])
        types = dict(found)
        for card in selectors.search_cards(page_ids=results.object_list, request=request):
            groups.setdefault(_page_type(types[card.page_id]), []).append(card)
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
        for page in selectors.searchable_pages().autocomplete(query, operator="or")[:AUTOCOMPLETE_LIMIT]:
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


# Events ------------------------------------------------------------------------------------------------------


def event_context(*, request, event: EventPage) -> dict:
    """What the event page shows besides the page itself: places left, whether sign-up is open, the export link."""
    return {
        "places_left": selectors.event_places_left(event=event),
        "signup_open": event.is_signup_open(),
        "can_export": event.can_export_signups(request.user),
    }


def event_detail(request, *, event: EventPage):
    """The event, with its sign-up form; a sign-up is refused with a 429 when this phone or network signs up too
    often, and a good one leads to its own page (a signed token in the address, to cancel later)."""
    if request.method == "POST":
        form = EventSignupForm(request.POST, user=request.user)
        if signup_rate_limited(request, form):
            form.add_error(None, _("Too many sign-ups from this phone or network; please try again later."))
            response = event.render(request, context_overrides={"signup_form": form})
            response.status_code = 429
            return response
        if form.is_valid():
            try:
                signup = services.event_signup_create(
                    event=event,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    user=request.user if request.user.is_authenticated else None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(event.subpage_url("signup_done", signup_token(signup)))
    else:
        form = EventSignupForm(user=request.user)
    return event.render(request, context_overrides={"signup_form": form})


def event_ics(request, *, event: EventPage):
    """The event as a calendar file (.ics) to add to a phone's calendar."""
    response = HttpResponse(
        event_calendar(event=event, url=page_absolute_url(event, request)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def event_signup_done(request, *, event: EventPage, token: str):
    """The sign-up's own page, found by its token (a 404 for a forged one), with the link to cancel it."""
    signup = signup_from_token(token, event=event)
    return event.render(
        request,
        template="home/event_signup_done.html",
        context_overrides={"signup": signup, "cancel_url": event.subpage_url("signup_cancel", token)},
    )


def event_signup_cancel_view(request, *, event: EventPage, token: str):
    """Ask, then cancel the sign-up named by the token on POST."""
    signup = signup_from_token(token, event=event)
    if request.method == "POST":
        services.event_signup_cancel(signup=signup)
        messages.success(request, _("Your sign-up has been cancelled."))
        return redirect(event.url)
    return event.render(request, template="home/event_signup_cancel.html", context_overrides={"signup": signup})


def event_signup_export(request, *, event: EventPage):
    """The sign-ups as an Excel workbook, for staff who may edit the event (they hold phone numbers)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not event.can_export_signups(request.user):
        raise PermissionDenied
    response = HttpResponse(
        signups_workbook(event=event),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-signups.xlsx"'
    return response
