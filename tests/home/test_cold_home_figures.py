"""A cold home page is built once, not once per visitor: 30 requests arriving together on an empty cache count the
district's figures and render the cards once; the others wait for that value (academy.cache.get_or_build_once)."""

import threading
import time

from django.core.cache import cache

from academy.cache import VersionedCache, get_or_build_once
from home import selectors


def all_at_once(work, count: int = 30) -> list:
    barrier, results, lock = threading.Barrier(count), [], threading.Lock()

    def run():
        barrier.wait(timeout=30)
        value = work()
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def slow_counter(value):
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.3)  # as long as counting a district's completions takes
        return value

    return build, calls


def test_thirty_visitors_on_a_cold_cache_count_the_site_figures_once(monkeypatch):
    figures = {"courses": 60, "trainees": 2000, "certificates": 900}
    build, calls = slow_counter(figures)
    monkeypatch.setattr(selectors, "compute_site_figures", build)
    results = all_at_once(selectors.site_figures)
    assert len(results) == 30 and all(result == figures for result in results)
    assert len(calls) == 1


def test_versioned_caches_build_each_entry_once_under_a_crowd():
    build, calls = slow_counter("<section>cards</section>")
    cards = VersionedCache("test:cards", timeout=60)
    results = all_at_once(lambda: cards.get_or_build("home", build))
    assert set(results) == {"<section>cards</section>"} and len(calls) == 1


def test_a_builder_that_never_finishes_does_not_hold_the_others_for_ever():
    cache.add("test:stuck:building", True, timeout=30)  # claimed by a process that died
    started = time.monotonic()
    assert get_or_build_once("test:stuck", lambda: "built anyway", 60, wait_seconds=0.5) == "built anyway"
    assert time.monotonic() - started < 5
