"""The home page on a cold cache with 50 visitors arriving together, before and after the build-once lock.

Builds a throwaway SQLite district (bench/world.py: 100,000 trainees, four completions for every second one, 20
courses) with a home page at the site root, then, for each variant and run: empties the cache and sends 50 GET /
at once from 50 threads through Django's test client (one process, as one gunicorn worker with threads would see
them), timing each. "before": every request that misses builds the district figures, cards and menu itself (the
code before the lock); "after" is the code as it is (``academy.cache.get_or_build_once``: one builds, the rest wait).

    .venv/bin/python bench/home_cold.py [--trainees 100000] [--visitors 50] [--runs 3]

Results are written to docs/performance.md (the section between the home:cold markers is replaced).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world  # noqa: E402

START, END = "<!-- home:cold:start -->", "<!-- home:cold:end -->"


def build(trainees: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page, Site

    from home.models import HomePage

    world.migrate()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="三方学院", slug="bench-home", hero_heading="拱墅区三方学院"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "testserver", "root_page": home})
    catalogue = world.catalogue_and_programme()
    now = timezone.now().isoformat(sep=" ")
    with transaction.atomic(), connection.cursor() as cursor:
        world.insert_trainees(cursor, trainees, now=now)
        world.insert_completions(cursor, trainees, course_ids=catalogue["course_ids"], rng=rng, now=now)
    world.analyse()


def cold_crowd(visitors: int) -> tuple[list[float], int]:
    """Clear the cache, send ``visitors`` GET / at once; the time of each (ms) and how many were not 200."""
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client

    cache.clear()
    barrier, times, failures, lock = threading.Barrier(visitors), [], [0], threading.Lock()

    def visit():
        client = Client()
        barrier.wait(timeout=60)
        started = time.perf_counter()
        status = client.get("/").status_code
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            times.append(elapsed)
            failures[0] += status != 200
        connections.close_all()

    threads = [threading.Thread(target=visit) for _ in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        world.setup_django(Path(directory) / "home-cold.sqlite3")
        from django.core.cache import cache

        from home import selectors

        started = time.perf_counter()
        build(args.trainees, random.Random(2026))
        built = time.perf_counter() - started
        counting = time.perf_counter()
        figures = selectors.compute_site_figures()
        count_ms = (time.perf_counter() - counting) * 1000

        import academy.cache as shared

        locked_figures, locked_build = selectors.site_figures, shared.get_or_build_once

        def unlocked_build(key, build, timeout, **_options):
            value = cache.get(key)
            if value is None:
                value = build()
                cache.set(key, value, timeout)
            return value

        def unlocked_figures() -> dict:
            return unlocked_build(selectors.FIGURES_CACHE_KEY, selectors.compute_site_figures, 600)

        variants = {
            "before": (unlocked_figures, unlocked_build),  # every request that misses builds
            "after": (locked_figures, locked_build),
        }
        cold_crowd(args.visitors)  # warm-up, not counted: templates, URL resolvers, jieba's dictionary
        results = {}
        for run in range(args.runs):
            for variant, (figures_function, build_function) in variants.items():
                selectors.site_figures, shared.get_or_build_once = figures_function, build_function
                times, failures = cold_crowd(args.visitors)
                results.setdefault(variant, []).append((statistics.median(times), p95(times), max(times), failures))
                print(variant, run, f"p50 {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms", flush=True)
        selectors.site_figures, shared.get_or_build_once = locked_figures, locked_build

    lines = [
        "### Home page on a cold cache, 50 visitors at once (`bench/home_cold.py`)",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; machine: {world.machine()}; shared with"
        " other work (load average at the end " + " / ".join(f"{x:.1f}" for x in os.getloadavg()) + ").",
        f"- Data: SQLite, {args.trainees:,} trainees, {figures['trainees']:,} of them with four completions, "
        f"{figures['courses']} courses (built in {built:.0f} s); counting the figures once takes {count_ms:.0f} ms.",
        f"- Each run empties the cache, then {args.visitors} threads of one process send GET / together (Django's "
        "test client), like one gunicorn worker with that many threads; the figures are the median of "
        f"{args.runs} runs. The variants alternate, after one warm-up crowd. "
        '"before": every request that misses counts the figures and renders the cards and menu itself (the code '
        'before this change); "after": `get_or_build_once` (one request builds each value, the others wait for it).',
        "",
        "| Variant | p50 ms | p95 ms | max ms | non-200 |",
        "|---|---:|---:|---:|---:|",
    ]
    for variant, runs in results.items():
        p50s, p95s, maxes, failures = zip(*runs, strict=True)
        lines.append(
            f"| {variant} | {statistics.median(p50s):.0f} | {statistics.median(p95s):.0f} | "
            f"{statistics.median(maxes):.0f} | {sum(failures)} |"
        )
    print("\n".join(lines))
    world.write_section(START, END, lines)


if __name__ == "__main__":
    main()
