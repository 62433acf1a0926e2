"""Where a title-only page's CPU goes, in-process (issue 22): Django's test client, timers around the parts.

Not the gunicorn benchmark (``bench/peer.py``): one process, no sockets. ``/bare/`` (a ``StandardPage`` with only a
title, under the home page, anonymous) and a plain Django view through the same middleware (``/bench-plain/``, as
``bench/peer.py``'s URLconf adds it) are requested in interleaved rounds after a warm-up; CPU is
``time.process_time``. For the title-only page the parts are timed by wrapping the functions that do them (nested
parts overlap; a stack sampler over-weights SQLite and cProfile inflates Python-heavy code, see docs/performance.md).
Run it against a database seeded with ``manage.py seed_demo`` under production settings with ``PAGE_CACHE=0``, as
``bench/peer.py`` builds it (its settings and URLconf on ``PYTHONPATH``)::

    DJANGO_SETTINGS_MODULE=bench_site_settings DATABASE_URL=sqlite:///.../bench.sqlite3 PAGE_CACHE=0 \\
        .venv/bin/python bench/title_only_inprocess.py --requests 400
"""

import argparse
import collections
import functools
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SPENT: collections.Counter = collections.Counter()
RECORDING = {"on": False}
QUERIES = {"count": 0}  # parts are counted during title-only requests only
_depth: collections.Counter = collections.Counter()


def timed(label: str, function):
    """``function`` with its CPU time added to SPENT[label] (the outermost call only, when it recurses)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _depth[label] += 1
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _depth[label] -= 1
            if not _depth[label] and RECORDING["on"]:
                SPENT[label] += time.process_time() - started

    return wrapper


def instrument() -> None:
    """Wrap the parts of serving a page that docs/performance.md's table names."""
    import wagtail.views
    from django.db.backends.utils import CursorWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from django.template import loader_tags
    from django.template.backends.django import Template
    from django.templatetags import i18n, static
    from wagtail.models import Page

    import academy.sites

    academy.sites.site_for_request = timed("site lookup", academy.sites.site_for_request)
    try:  # the caches of academy/serving.py and the chrome fragments, where this tree has them
        import academy.serving
        from academy.templatetags import academy_chrome
    except ImportError:
        pass
    else:
        academy.serving.child_for_route = timed("routing: child from the cache", academy.serving.child_for_route)
        academy.serving.view_restrictions_for = timed(
            "view restrictions from the cache", academy.serving.view_restrictions_for
        )
        fragments = academy_chrome.FRAGMENTS
        fragments.get_or_build = timed("chrome fragments from the cache (3)", fragments.get_or_build)
    # Routing includes the site lookup where the lookup is lazy (made when routing first asks for the site).
    Page.route_for_request = staticmethod(timed("routing", Page.route_for_request))
    wagtail.views.serve_chain = timed("page.serve (context and template)", wagtail.views.serve_chain)
    # Wagtail's hooks around serving: check_view_restrictions wraps page.serve (timed on its own just above).
    from wagtail import hooks

    hooks.search_for_hooks()

    def timed_wrapper(label, wrapping_hook):
        return lambda callback: timed(label, wrapping_hook(callback))

    label = "on_serve_page hooks (view restrictions; page.serve inside)"
    hooks._hooks["on_serve_page"] = [(timed_wrapper(label, fn), order) for fn, order in hooks._hooks["on_serve_page"]]
    label = "before_serve_page hooks"
    hooks._hooks["before_serve_page"] = [(timed(label, fn), order) for fn, order in hooks._hooks["before_serve_page"]]
    Template.render = timed("template rendering (all)", Template.render)
    SQLCompiler.as_sql = timed("ORM compiling SQL", SQLCompiler.as_sql)
    CursorWrapper.execute = timed("executing SQL", CursorWrapper.execute)
    original_execute = CursorWrapper.execute

    def counted_execute(self, *args, **kwargs):
        if RECORDING["on"]:
            QUERIES["count"] += 1
        return original_execute(self, *args, **kwargs)

    CursorWrapper.execute = counted_execute
    i18n.TranslateNode.render = timed("{% trans %} tags", i18n.TranslateNode.render)
    static.StaticNode.render = timed("{% static %} tags", static.StaticNode.render)

    original_include = loader_tags.IncludeNode.render

    def include_render(self, context):
        name = getattr(self.template, "var", None)
        label = f"include {name}" if isinstance(name, str) else "include (computed)"
        return timed(label, original_include)(self, context)

    loader_tags.IncludeNode.render = include_render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per address (default 400)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--no-parts", action="store_true", help="time whole requests only (no wrapped parts)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from wagtail.models import Site

    from home.models import StandardPage

    root = Site.objects.get(is_default_site=True).root_page
    if not root.get_children().filter(slug="bare").exists():  # bench/peer.py's title-only page
        root.add_child(instance=StandardPage(title="空白页", slug="bare"))
    client = Client()
    pages = {"title-only (/bare/)": "/bare/", "plain Django view (/bench-plain/)": "/bench-plain/"}
    for url in pages.values():
        for _ in range(20):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    if not args.no_parts:
        instrument()

    per_round = max(1, args.requests // args.rounds)
    cpu = {name: [] for name in pages}
    load_start = os.getloadavg()
    for _ in range(args.rounds):
        for name, url in pages.items():
            for _ in range(per_round):
                RECORDING["on"] = url == "/bare/"
                started = time.process_time()
                client.get(url)
                cpu[name].append(time.process_time() - started)
    load_end = os.getloadavg()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("load average at the start: {:.1f} / {:.1f} / {:.1f}".format(*load_start))
    print("load average at the end:   {:.1f} / {:.1f} / {:.1f}".format(*load_end))
    if not args.no_parts:
        print(f"queries per title-only request: {QUERIES['count'] / len(cpu['title-only (/bare/)']):.1f}")
    print(f"{'address':40} {'requests':>8} {'CPU ms mean':>12} {'median':>8}")
    for name, times in cpu.items():
        print(f"{name:40} {len(times):8d} {statistics.mean(times) * 1000:12.3f} {statistics.median(times) * 1000:8.3f}")
    if SPENT:
        bare_requests = len(cpu["title-only (/bare/)"])
        print("parts of a title-only request (CPU ms per request; nested parts overlap):")
        for label, seconds in SPENT.most_common():
            print(f"  {label:45} {seconds * 1000 / bare_requests:8.3f}")


if __name__ == "__main__":
    main()
