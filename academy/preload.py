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

import ctypes
import ctypes.util
import gc
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# glibc's mallopt parameter, and the size from which an allocation gets its own mapping (glibc's default start value).
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def warm_django() -> None:
    """Load what the first requests of a worker would load: the URLconf and every view module it names (with the
    reverse lookups of each language), Wagtail's hooks (its admin menus and page-serving hooks), the translation
    catalogues of every language, the compiled templates of the base page, of every page type and of every template
    of our own apps (includes and block templates too), the modules Django imports on a first request, and the
    models' field maps and StreamField block trees."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
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
    names.update(project_template_names())
    for name in sorted(names):
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        except TemplateSyntaxError:
            # A broken template fails where it is used, as before; it must not keep the server from starting.
            logger.exception("preload: template %s does not compile", name)
    warm_lazy_imports()
    warm_models()


def project_template_names() -> set[str]:
    """Every template of our own apps and of the project's template directory (not the admin's or a library's): a
    page compiles ``{% include %}`` and ``{% extends %}`` only when it first renders them."""
    from django.apps import apps
    from django.conf import settings

    root = Path(settings.BASE_DIR).resolve()
    directories = [Path(directory) for engine in settings.TEMPLATES for directory in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # A virtual environment may live inside the checkout: its packages are not ours.
        if path.is_relative_to(root) and not {"site-packages", "dist-packages"} & set(path.parts):
            directories.append(Path(config.path) / "templates")
    names = set()
    for directory in directories:
        if directory.is_dir():
            names.update(path.relative_to(directory).as_posix() for path in directory.rglob("*.html"))
            names.update(path.relative_to(directory).as_posix() for path in directory.rglob("*.txt"))
    return names


def warm_lazy_imports() -> None:
    """What Django imports on a worker's first request rather than at start-up: the template context processors,
    the SQL compiler, the message and session storage, the authentication backends, the date and number formats of
    every language, and Pillow's image plugins (the first rendition of a worker imported some fifty modules)."""
    import django.db.models.sql.compiler  # noqa: F401
    from django.conf import settings
    from django.contrib.auth import get_backends
    from django.template import engines
    from django.utils import formats, translation
    from django.utils.module_loading import import_string
    from PIL import Image

    for engine in engines.all():
        getattr(engine, "engine", engine).template_context_processors  # noqa: B018  (imports and caches them)
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
    get_backends()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            formats.get_format("DATE_FORMAT")
    Image.init()


def warm_models() -> None:
    """Each model's field lookups (``_meta.get_fields()``, built on first use) and each StreamField's block tree
    (``stream_block``, built on first use since Wagtail 6)."""
    from django.apps import apps
    from wagtail.fields import StreamField

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                field.stream_block  # noqa: B018


def limit_malloc_retention() -> bool:
    """Give memory of large allocations back to the system when it is freed (glibc only; False elsewhere).

    glibc raises the size from which it maps an allocation on its own each time a mapped one is freed, so after a
    worker made a rendition (Pillow's image buffers, the AVIF and WebP encoders) it kept some 60 MiB in its heap for
    good. A fixed threshold maps every allocation of 128 KiB or more by itself and unmaps it when freed. Set in the
    master before the fork, it holds in every worker."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


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

    limit_malloc_retention()
    base_tokenizer()
    from django.apps import apps

    if apps.ready:
        warm_django()
        close_shared_resources()
    gc.freeze()
