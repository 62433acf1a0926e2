"""What gunicorn's master loads before it forks the workers (gunicorn.conf.py: ``preload_app`` and ``on_starting``).

Without preloading, every worker imported Django, Wagtail, our apps and their URLs, compiled the templates and read
the translation catalogues itself: 200+ MiB private to each worker, and seconds between a worker's fork and its first
page (docs/performance.md, "Issue 22 — this session"). With ``preload_app = True`` gunicorn imports the WSGI
application (so ``django.setup()``: every model) in the master; ``before_fork()`` then does the rest of what the
first requests would do in each worker, closes whatever the master opened (database connections, caches), and
freezes the heap (``gc.freeze()``) so that the collector in the workers never writes to, and so copies, the pages
they share with the master. Each worker starts with all of it loaded and shares it copy-on-write.

Only code-independent work, nothing that reads the database: a worker forked later sees the same state.
"""

import gc
import logging

logger = logging.getLogger(__name__)


def warm_django() -> None:
    """Load what the first requests of a worker would load: the URLconf and every view module it names (with the
    reverse lookups of each language), Wagtail's hooks (its admin menus and page-serving hooks), the translation
    catalogues of every language, and the compiled templates of the base page and of every page type."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation
    from wagtail import hooks
    from wagtail.models import get_page_models

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports every URL module and view)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads the catalogues; the reverse lookups are per language
            resolver.reverse_dict  # noqa: B018
    hooks.search_for_hooks()
    names = {"base.html", "404.html", "500.html"}
    names.update(model.template for model in get_page_models() if isinstance(getattr(model, "template", None), str))
    for name in sorted(names):
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue


def close_shared_resources() -> None:
    """Close what a fork must not share: database connections and cache clients opened in the master."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()


def before_fork() -> None:
    """gunicorn's ``on_starting``: the segmenter's dictionary always (it needs no Django); with ``preload_app`` (the
    app already imported) the rest of the warm-up; then close what must not be shared and freeze the heap."""
    from academy.search.preload import base_tokenizer

    base_tokenizer()
    from django.apps import apps

    if apps.ready:
        warm_django()
        close_shared_resources()
    gc.freeze()
