"""Full-page cache for anonymous visitors of the public pages (home, catalogue, course, event, news).

Why our own and not Django's cache middleware or ``wagtail-cache`` (docs/performance.md, "Full-page cache"): every
page here carries two forms with a CSRF token (the language switch and the elder-mode switch in the chrome), and
every page reads the session, so both add ``Vary: Cookie``; Django's middleware then keys each entry on the whole
Cookie header (one copy per visitor) or, without one, refuses to store a response that sets the CSRF cookie, and
``wagtail-cache`` caches such pages "per cookie" as well. Neither knows what our pages show (a session's places,
feedback, venues), so their invalidation is "clear on publish". Here:

* **One copy per variant**, not per visitor: the key is host, scheme, language, elder mode and the full path with
  its query string. A page rendered for the cache has a placeholder where each CSRF token goes
  (``csrf_token_placeholder``, the last context processor); every response, cached or not, gets the visitor's own
  token put in its place. No token is ever cached into a page.
* **Only anonymous visitors**, and only a request with no messages waiting: a logged-in request never reads the
  cache and never fills it, and neither does a page whose view queued a message, set a cookie, used a real CSRF
  token, said ``Cache-Control: private/no-cache/no-store``, or has view restrictions (a password or log-in page).
  Only Wagtail pages of the types in ``PAGE_CACHE_PAGE_TYPES`` are stored, and only their own address (not a
  routable page's sub-route such as an event's sign-up receipt), and views marked ``@cache_anonymous_view`` (the
  site search: what it shows is public pages and their search documents, the same for every anonymous visitor).
* **Exact invalidation** by one content generation: every entry records the generation it was rendered under
  (read when its request began) and is served only while that is still current. Any change a page can show bumps
  it (``content_changed``): publishing, unpublishing, moving, deleting or saving a page, an image, a document, a
  snippet, site settings, a site, a view restriction, and the models of ``PAGE_CACHE_CHANGED_BY`` (a session and
  its registrations, i.e. the places shown, an event's sign-ups, feedback, venues …). The bump happens at once and
  again when the transaction commits, so a page rendered from the old rows while the change was in flight is never
  served afterwards. Entries also expire after ``PAGE_CACHE_SECONDS`` for what changes with time alone (an event
  that has started, the home page's figures).
* **Where the generation lives:** in the shared cache (Redis) next to the pages, read together with the entry in one
  round trip; with the per-process local-memory cache (several gunicorn workers on one host), in a small file that
  every worker reads, so a change made in one worker reaches all of them. Fragment caches (``academy.cache``,
  ``courses.selectors.catalogue_generation``) carry the same generation, so a page is never rebuilt from another
  worker's stale fragment.
* **Redis outage:** ``academy.cache_backends`` answers misses and drops writes; with no generation to read, pages are
  neither served from nor written to the cache, and the generation written during the outage is deleted when Redis
  answers again, which makes every older entry unreachable.
"""

import contextvars
import functools
import hashlib
import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
CSRF_PLACEHOLDER = "academyCsrfTokenPlaceholder7f3c1e"
_CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
HEADER = "X-Page-Cache"
# Headers a stored response keeps: the ones its view and the inner middleware set. Content-Length is recomputed
# (the token replaces the placeholder); cookies are never stored.
_DROPPED_HEADERS = {"content-length", "set-cookie"}

_request_generation: contextvars.ContextVar = contextvars.ContextVar("academy_content_generation", default=None)


def _pages_cache():
    """The "pages" cache, or "default" where settings name no such alias (a test's own CACHES)."""
    return caches["pages" if "pages" in settings.CACHES else "default"]


def _per_process(cache) -> bool:
    return isinstance(cache, LocMemCache)


def _generation_file() -> Path:
    configured = getattr(settings, "PAGE_CACHE_GENERATION_FILE", "")
    if configured:
        return Path(configured)
    database = str(settings.DATABASES["default"].get("NAME", ""))
    digest = hashlib.md5(f"{settings.BASE_DIR}|{database}".encode(), usedforsecurity=False).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"academy-content-generation-{digest}"


def _write_generation_file(path: Path) -> str:
    value = uuid.uuid4().hex
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    temporary.write_text(value)
    os.replace(temporary, path)  # atomic: a reader sees the old value or the new one
    return value


def _read_generation(cache) -> str | None:
    """The current content generation, made if there is none; None when the shared cache is unreachable."""
    if _per_process(cache):
        path = _generation_file()
        try:
            try:
                return path.read_text() or _write_generation_file(path)
            except FileNotFoundError:
                return _write_generation_file(path)
        except OSError:
            logger.exception("Content generation file %s unusable: pages are not cached", path)
            return None
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


_in_request: contextvars.ContextVar = contextvars.ContextVar("academy_page_cache_request", default=False)


def content_generation() -> str:
    """The content generation that cached fragments put in their keys: the one read when the current request began
    (so a fragment and the page around it agree), else read now. Empty while the shared cache is unreachable."""
    generation = _request_generation.get()
    if generation is None:
        generation = _read_generation(_pages_cache()) or ""
        if _in_request.get():
            _request_generation.set(generation)
    return generation


def _bump() -> None:
    cache = _pages_cache()
    if _per_process(cache):
        try:
            _write_generation_file(_generation_file())
        except OSError:
            # Unwritable: this worker forgets its pages; the others keep theirs until PAGE_CACHE_SECONDS have passed.
            logger.exception("Content generation file %s unusable", _generation_file())
            cache.clear()
    else:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def content_changed(**_signal_kwargs) -> None:
    """Make every cached page and fragment stale: now, and again when the current transaction commits (usable as a
    signal receiver)."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)


# What a change to which rows invalidates --------------------------------------------------------------------------


def watched_models() -> tuple[type, ...]:
    """Every model whose rows a public page may show: pages, images, documents, snippets, settings, sites, view
    restrictions, and the models named in PAGE_CACHE_CHANGED_BY."""
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.snippets.models import get_snippet_models

    models = [Page, Site, PageViewRestriction, BaseSiteSetting, BaseGenericSetting, get_image_model()]
    models.append(get_document_model())
    models += get_snippet_models()
    models += [apps.get_model(label) for label in getattr(settings, "PAGE_CACHE_CHANGED_BY", ())]
    return tuple(models)


def _settings_saved(sender, instance, created=False, **kwargs) -> None:
    """A settings row created is no change: Wagtail creates it, with its defaults, the first time anything reads the
    settings (``for_site``/``load``), so no page can have been rendered without it; a later save is a change."""
    if not created:
        content_changed()


def connect_receivers() -> None:
    """Connect the invalidation (AcademyConfig.ready, once every app's models are loaded). Each watched model is
    connected as a sender of its own, never every model at once: a receiver for any sender would also take bulk
    deletes of unrelated rows (lesson progress, audit logs) off Django's fast path."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.signals import page_published, page_unpublished, post_page_move

    watched = watched_models()
    for model in apps.get_models():
        if not issubclass(model, watched):
            continue
        saved = _settings_saved if issubclass(model, BaseSiteSetting | BaseGenericSetting) else content_changed
        post_save.connect(saved, sender=model, dispatch_uid=f"academy-page-cache-{id(post_save)}-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"academy-page-cache-{id(post_delete)}-{model}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"academy-page-cache-{id(signal)}")


# Serving ------------------------------------------------------------------------------------------------------------


def csrf_token_placeholder(request) -> dict:
    """Context processor (listed last, so it overrides Django's own ``csrf_token``): a page rendered for the cache
    gets a placeholder instead of a token; PageCacheMiddleware puts the visitor's own token in its place."""
    if getattr(request, "_page_cache_candidate", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def mark_page(page, request, serve_args, serve_kwargs):
    """Wagtail's ``before_serve_page`` hook: note which page this request serves, and whether it is the page's own
    address (a routable page's sub-route is not cached)."""
    if not getattr(request, "_page_cache_candidate", False):
        return None
    if serve_args and hasattr(page, "resolve_subpage"):
        view, args, kwargs = serve_args[0], serve_args[1], serve_args[2]
        own_view, _args, _kwargs = page.resolve_subpage("/")
        if args or kwargs or getattr(view, "__func__", view) != getattr(own_view, "__func__", own_view):
            return None
    request._page_cache_page = page
    return None


def cache_anonymous_view(view):
    """Mark a view whose anonymous responses may be stored like a page's: what it shows is content only (public
    pages, their search documents), the same for every anonymous visitor, and stale at the next content change."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request._page_cache_view = True
        return view(request, *args, **kwargs)

    return wrapped


def _cacheable_page(page) -> bool:
    labels = getattr(settings, "PAGE_CACHE_PAGE_TYPES", ())
    return page._meta.label in labels and not page.get_view_restrictions().exists()


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _key(request) -> str:
    from .elder import elder_mode_for

    variant = "|".join(
        (
            request.scheme,
            request.get_host(),
            getattr(request, "LANGUAGE_CODE", ""),
            "elder" if elder_mode_for(request) else "plain",
            request.get_full_path(),
        )
    )
    return "page-cache:" + hashlib.sha1(variant.encode(), usedforsecurity=False).hexdigest()


def _with_token(request, response):
    """Put the visitor's own CSRF token where a placeholder was rendered (a page or a fragment rendered for the
    cache), which also makes the CSRF middleware send the cookie."""
    if response.streaming or _CSRF_PLACEHOLDER_BYTES not in response.content:
        return response
    from django.middleware.csrf import get_token

    response.content = response.content.replace(_CSRF_PLACEHOLDER_BYTES, get_token(request).encode())
    patch_vary_headers(response, ("Cookie",))
    return response


class PageCacheMiddleware:
    """Serves and stores anonymous visitors' pages (see the module's docstring). Listed last, like Django's
    FetchFromCacheMiddleware, so every other middleware has run on the request: the cached page costs what a plain
    view costs through the same stack, plus one cache read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _in_request.set(True)
        generation_token = _request_generation.set(None)
        try:
            if settings.PAGE_CACHE_ENABLED and self._candidate(request):
                return self._serve(request)
            return _with_token(request, self.get_response(request))
        finally:
            _request_generation.reset(generation_token)
            _in_request.reset(token)

    @staticmethod
    def _candidate(request) -> bool:
        if request.method != "GET" or request.path_info.startswith(("/admin/", "/api/", "/static/", "/media/")):
            return False
        return not request.user.is_authenticated and not _has_messages(request)

    def _serve(self, request):
        from django.http import HttpResponse

        cache = _pages_cache()
        key = _key(request)
        if _per_process(cache):
            generation, entry = _read_generation(cache), cache.get(key)
        else:
            found = cache.get_many([GENERATION_KEY, key])
            generation, entry = found.get(GENERATION_KEY), found.get(key)
            if generation is None:
                generation = _read_generation(cache)
        _request_generation.set(generation or "")
        if generation and entry is not None and entry[0] == generation:
            _generation, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers[HEADER] = "hit"
            return _with_token(request, response)

        request._page_cache_candidate = True
        response = self.get_response(request)
        if generation and self._storable(request, response):
            headers = [
                (name, value) for name, value in response.headers.items() if name.lower() not in _DROPPED_HEADERS
            ]
            cache.set(key, (generation, response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
            response.headers[HEADER] = "miss"
        return _with_token(request, response)

    @staticmethod
    def _storable(request, response) -> bool:
        page = getattr(request, "_page_cache_page", None)
        view_marked = getattr(request, "_page_cache_view", False)
        if page is None and not view_marked:
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        cache_control = response.get("Cache-Control", "")
        if any(word in cache_control for word in ("private", "no-cache", "no-store")):
            return False
        # A real token was asked for (by code that did not go through the placeholder), or a message was queued,
        # or the request logged someone in: this page is not the same for every anonymous visitor.
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.user.is_authenticated:
            return False
        storage = getattr(request, "_messages", None)
        if storage is not None and getattr(storage, "_queued_messages", None):
            return False
        return page is None or _cacheable_page(page)
