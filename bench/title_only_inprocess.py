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

``--search`` (with ``manage.py update_index`` run on that database) adds the site search rendered afresh (issue 22):
a new query on every request (two words of the demo's page titles, never asked before in the run), anonymous and
as the demo's first trainee; one query asked again and again, both ways; and ``/bare/`` logged in. With
``PAGE_CACHE=0`` the anonymous repeated query is rendered too (with the page cache on it is a hit). ``--parts NAME``
times the parts of that address's requests instead of the title-only page's (e.g. ``--parts "search, new query"``).
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
QUERIES = {"count": 0}  # parts are counted during the requests of one address only (--parts)
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
    instrument_search()
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


def instrument_search() -> None:
    """Wrap the parts of the site search (home.views.search and academy.search), where this tree has them."""
    from django.db.models.query import QuerySet
    from django.template import defaulttags
    from wagtail.models import Page

    import home.views
    from academy.search import rules, segment, selectors

    segment.query_words = timed("search: segmenting the query (jieba)", segment.query_words)
    selectors.synonym_groups = timed("search: synonym groups", selectors.synonym_groups)
    selectors.page_type_weights = timed("search: page-type weights", selectors.page_type_weights)
    # The ranking in Python: from the documents' texts (rules.rank), or from the word index's counts (rank_counted).
    for name in ("rank", "rank_counted"):
        if hasattr(selectors, name):
            setattr(selectors, name, timed(f"search: ranking (rules.{name}, Python)", getattr(rules, name)))
    for name in ("pages_search", "documents_ranked"):  # the ranking as an older tree (pages_search) or this one has it
        if hasattr(selectors, name):
            setattr(selectors, name, timed(f"search: {name} (query, rows, ranking)", getattr(selectors, name)))
            for module in (home.views, getattr(home, "selectors", None)):
                if hasattr(module, name):
                    setattr(module, name, getattr(selectors, name))
    try:  # the caches of home.selectors, where this tree has them (bench --before an older commit)
        import home.selectors
    except ImportError:
        pass
    else:
        if hasattr(home.selectors, "search_ranked"):
            if hasattr(selectors, "documents_ranked"):
                home.selectors.documents_ranked = selectors.documents_ranked
            home.selectors.search_ranked = timed(
                "search: ranked results (cache or ranking)", home.selectors.search_ranked
            )
            home.selectors.search_cards = timed("search: result cards (cache or rows)", home.selectors.search_cards)
    home.views._page_type = timed("search: type labels", home.views._page_type)
    QuerySet.in_bulk = timed("search: shown pages' specific rows (in_bulk)", QuerySet.in_bulk)
    Page.get_url = timed("page URLs (Page.get_url)", Page.get_url)
    defaulttags.ForNode.render = timed("{% for %} loops (outermost)", defaulttags.ForNode.render)


def search_queries(count: int) -> list[str]:
    """``count`` different two-word queries from the words of the indexed page titles, in a fixed shuffled order."""
    import itertools
    import random

    from academy.models import SearchDocument

    words = set()
    for title in SearchDocument.objects.values_list("title", flat=True):
        words.update(word for word in title.split() if len(word) >= 2 and not word.isascii())
    pairs = list(itertools.combinations(sorted(words), 2))
    random.Random(22).shuffle(pairs)  # noqa: S311  (a fixed order, not a secret)
    if len(pairs) < count:
        raise SystemExit(f"only {len(pairs)} different queries; run manage.py update_index on this database")
    return [f"{a} {b}" for a, b in pairs[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per address (default 400)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--no-parts", action="store_true", help="time whole requests only (no wrapped parts)")
    parser.add_argument("--search", action="store_true", help="also the site search, anonymous and logged in")
    parser.add_argument("--parts", default="title-only (/bare/)", help="the address whose parts are timed")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from wagtail.models import Site

    from home.models import StandardPage

    root = Site.objects.get(is_default_site=True).root_page
    if not root.get_children().filter(slug="bare").exists():  # bench/peer.py's title-only page
        root.add_child(instance=StandardPage(title="空白页", slug="bare"))
    from django.conf import settings

    client = Client()
    pages = {"title-only (/bare/)": "/bare/", "plain Django view (/bench-plain/)": "/bench-plain/"}
    clients = dict.fromkeys(pages, client)
    if args.search:
        from urllib.parse import quote

        from academy.models import User

        trainee = Client()
        trainee.force_login(User.objects.get(phone="+8613900000002"))
        fresh = iter(search_queries(2 * (args.requests + 20)))
        repeated = "/search/?q=" + quote("物业")
        pages = {
            "title-only (/bare/)": "/bare/",
            "search, new query": lambda: "/search/?q=" + quote(next(fresh)),
            "search, repeated query": repeated,
            "title-only, logged in": "/bare/",
            "search, new query, logged in": lambda: "/search/?q=" + quote(next(fresh)),
            "search, repeated query, logged in": repeated,
        }
        clients = {name: trainee if "logged in" in name else client for name in pages}
    for name, url in pages.items():
        for _ in range(20):
            address = url() if callable(url) else url
            response = clients[name].get(address)
            assert response.status_code == 200, (address, response.status_code)
    if not args.no_parts:
        instrument()

    per_round = max(1, args.requests // args.rounds)
    cpu = {name: [] for name in pages}
    load_start = os.getloadavg()
    for _ in range(args.rounds):
        for name, url in pages.items():
            for _ in range(per_round):
                address = url() if callable(url) else url
                RECORDING["on"] = name == args.parts
                started = time.process_time()
                clients[name].get(address)
                cpu[name].append(time.process_time() - started)
    load_end = os.getloadavg()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("load average at the start: {:.1f} / {:.1f} / {:.1f}".format(*load_start))
    print("load average at the end:   {:.1f} / {:.1f} / {:.1f}".format(*load_end))
    print(f"page cache: {'on' if settings.PAGE_CACHE_ENABLED else 'off'}")
    if not args.no_parts:
        print(f"queries per {args.parts} request: {QUERIES['count'] / len(cpu[args.parts]):.1f}")
    bare = statistics.mean(cpu["title-only (/bare/)"])
    print(f"{'address':40} {'requests':>8} {'CPU ms mean':>12} {'median':>8} {'÷ title-only (req/s)':>21}")
    for name, times in cpu.items():
        mean = statistics.mean(times)
        print(
            f"{name:40} {len(times):8d} {mean * 1000:12.3f} {statistics.median(times) * 1000:8.3f} {bare / mean:21.2f}"
        )
    if SPENT:
        requests = len(cpu[args.parts])
        print(f"parts of a {args.parts} request (CPU ms per request; nested parts overlap):")
        for label, seconds in SPENT.most_common():
            print(f"  {label:55} {seconds * 1000 / requests:8.3f}")


if __name__ == "__main__":
    main()
