"""In-process ratio of logged-in pages to the title-only page (issue 22), through Django's test client.

Not the gunicorn benchmark (``bench/peer.py``): no sockets, no workers, one process. Each address is requested in
interleaved rounds as the demo's first trainee (logged in), after a warm-up; CPU per request is
``time.process_time`` around each request. Run it against a database seeded with ``manage.py seed_demo`` under
production settings (DEBUG off, cached template loaders), e.g. with the environment ``bench/peer.py`` builds::

    DJANGO_SETTINGS_MODULE=... DATABASE_URL=sqlite:///.../bench.sqlite3 PAGE_CACHE=0 \\
        .venv/bin/python bench/logged_in_inprocess.py --requests 200

``--profile PATH`` prints cProfile's 30 costliest functions (cumulative) for that address instead.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per address (default 200)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--profile", default="", help="profile this address instead of timing")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from wagtail.models import Site

    from academy.models import User
    from courses.models import LessonProgress
    from home.models import StandardPage

    root = Site.objects.get(is_default_site=True).root_page
    if not root.get_children().filter(slug="bare").exists():  # bench/peer.py's title-only page
        root.add_child(instance=StandardPage(title="空白页", slug="bare"))
    user = User.objects.get(phone="+8613900000002")
    lesson_url = LessonProgress.objects.filter(user=user).order_by("pk").first().lesson.url
    client = Client()
    client.force_login(user)
    pages = {
        "title-only (/bare/)": "/bare/",
        f"lesson ({lesson_url})": lesson_url,
        "dashboard (/credits/)": "/credits/",
    }
    for url in pages.values():
        for _ in range(20):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", ""), 40)
        return

    per_round = max(1, args.requests // args.rounds)
    cpu = {name: [] for name in pages}
    load_start = os.getloadavg()
    for _ in range(args.rounds):
        for name, url in pages.items():
            for _ in range(per_round):
                started = time.process_time()
                client.get(url)
                cpu[name].append(time.process_time() - started)
    load_end = os.getloadavg()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("load average at the start: {:.1f} / {:.1f} / {:.1f}".format(*load_start))
    print("load average at the end:   {:.1f} / {:.1f} / {:.1f}".format(*load_end))
    bare = statistics.mean(next(iter(cpu.values())))
    print(f"{'page':45} {'requests':>8} {'CPU ms mean':>12} {'median':>8} {'ratio vs title-only (req/s)':>28}")
    for name, times in cpu.items():
        mean = statistics.mean(times)
        print(
            f"{name:45} {len(times):8d} {mean * 1000:12.2f} {statistics.median(times) * 1000:8.2f} {bare / mean:28.2f}"
        )


if __name__ == "__main__":
    main()
