"""Reads of the content site: listings, places left, and the live figures on the home page."""

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from academy.cache import VersionedCache, get_or_build_once
from academy.search.segment import query_words
from academy.search.selectors import documents_ranked
from courses.models import CourseCompletion, CoursePage
from credits.models import Certificate

from .models import EventIndexPage, EventPage, EventSignup, NewsPage, SiteSettings

FIGURES_CACHE_KEY = "home:site-figures"
FIGURES_CACHE_SECONDS = 10 * 60


def upcoming_events(*, limit: int | None = None) -> QuerySet[EventPage]:
    """Live, public events that have not ended yet, soonest first."""
    events = (
        EventPage.objects.live()
        .public()
        .filter(end__gt=timezone.now())
        .select_related("venue", "image")
        .order_by("start")
    )
    return events[:limit] if limit else events


def latest_news(*, limit: int = 3) -> QuerySet[NewsPage]:
    """The newest live, public news items."""
    return NewsPage.objects.live().public().select_related("cover_image").order_by("-date", "-pk")[:limit]


def events_for_listing(
    *, index: EventIndexPage, past: bool = False, category: str = "", month: tuple[int, int] | None = None
) -> QuerySet[EventPage]:
    """Events under an index: upcoming soonest first, or past latest first; by category and (local) month."""
    now = timezone.now()
    events = EventPage.objects.live().public().descendant_of(index).select_related("venue", "image")
    events = events.filter(end__lte=now).order_by("-start") if past else events.filter(end__gt=now).order_by("start")
    if category:
        events = events.filter(category=category)
    if month:
        year, number = month
        tz = timezone.get_current_timezone()
        first = dt.datetime(year, number, 1, tzinfo=tz)
        after = first + dt.timedelta(days=calendar.monthrange(year, number)[1])
        events = events.filter(start__gte=first, start__lt=after)
    return events


def event_places_left(*, event: EventPage) -> int:
    """Places still free at an event (never negative)."""
    return max(event.capacity - EventSignup.objects.filter(event_id=event.pk).count(), 0)


def compute_site_figures() -> dict[str, int | None]:
    """Count live courses, trainees trained (people with at least one completed course) and certificates issued.

    Revoked certificates still count: they were issued.
    """
    return {
        "courses": CoursePage.objects.live().count(),
        "trainees": CourseCompletion.objects.values("user_id").distinct().count(),
        "certificates": Certificate.objects.count(),
    }


def site_figures() -> dict[str, int | None]:
    """The home page's live figures, cached for ten minutes so a busy front page costs no counting; on a cold cache
    they are counted once, however many visitors arrive together."""
    return get_or_build_once(FIGURES_CACHE_KEY, compute_site_figures, FIGURES_CACHE_SECONDS)


# The home page's cards ------------------------------------------------------------------------------------------

# Featured courses, upcoming events and latest news as rendered HTML: the home page is every visitor's first page,
# and these cost it eight queries (chosen pages and their specific rows, events with venues and images, news,
# each image's renditions). Forgotten when a page, venue, image or site changes (HomeConfig.ready); an event that
# has just ended drops off within the timeout.
HOME_CARDS = VersionedCache("home:cards", timeout=60)


def home_cards_html(home, request) -> str:
    """The home page's featured courses, upcoming events and latest news, rendered; an editor's preview is never
    cached (it shows the draft's choices)."""

    def build() -> str:
        context = {
            "page": home,
            "featured_pages": home.get_featured_pages(),
            "upcoming_events": upcoming_events(limit=3),
            "latest_news": latest_news(limit=3),
        }
        return render_to_string("home/includes/home_cards.html", context, request=request)

    if getattr(request, "is_preview", False):
        return mark_safe(build())  # noqa: S308  (our own template's output)
    return mark_safe(HOME_CARDS.get_or_build(f"{home.pk}:{request.get_host()}:{get_language()}", build))  # noqa: S308


# The menu and footer of every page ---------------------------------------------------------------------------

# Changes clear it at once through site_chrome_forget (signals connected in HomeConfig.ready); the timeout bounds
# staleness where the cache is per process (local memory with several gunicorn workers) rather than shared (Redis).
SITE_CHROME = VersionedCache("home:site-chrome", timeout=60)


@dataclass(frozen=True)
class SiteChrome:
    """What base.html shows on every page from the site settings: menu links (title, address) and the footer."""

    nav_links: tuple[tuple[str, str], ...]
    footer_text: str
    icp_number: str


def nav_link_title(link, language: str | None) -> str:
    """A menu link's title in the visitor's language: its English title, when it has one, to a reader of any
    language but Chinese; otherwise the title."""
    if not (language or "").startswith("zh") and link.get("title_en"):
        return link["title_en"]
    return link["title"]


def site_chrome_for(request) -> SiteChrome:
    """The menu links and footer of the request's site, read once and cached per host and language: rendering the
    settings' page links costs several queries (settings, pages, their sites) that every page would repeat."""

    def build() -> SiteChrome:
        site = Site.find_for_request(request)
        if site is None:
            return SiteChrome(nav_links=(), footer_text="", icp_number="")
        settings = SiteSettings.for_site(site)
        links = []
        for block in settings.nav_links:
            page = block.value["page"]
            url = (page.get_url(request) if page is not None else block.value["url"]) or ""
            if url:
                links.append((nav_link_title(block.value, get_language()), url))
        return SiteChrome(nav_links=tuple(links), footer_text=settings.footer_text, icp_number=settings.icp_number)

    return SITE_CHROME.get_or_build(f"{request.get_host()}:{get_language()}", build)


site_chrome_forget = SITE_CHROME.forget


# Breadcrumbs ------------------------------------------------------------------------------------------------------

# Keys carry the content generation (academy.cache): publishing, moving, renaming or deleting any page, or changing a
# Site, makes every entry stale at once in every worker.
BREADCRUMBS = VersionedCache("home:breadcrumbs", timeout=300)


def breadcrumbs_for(page, request) -> tuple[tuple[str, str], ...]:
    """The (label, address) of each ancestor of ``page`` below Wagtail's root, the site's home page labelled "Home",
    cached per page, host and language: reading the ancestors and their addresses was one query and a sixth of the
    CPU of a title-only page. A preview is built afresh (its page may be unsaved)."""

    def build() -> tuple[tuple[str, str], ...]:
        return tuple(
            (_("Home") if ancestor.depth == 2 else ancestor.title, ancestor.get_url(request=request))
            for ancestor in page.get_ancestors()
            if ancestor.depth > 1
        )

    if getattr(request, "is_preview", False) or page.pk is None:
        return build()
    return BREADCRUMBS.get_or_build(f"{page.pk}:{request.get_host()}:{get_language()}", build)


# The site search ------------------------------------------------------------------------------------------------

# Both caches carry the content generation (academy.cache): publishing, unpublishing, editing, moving or deleting a
# page, writing its search document, a view restriction or a search synonym changed, each makes every entry stale
# at once in every worker. They are shared by anonymous and logged-in visitors: the search shows live, public pages
# only (``searchable_pages``), the same for everyone, and a card holds nothing of the visitor's.
SEARCH_RANKED = VersionedCache("home:search-ranked", timeout=300)
SEARCH_CARDS = VersionedCache("home:search-cards", timeout=300)
SEARCHABLE = VersionedCache("home:searchable", timeout=300)


def searchable_pages() -> QuerySet[Page]:
    """Every live, public page of every type (courses and lessons too), except the home page: what the site search
    finds. A page with a view restriction (log-in, group or password), or below one, is never found, by anyone."""
    return Page.objects.live().public().filter(depth__gt=2)


def searchable_page_ids() -> frozenset[int]:
    """The ids of ``searchable_pages()``, cached under the content generation: a new query ranks among them without
    asking which pages are live and public (a count and a subquery over the view restrictions)."""
    return SEARCHABLE.get_or_build("ids", lambda: frozenset(searchable_pages().values_list("pk", flat=True)))


def search_ranked(*, query: str, words: list[str] | None = None) -> tuple[tuple[int, int], ...]:
    """The searchable pages holding the query's words (or their synonyms), best first, as (page id, content type id)
    pairs; cached per query under the content generation: a new query reads its words' rows of the word index and
    scores them in Python, about 0.7 ms (docs/performance.md, sections 12 and 14). ``words``: the query's words
    (``query_words``) when the caller has them already."""
    words = query_words(query) if words is None else words
    typed = "".join(query.split()).lower()
    # The words as this process's segmenter splits them are in the key too: a dictionary that has just changed in
    # another worker (academy.search.segment) never hands this one a ranking made from other words.
    digest = hashlib.sha1(f"{typed}\0{' '.join(words)}".encode(), usedforsecurity=False).hexdigest()

    def build() -> tuple[tuple[int, int], ...]:
        found = documents_ranked(query=query, searchable=searchable_page_ids(), words=words)
        return tuple((document.page_id, document.content_type_id) for document in found)

    return SEARCH_RANKED.get_or_build(digest, build)


@dataclass(frozen=True)
class SearchCard:
    """One result as the search page shows it: the page's title, address and one line about it."""

    page_id: int
    title: str
    url: str
    description: str


def search_cards(*, page_ids, request) -> list[SearchCard]:
    """The cards of ``page_ids`` in that order (a page gone since it was ranked is left out): one cache read for all
    of them, the missing ones built from their specific rows (one query per page type) and cached per page and host
    under the content generation."""
    page_ids = list(page_ids)
    prefix = SEARCH_CARDS.key(f"{request.get_host()}:")
    keys = {page_id: f"{prefix}{page_id}" for page_id in page_ids}
    cached = cache.get_many(keys.values())
    cards = {page_id: cached[key] for page_id, key in keys.items() if key in cached}
    missing = [page_id for page_id in page_ids if page_id not in cards]
    if missing:
        built = {
            page.pk: SearchCard(
                page_id=page.pk,
                title=page.title,
                url=page.get_url(request=request) or "",
                # A course has no introduction: its catalogue summary says what it is about.
                description=page.search_description
                or getattr(page, "introduction", "")
                or getattr(page, "summary", "")
                or "",
            )
            for page in Page.objects.filter(pk__in=missing).specific().in_bulk().values()
        }
        cache.set_many({keys[page_id]: card for page_id, card in built.items()}, SEARCH_CARDS.timeout)
        cards.update(built)
    return [cards[page_id] for page_id in page_ids if page_id in cards]
